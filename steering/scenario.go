package steering

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// Marker tags. Every variant emits them at the same logical points, so the
// properties read an execution without knowing which version of the code ran.
// Arguments are request ids, queue numbers, targets and CPUs.
const (
	MarkSubmit    = "submit"    // (req, target, cpu): entry of queuecommand
	MarkSteer     = "steer"     // (req, queue, reqs seen): the queue picked; reqs seen > 1 means "found busy" (-1: no test made)
	MarkEnqueue   = "enqueue"   // (req, queue): the buffer was added to the ring
	MarkSubmitted = "submitted" // (req, ok): queuecommand returns; ok=1 accepted, ok=0 SCSI_MLQUEUE_HOST_BUSY
	MarkConsume   = "consume"   // (req, queue): the device took the buffer off the ring
	MarkComplete  = "complete"  // (req, queue): the interrupt handler completed the command (sc->scsi_done)
	MarkBusy      = "busy"      // (req): the kick failed; v4.x undoes the increment before returning busy
	MarkDestroy   = "destroy"   // (target): virtscsi_target_destroy frees tgt (kfree)
)

// SteerBlkMQ is the "reqs seen" of a steer marker set by virtscsi_pick_vq_mq: blk-mq
// picked the queue from the submitting CPU, with no per-target steering and no
// per-target promise (P1 and P2 do not judge such requests).
const SteerBlkMQ = -2

// Freed is what virtscsi_target_destroy's kfree(tgt) leaves in tgt->reqs: a value no
// count can take, so that an access after the free reads it (P6 reports it).
const Freed = -1000

// Role is what a thread of a scenario stands for.
type Role uint8

// Thread roles.
const (
	RoleCPU    Role = iota // a submitting CPU
	RoleDevice             // the device side of one request virtqueue
	RoleIRQ                // the interrupt handler of one request virtqueue
	RoleRemove             // scsi_remove_target of one target (Config.RemoveTarget)
)

func (r Role) String() string { return [...]string{"cpu", "device", "irq", "remove"}[r] }

// ThreadInfo describes one thread of the program.
type ThreadInfo struct {
	Role  Role
	Index int // the CPU number, the queue number, or the target number
}

// RequestInfo is one request of the scenario.
type RequestInfo struct {
	ID     int
	CPU    int
	Target int
	Thread int // the thread of its CPU
}

// Layout names the shared locations of a scenario. Per-target arrays are indexed by
// target; per-queue arrays by queue; descriptor arrays by queue*Ring+descriptor; ring
// slots by queue*Slots+position. An array the variant does not use has Len 0.
type Layout struct {
	TgtLock model.Array // spinlock_t tgt_lock
	TgtSeq  model.Array // seqcount_t tgt_seq (v3.19)
	Reqs    model.Array // atomic_t reqs
	ReqVq   model.Array // struct virtio_scsi_vq *req_vq, as a queue index

	VqLock    model.Array // spinlock_t vq_lock
	NumFree   model.Array // vq->vq.num_free
	FreeHead  model.Array // vq->free_head
	DescNext  model.Array // vring.desc[i].next
	DescAddr  model.Array // vring.desc[i].addr: the command the device reads (a request id, -1 never written)
	Data      model.Array // vq->data[i]: the driver's token (a request id, -1 for NULL)
	AvailIdx  model.Array // vring.avail->idx
	AvailRing model.Array // vring.avail->ring[]
	UsedIdx   model.Array // vring.used->idx
	UsedRing  model.Array // vring.used->ring[].id
	ScsiDone  model.Array // per request: 1 once sc->scsi_done ran (Config.RemoveTarget only)

	Ring  int // descriptors per queue
	Slots int // avail/used ring positions modelled per queue (one per request)
}

// Scenario is a variant (and maybe a mutant) built for a configuration: the program
// to explore and what the properties need to read its executions.
type Scenario struct {
	Variant  string
	Mutant   string
	Config   Config
	Program  *model.Program
	Requests []RequestInfo
	Threads  []ThreadInfo // by thread id
	Layout   Layout
}

// Build builds the program of a variant for a configuration, with a mutant applied
// (mutant "" for none). Errors name the valid choices.
func Build(variant, mutant string, cfg Config) (*Scenario, error) {
	v, ok := lookupVariant(variant)
	if !ok {
		return nil, fmt.Errorf("unknown variant %q (have: %s)", variant, strings.Join(VariantNames(), ", "))
	}
	if mutant != "" {
		m, ok := lookupMutant(mutant)
		if !ok {
			return nil, fmt.Errorf("unknown mutant %q (have: %s)", mutant, strings.Join(MutantNames(), ", "))
		}
		if m.Variant != v.Name {
			return nil, fmt.Errorf("mutant %q applies to variant %s, not %s", mutant, m.Variant, v.Name)
		}
		cfg = m.ConfigFor(cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.BlkMQ && !v.blkmq {
		return nil, fmt.Errorf("blk-mq: variant %s has no virtscsi_pick_vq_mq (have: v4.x)", v.Name)
	}
	name := v.Name
	if mutant != "" {
		name += "+" + mutant
	}
	b := &builder{
		cfg:    cfg,
		mutant: mutant,
		p:      model.NewProgram(name),
	}
	b.sc = &Scenario{Variant: v.Name, Mutant: mutant, Config: cfg, Program: b.p}
	b.declare(v.perTarget)
	for i, r := range cfg.Requests {
		b.sc.Requests = append(b.sc.Requests, RequestInfo{ID: i, CPU: r.CPU, Target: r.Target, Thread: -1})
	}
	b.cpuThreads(v.submit)
	b.declareSymmetry(v.anyCPU)
	b.deviceThreads()
	b.irqThreads(v.complete)
	if cfg.RemoveTarget {
		b.removeThreads(v.destroy)
	}
	b.sc.Layout = b.L
	if err := checkEventBound(b.p); err != nil {
		return nil, err
	}
	b.p.Seal()
	return b.sc, nil
}

// Idle reports whether thread t of a final graph waits for work at a top-level
// spin-wait (a device or interrupt thread with nothing to do).
func (s *Scenario) Idle(g *model.ExecutionGraph, t int) bool {
	st := &g.Threads[t].State
	if st.Status != model.Blocked {
		return false
	}
	return idleAt(g, t)
}

// ThreadName is the printed name of thread t ("cpu1", "device0", "irq0").
func (s *Scenario) ThreadName(t int) string { return s.Program.Threads[t].Name }

// TargetOfReqs returns the target whose reqs counter is location l.
func (s *Scenario) TargetOfReqs(l model.LocID) (int, bool) {
	a := s.Layout.Reqs
	if l < a.Base || int(l-a.Base) >= a.Len {
		return 0, false
	}
	return int(l - a.Base), true
}

// checkEventBound rejects programs a thread of which could produce more events than
// the explorer allows. The bound is the sum over all instructions (loops are
// unrolled, so every path is shorter).
func checkEventBound(p *model.Program) error {
	for _, t := range p.Threads {
		n := 0
		for _, in := range t.Code {
			switch in.Op {
			case model.OpLoad, model.OpStore, model.OpFence, model.OpUnlock, model.OpMark:
				n++
			case model.OpRMW, model.OpLock, model.OpTrylock:
				n += 2
			}
		}
		if n > model.MaxThreadEvents {
			return fmt.Errorf("thread %s may produce %d events, more than model.MaxThreadEvents (%d): give it fewer requests", t.Name, n, model.MaxThreadEvents)
		}
	}
	return nil
}

// DeviceThread is the thread id of queue q's device, or -1.
func (s *Scenario) DeviceThread(q int) int { return s.roleThread(RoleDevice, q) }

// IRQThread is the thread id of queue q's interrupt handler, or -1.
func (s *Scenario) IRQThread(q int) int { return s.roleThread(RoleIRQ, q) }

func (s *Scenario) roleThread(r Role, idx int) int {
	for t, info := range s.Threads {
		if info.Role == r && info.Index == idx {
			return t
		}
	}
	return -1
}

// DescribeRequest names a request for messages: "r1 (cpu1 → target 0)".
func (s *Scenario) DescribeRequest(id int) string {
	if id < 0 || id >= len(s.Requests) {
		return fmt.Sprintf("r%d (no such request)", id)
	}
	r := s.Requests[id]
	return fmt.Sprintf("r%d (cpu%d → target %d)", id, r.CPU, r.Target)
}

// idleAt reports whether thread t of g is blocked at a spin-wait marked Idle.
func idleAt(g *model.ExecutionGraph, t int) bool {
	code := g.Prog.Threads[t].Code
	pc := g.Threads[t].State.AwaitPC
	return pc >= 0 && int(pc) < len(code) && code[pc].Idle
}
