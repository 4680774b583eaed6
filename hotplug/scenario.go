package hotplug

import (
	"fmt"
	"sort"
	"strings"

	"github.com/steercheck/steercheck/affinity"
	"github.com/steercheck/steercheck/internal/srcstack"
	"github.com/steercheck/steercheck/model"
)

// Marker tags. Every variant emits them at the same logical points; the checkers in
// check.go read executions through them and through the final memory state. The
// arguments are values the thread computed or read in that execution.
const (
	MarkSubmit   = "submit"  // (req, cpu): the submitter starts
	MarkEnqueue  = "enqueue" // (req, queue, inactive seen): the request is queued and the device kicked
	MarkRetry    = "retry"   // (req, queue): drain-5.8 found the queue INACTIVE, put the tag back
	MarkFail     = "submit-fail"
	MarkConsume  = "consume"      // (req, queue): the device marked the buffer used
	MarkIRQ      = "irq"          // (queue, cpu, kind): a handler runs; kind is one of the Delivery* values
	MarkComplete = "complete"     // (req, queue, used seen): the handler completes the request
	MarkIRQEnd   = "irq-end"      // (queue): the handler returns
	MarkLost     = "irq-lost"     // (queue, cpu): raised while shut down (cpu -1) or towards a CPU it cannot reach
	MarkOffline  = "offline"      // (cpu): the CPU is marked offline
	MarkOnline   = "online"       // (cpu): the CPU is marked online
	MarkShutdown = "irq-shutdown" // (queue, in-flight seen): a managed interrupt is shut down
	MarkStart    = "irq-start"    // (queue, cpu): an interrupt is started (bound) on cpu
	MarkMove     = "irq-move"     // (queue, from, to): the effective target changes
	MarkInactive = "inactive"     // (queue): drain-5.8 sets BLK_MQ_S_INACTIVE
	MarkDrained  = "drained"      // (queue): the drain wait returned
	MarkReactive = "reactivate"   // (queue): drain-5.8 clears BLK_MQ_S_INACTIVE
	MarkNoVector = "offline-fail" // (cpu, queue): no CPU has a free vector for the interrupt; the offline fails
)

// Delivery kinds (third argument of MarkIRQ).
const (
	DeliveryDevice  = 0 // the device raised the interrupt after marking a buffer used
	DeliveryXenBind = 1 // the spurious event of a freshly bound Xen event channel, on vCPU0
	DeliveryOldCPU  = 2 // raised during an affinity change and handled on the CPU read before it
)

// Role is what a thread stands for.
type Role uint8

// Thread roles.
const (
	RoleCPU     Role = iota // a submitter running on a CPU
	RoleDevice              // the device: consumes buffers and raises interrupts
	RoleHotplug             // the CPU hotplug thread
	RoleVCPU0               // Xen's vCPU0 taking the spurious bind event
)

func (r Role) String() string { return [...]string{"cpu", "device", "hotplug", "vcpu0"}[r] }

// ThreadInfo describes one thread of a scenario.
type ThreadInfo struct {
	Role  Role
	Index int // CPU or request number
}

// Layout names the shared locations of a scenario.
type Layout struct {
	Online, Reachable          model.Array // per CPU
	IRQState, IRQCPU, Inactive model.Array // per queue: started, effective target, BLK_MQ_S_INACTIVE
	Inflight, VqLock           model.Array // per queue: outstanding requests (tags), vq_lock
	Posted, Used, Done         model.Array // per request: queue+1 once queued / consumed, 1 once completed
	TgtLock, TgtReqs, TgtReqVq model.Array // per target (managed-4.11 steering)
}

// Scenario is a variant built for a configuration: the program and what the
// checkers need to read its executions.
type Scenario struct {
	Variant  string
	Mutant   string
	Config   Config
	Topology affinity.Topology
	Masks    []affinity.CPUMask // the queue masks, queue 0 first
	// QueueOf is the queue each CPU's I/O goes to in this variant (managed-4.11: the
	// queue cpu mod n its steering picks for an idle target; otherwise blk-mq's map).
	QueueOf []int
	Managed bool // request-queue interrupts are managed
	// StartedAtBoot and BootCPU: the interrupt state after probe.
	StartedAtBoot []bool
	BootCPU       []int
	Program       *model.Program
	Threads       []ThreadInfo
	L             Layout
}

// NumRequests is the number of requests.
func (sc *Scenario) NumRequests() int { return len(sc.Config.Requests) }

// Build builds the program of a variant ("managed-4.11", "blkmq-4.17", "drain-5.8",
// "nonmanaged" or a mutant "variant+mutant") for a configuration.
func Build(variant string, cfg Config) (*Scenario, error) {
	name, mutant, _ := strings.Cut(variant, "+")
	v, ok := variants[name]
	if !ok {
		return nil, fmt.Errorf("unknown variant %q (have: %s)", variant, strings.Join(Variants(), ", "))
	}
	if mutant != "" && !contains(v.mutants, mutant) {
		return nil, fmt.Errorf("variant %s has no mutant %q (have: %s)", name, mutant, strings.Join(v.mutants, ", "))
	}
	t, err := affinity.ParseTopology(cfg.Topology)
	if err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.validate(t); err != nil {
		return nil, err
	}
	masks, blkmq, err := cfg.spread(t)
	if err != nil {
		return nil, err
	}
	sc := &Scenario{Variant: name, Mutant: mutant, Config: cfg, Topology: t, Masks: masks, Managed: v.managed}
	sc.QueueOf = blkmq
	if v.legacyMap {
		sc.QueueOf = make([]int, len(t.CPUs))
		for c := range sc.QueueOf {
			sc.QueueOf[c] = c % cfg.Queues
		}
	}
	b := newBuilder(sc, v, mutant)
	v.build(b)
	sc.Program = b.p.Seal()
	return sc, nil
}

// Variants lists the variant names, then every "variant+mutant".
func Variants() []string {
	var out, muts []string
	for n, v := range variants {
		out = append(out, n)
		for _, m := range v.mutants {
			muts = append(muts, n+"+"+m)
		}
	}
	sort.Strings(out)
	sort.Strings(muts)
	return append(out, muts...)
}

// variant is one kernel version: its flags, its mutants and its build function.
type variant struct {
	name      string
	kernel    string // the functions it models
	managed   bool
	legacyMap bool // steering picks cpu mod n (managed-4.11)
	mutants   []string
	build     func(b *builder)
}

var variants = map[string]*variant{}

func register(name string, v *variant) { v.name = name; variants[name] = v }

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// builder holds the program under construction and the state only the hotplug
// thread changes (which CPUs are online, which interrupts are started, on which CPU,
// and how many vectors each CPU uses), tracked in Go as the steps are emitted.
type builder struct {
	sc      *Scenario
	v       *variant
	mutant  string
	p       *model.Program
	online  affinity.CPUMask
	started []bool
	irqCPU  []int
	vectors []int
	src     srcstack.Stack // the kernel function each thread is in (enter)
}

// enter is b.src.Enter: the statements t emits from now on model kernel function src.
func (b *builder) enter(t *model.Thread, src string) (leave func()) { return b.src.Enter(t, src) }

func newBuilder(sc *Scenario, v *variant, mutant string) *builder {
	cfg := sc.Config
	name := sc.Variant
	if mutant != "" {
		name += "+" + mutant
	}
	b := &builder{sc: sc, v: v, mutant: mutant, p: model.NewProgram(name), online: sc.Topology.OnlineMask()}
	n, q, r := len(sc.Topology.CPUs), cfg.Queues, max(1, len(cfg.Requests))
	p := b.p
	l := &sc.L
	l.Online = p.ArrayOf("online", n, 0)
	l.Reachable = p.ArrayOf("reachable", n, 1)
	for c := 0; c < n; c++ {
		if b.online.Has(c) {
			p.SetInit(l.Online, c, 1)
		}
	}
	for _, u := range cfg.Unreachable {
		p.SetInit(l.Reachable, u, 0)
	}
	l.IRQState = p.ArrayOf("irq_started", q, 0)
	l.IRQCPU = p.ArrayOf("irq_cpu", q, 0)
	l.Inactive = p.ArrayOf("inactive", q, 0)
	l.Inflight = p.ArrayOf("inflight", q, 0)
	l.VqLock = p.ArrayOf("vq_lock", q, 0)
	l.Posted = p.ArrayOf("posted", r, 0)
	l.Used = p.ArrayOf("used", r, 0)
	l.Done = p.ArrayOf("done", r, 0)
	if v.legacyMap {
		l.TgtLock = p.ArrayOf("tgt_lock", 2, 0)
		l.TgtReqs = p.ArrayOf("reqs", 2, 0)
		l.TgtReqVq = p.ArrayOf("req_vq", 2, 0)
	}
	b.vectors = make([]int, n)
	for c := range b.vectors {
		if b.online.Has(c) {
			b.vectors[c] = cfg.VectorBase
		}
	}
	// Probe: every interrupt is requested; a managed one is started only if its
	// mask has an online CPU (irq_startup_managed()), a non-managed one always.
	for qi := 0; qi < q; qi++ {
		cpu, ok := b.pickTarget(sc.Masks[qi])
		if !ok && !v.managed {
			cpu, ok = b.leastLoaded()
		}
		if !ok {
			cpu = sc.Masks[qi].First()
			if cpu < 0 {
				cpu = 0
			}
			b.started = append(b.started, false)
			if v.name == "drain-5.8" {
				p.SetInit(l.Inactive, qi, 1)
			}
		} else {
			b.started = append(b.started, true)
			p.SetInit(l.IRQState, qi, 1)
			if !v.managed {
				b.vectors[cpu]++
			}
		}
		b.irqCPU = append(b.irqCPU, cpu)
		p.SetInit(l.IRQCPU, qi, model.Value(cpu))
	}
	sc.StartedAtBoot = append([]bool(nil), b.started...)
	sc.BootCPU = append([]int(nil), b.irqCPU...)
	return b
}

// pickTarget is the effective CPU the interrupt core picks in mask: the first online
// CPU (and, with ReachableAware, reachable one).
func (b *builder) pickTarget(mask affinity.CPUMask) (int, bool) {
	for _, c := range mask.And(b.online).Cpus() {
		if b.sc.Config.ReachableAware && b.unreachable().Has(c) {
			continue
		}
		return c, true
	}
	return -1, false
}

// leastLoaded is the online CPU with the fewest vectors in use that still has room
// (lowest id on ties), as the x86 vector matrix allocator picks for a non-managed
// interrupt.
func (b *builder) leastLoaded() (int, bool) {
	best := -1
	for _, c := range b.online.Cpus() {
		if cp := b.sc.Config.VectorCap; cp > 0 && b.vectors[c] >= cp {
			continue
		}
		if best < 0 || b.vectors[c] < b.vectors[best] {
			best = c
		}
	}
	return best, best >= 0
}

func (b *builder) unreachable() affinity.CPUMask { return affinity.MaskOf(b.sc.Config.Unreachable...) }

// threads adds the common threads: one submitter per request (submit emits its
// body), the device, and Xen's vCPU0 when the bind quirk is on. hotplug, when set,
// emits the body of one step.
func (b *builder) threads(submit func(t *model.Thread, r int), step func(t *model.Thread, s Step)) {
	for r, rq := range b.sc.Config.Requests {
		t := b.p.Thread(fmt.Sprintf("cpu%d.r%d", rq.CPU, r), "cpu")
		b.sc.Threads = append(b.sc.Threads, ThreadInfo{Role: RoleCPU, Index: r})
		t.Mark(MarkSubmit, r, rq.CPU)
		submit(t, r)
	}
	b.device()
	if b.sc.Config.Xen {
		b.bootSpurious()
	}
	if len(b.sc.Config.Hotplug) > 0 {
		t := b.p.Thread("hotplug", "hotplug")
		b.sc.Threads = append(b.sc.Threads, ThreadInfo{Role: RoleHotplug})
		for _, s := range b.sc.Config.Hotplug {
			step(t, s)
		}
	}
}
