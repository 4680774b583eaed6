package steering

import (
	"fmt"

	"github.com/steercheck/steercheck/internal/srcstack"
	"github.com/steercheck/steercheck/model"
)

// builder carries what a variant needs while it emits its threads.
type builder struct {
	cfg    Config
	mutant string
	p      *model.Program
	sc     *Scenario
	L      Layout
	src    srcstack.Stack // the kernel function each thread is in (enter)
}

// enter is b.src.Enter: the statements t emits from now on model kernel function src.
func (b *builder) enter(t *model.Thread, src string) (leave func()) { return b.src.Enter(t, src) }

// is reports whether mutant m is applied.
func (b *builder) is(m string) bool { return b.mutant == m }

// declare creates the shared locations: per target, then per queue. perTarget adds
// the variant's own per-target state (tgt_lock or tgt_seq) first.
func (b *builder) declare(perTarget func(*builder)) {
	Q := b.cfg.Queues
	b.L.Ring, b.L.Slots = b.cfg.Ring(), len(b.cfg.Requests)
	if perTarget != nil {
		perTarget(b)
	}
	// virtscsi_init_tgt / virtscsi_target_alloc: atomic_set(&tgt->reqs, 0);
	// tgt->req_vq = &vscsi->req_vqs[0];
	b.L.Reqs = b.perTarget("reqs", 0)
	b.L.ReqVq = b.perTarget("req_vq", 0)

	b.L.VqLock = b.perQueue("vq_lock", 0)
	b.L.AvailIdx = b.perQueue("avail.idx", 0)
	b.L.AvailRing = b.p.ArrayOf("avail.ring", Q*b.L.Slots, -1)
	b.L.UsedIdx = b.perQueue("used.idx", 0)
	b.L.UsedRing = b.p.ArrayOf("used.ring", Q*b.L.Slots, -1)
	for q := 0; q < Q; q++ {
		for s := 0; s < b.L.Slots; s++ {
			b.rename(b.L.AvailRing, q*b.L.Slots+s, fmt.Sprintf("vq%d.avail.ring[%d]", q, s))
			b.rename(b.L.UsedRing, q*b.L.Slots+s, fmt.Sprintf("vq%d.used.ring[%d]", q, s))
		}
	}
	if b.cfg.RemoveTarget {
		b.L.ScsiDone = b.p.ArrayOf("scsi_done", len(b.cfg.Requests), 0)
		for r := range b.cfg.Requests {
			b.rename(b.L.ScsiDone, r, fmt.Sprintf("r%d.scsi_done", r))
		}
	}
	b.L.NumFree = b.perQueue("num_free", model.Value(b.L.Ring))
	if !b.full() {
		return
	}
	b.L.FreeHead = b.perQueue("free_head", 0)
	// vring_new_virtqueue: every descriptor on the free list, desc[i].next = i + 1 for
	// i < num-1; the last one's next stays 0 (the ring is zeroed); vq->data[i] = NULL.
	b.L.DescNext = b.p.ArrayOf("desc_next", Q*b.L.Ring, 0)
	b.L.DescAddr = b.p.ArrayOf("desc_addr", Q*b.L.Ring, -1)
	b.L.Data = b.p.ArrayOf("data", Q*b.L.Ring, -1)
	for q := 0; q < Q; q++ {
		for d := 0; d < b.L.Ring; d++ {
			i := q*b.L.Ring + d
			b.p.SetInit(b.L.DescNext, i, model.Value((d+1)%b.L.Ring))
			b.rename(b.L.DescNext, i, fmt.Sprintf("vq%d.desc[%d].next", q, d))
			b.rename(b.L.DescAddr, i, fmt.Sprintf("vq%d.desc[%d].addr", q, d))
			b.rename(b.L.Data, i, fmt.Sprintf("vq%d.data[%d]", q, d))
		}
	}
}

// perTarget declares one location per target, printed "tgt0.reqs".
func (b *builder) perTarget(name string, init model.Value) model.Array {
	a := b.p.ArrayOf(name, b.cfg.Targets, init)
	for t := 0; t < b.cfg.Targets; t++ {
		b.rename(a, t, fmt.Sprintf("tgt%d.%s", t, name))
	}
	return a
}

// perQueue declares one location per request virtqueue, printed "vq0.vq_lock".
func (b *builder) perQueue(name string, init model.Value) model.Array {
	a := b.p.ArrayOf(name, b.cfg.Queues, init)
	for q := 0; q < b.cfg.Queues; q++ {
		b.rename(a, q, fmt.Sprintf("vq%d.%s", q, name))
	}
	return a
}

func (b *builder) rename(a model.Array, i int, name string) {
	b.p.Locs[int(a.Base)+i].Name = name
}

// targetOf is the target of a request id held in a register (sc->device->id reached
// through the command token): a lookup table written as an expression, so the result
// carries the register's dependencies. An invalid id (-1, a NULL token) yields -1,
// and an access indexed by it faults, as the NULL dereference would.
func (b *builder) targetOf(req model.Expr) model.Expr {
	if b.cfg.Targets == 1 {
		return model.Sub(model.Ge(req, 0), 1) // 0 for a request, -1 for NULL
	}
	var e model.Expr = model.Const(-1)
	for i, r := range b.cfg.Requests {
		e = model.Add(e, model.Bin(model.OpMul, model.Eq(req, i), r.Target+1))
	}
	return e
}

// desc names descriptor head of queue q. head is always a valid descriptor number:
// the free list never holds the end marker (the last descriptor's next is 0, as
// vring_new_virtqueue leaves it; num_free keeps the driver from following it).
func (b *builder) desc(a model.Array, q, head any) model.LocExpr {
	if c, ok := q.(int); ok {
		return a.Idx(model.Add(c*b.L.Ring, head))
	}
	return a.Idx(model.Add(model.Bin(model.OpMul, q, b.L.Ring), head))
}

// slot names position i of the avail or used ring of queue q.
func (b *builder) slot(a model.Array, q, i any) model.LocExpr {
	if c, ok := q.(int); ok {
		if ci, ok := i.(int); ok {
			return a.At(c*b.L.Slots + ci)
		}
		return a.Idx(model.Add(c*b.L.Slots, i))
	}
	return a.Idx(model.Add(model.Bin(model.OpMul, q, b.L.Slots), i))
}

// cpuThreads creates one thread per CPU that has requests; each submits its requests
// in order with the variant's queuecommand.
func (b *builder) cpuThreads(submit func(*builder, *model.Thread, RequestInfo)) {
	for cpu := 0; cpu < b.cfg.CPUs; cpu++ {
		var t *model.Thread
		for i := range b.sc.Requests {
			r := &b.sc.Requests[i]
			if r.CPU != cpu {
				continue
			}
			if t == nil {
				t = b.p.Thread(fmt.Sprintf("cpu%d", cpu), RoleCPU.String())
				b.sc.Threads = append(b.sc.Threads, ThreadInfo{Role: RoleCPU, Index: cpu})
			}
			r.Thread = t.ID
			submit(b, t, *r)
		}
	}
}

// declareSymmetry declares interchangeable (model.Program.Symmetric) the CPU threads
// that submit to the same targets in the same order from CPUs with the same queue
// (cpu mod num_queues; any CPU when anyCPU, the variant's submit path never looks at
// it): their code differs only in their requests' numbers, which the
// rest of the program uses alike (targetOf tests them for equality, the ring and the
// descriptors store them, lean descriptors are named by them), and in the CPU number
// of the submit marker, which no property reads. Removal threads wait for their
// target's requests in request order, which a renaming changes, so a configuration
// with RemoveTarget declares nothing.
func (b *builder) declareSymmetry(anyCPU bool) {
	if b.cfg.RemoveTarget {
		return
	}
	classes := map[string][]*model.Thread{}
	var order []string
	for _, th := range b.sc.Threads {
		if th.Role != RoleCPU {
			continue
		}
		key := fmt.Sprintf("q%d", th.Index%b.cfg.Queues)
		if anyCPU {
			key = "q*"
		}
		id := -1
		for _, r := range b.sc.Requests {
			if r.CPU == th.Index {
				key += fmt.Sprintf(" t%d", r.Target)
				id = r.Thread
			}
		}
		if _, ok := classes[key]; !ok {
			order = append(order, key)
		}
		classes[key] = append(classes[key], b.p.Threads[id])
	}
	for _, k := range order {
		b.p.Symmetric(classes[k]...)
	}
}

// irqThreads creates the interrupt handler of every request virtqueue: for each used
// buffer in turn it waits for the interrupt (vring_interrupt: more_used()) and runs
// the variant's completion path for that buffer.
func (b *builder) irqThreads(complete func(*builder, *model.Thread, int, int)) {
	for q := 0; q < b.cfg.Queues; q++ {
		t := b.p.Thread(irqName(q), RoleIRQ.String())
		info := ThreadInfo{Role: RoleIRQ, Index: q}
		for j := 0; j < b.L.Slots; j++ {
			t.Source(srcVringInterrupt)
			idle := len(t.Code)
			// vring_interrupt(): if (!more_used(vq)) return IRQ_NONE;
			t.Await(func() model.Expr {
				idx := t.Named("used_idx").Site("vring_interrupt:READ_ONCE(used.idx)").ReadOnce(b.L.UsedIdx.At(q))
				return model.Gt(idx, j)
			})
			t.Code[idle].Idle = true
			complete(b, t, q, j) // vq->vq.callback(&vq->vq): virtscsi_req_done
		}
		b.sc.Threads = append(b.sc.Threads, info)
	}
}

// scsiDone is sc->scsi_done(sc) for request req (a register) completed from queue q:
// the completion marker and, with Config.RemoveTarget, the midlayer's view of it,
// which the removal waits for.
func (b *builder) scsiDone(t *model.Thread, q int, req model.Reg) {
	t.Mark(MarkComplete, req, q)
	if b.cfg.RemoveTarget {
		t.Site("scsi_done:WRITE_ONCE(done)").WriteOnce(b.L.ScsiDone.Idx(req), 1)
	}
}

// removeThreads creates, per target with requests, the removal of the target once the
// midlayer has seen all its commands done: scsi_remove_target → scsi_target_reap →
// scsi_target_destroy → the host template's target_destroy. destroy is the variant's
// virtscsi_target_destroy, nil for a plain kfree(tgt).
func (b *builder) removeThreads(destroy func(*builder, *model.Thread, int)) {
	for tg := 0; tg < b.cfg.Targets; tg++ {
		var reqs []int
		for id, r := range b.cfg.Requests {
			if r.Target == tg {
				reqs = append(reqs, id)
			}
		}
		if len(reqs) == 0 {
			continue
		}
		t := b.p.Thread(fmt.Sprintf("remove%d", tg), RoleRemove.String())
		t.Source("scsi_remove_target (drivers/scsi/scsi_sysfs.c)")
		for _, id := range reqs {
			// the last reference to the scsi_device goes when its last command is done
			t.Await(func() model.Expr {
				return model.Eq(t.Named("done").Site("remove:READ_ONCE(done)").ReadOnce(b.L.ScsiDone.At(id)), 1)
			})
		}
		if destroy != nil {
			destroy(b, t, tg)
		} else {
			b.kfreeTgt(t, tg)
		}
		b.sc.Threads = append(b.sc.Threads, ThreadInfo{Role: RoleRemove, Index: tg})
	}
}

// kfreeTgt is virtscsi_target_destroy before v4.x: kfree(tgt). The free is modelled
// as tgt->reqs taking the value Freed.
func (b *builder) kfreeTgt(t *model.Thread, tg int) {
	defer b.enter(t, "virtscsi_target_destroy (drivers/scsi/virtio_scsi.c)")()
	t.Mark(MarkDestroy, tg)                                               // struct virtio_scsi_target_state *tgt = starget->hostdata;
	t.Site("target_destroy:kfree(tgt)").WriteOnce(b.L.Reqs.At(tg), Freed) // kfree(tgt);
}

func deviceName(q int) string { return fmt.Sprintf("device%d", q) }

func irqName(q int) string { return fmt.Sprintf("irq%d", q) }
