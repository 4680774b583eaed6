package hotplug

import (
	"github.com/steercheck/steercheck/model"
)

// This file models the interrupt side shared by every variant: the device raising a
// queue's interrupt, its delivery to a CPU (kernel/irq/chip.c handle_edge_irq() →
// vring_interrupt() → virtscsi_req_done()), the handler, and Xen's spurious bind
// event (drivers/xen/events/events_base.c bind_evtchn_to_cpu()).

// device is the device side: it consumes each request once posted (marks the buffer
// used, in request order) and raises the queue's interrupt.
func (b *builder) device() {
	if len(b.sc.Config.Requests) == 0 {
		return
	}
	l := &b.sc.L
	t := b.p.Thread("device", "device")
	t.Source("device: virtqueue_pop, virtqueue_push, virtio_notify (QEMU hw/virtio/virtio.c)")
	info := ThreadInfo{Role: RoleDevice}
	for r := range b.sc.Config.Requests {
		idle := len(t.Code)
		var posted model.Reg
		t.Await(func() model.Expr {
			posted = t.Named("posted").Site("device:READ(posted)").ReadOnce(l.Posted.At(r)) // the device pops the buffer
			return model.Ne(posted, 0)
		})
		t.Code[idle].Idle = true
		q := t.Named("q").Let(model.Sub(posted, 1))
		t.Site("device:WRITE(used)").WriteOnce(l.Used.At(r), posted) // vring used ring: the buffer is used
		t.Mark(MarkConsume, r, q)
		b.raise(t, q)
	}
	b.sc.Threads = append(b.sc.Threads, info)
}

// raise is the device raising queue q's interrupt and the interrupt core delivering
// it: to the effective target if it is online and reachable; a shut-down managed
// interrupt is routed to MANAGED_IRQ_SHUTDOWN_VECTOR and lost (seed 002). Without
// the affinity-race quirk, a target that went offline meanwhile has its pending
// interrupt retriggered on the new target (fixup_irqs()); with it, the interrupt is
// handled on the old CPU.
func (b *builder) raise(t *model.Thread, q model.Reg) {
	defer b.enter(t, "handle_edge_irq (kernel/irq/chip.c): the device's MSI-X message to the effective target")()
	l := &b.sc.L
	// The interrupt is raised after the buffer is marked used, and its delivery sees
	// the interrupt's configuration as last written (the MSI-X table is programmed
	// with MMIO writes; the irq core holds desc->lock): a full barrier stands for that
	// ordering, which the model does not carry otherwise.
	t.Site("deliver:msi(smp_mb)").SmpMb()
	st := t.Named("started").Site("deliver:READ(irq_started)").ReadOnce(l.IRQState.Idx(q))
	t.If(model.Eq(st, 0), func() {
		t.Mark(MarkLost, q, -1)
	}, func() {
		cpu := t.Named("cpu").Site("deliver:READ(irq_cpu)").ReadOnce(l.IRQCPU.Idx(q))
		reach := t.Named("reach").Site("deliver:READ(reachable)").ReadOnce(l.Reachable.Idx(cpu))
		if b.sc.Config.AffinityRace {
			t.If(reach, func() { b.handler(t, q, cpu, DeliveryOldCPU) }, func() { t.Mark(MarkLost, q, cpu) })
			return
		}
		on := t.Named("on").Site("deliver:READ(online)").ReadOnce(l.Online.Idx(cpu))
		t.If(model.And(on, reach), func() {
			b.handler(t, q, cpu, DeliveryDevice)
		}, func() {
			t.If(on, func() { t.Mark(MarkLost, q, cpu) }, func() {
				defer b.enter(t, "fixup_irqs (arch/x86/kernel/irq.c): retrigger on the new target")()
				// fixup_irqs(): retrigger on the interrupt's new target.
				st2 := t.Named("started").Site("fixup_irqs:READ(irq_started)").ReadOnce(l.IRQState.Idx(q))
				cpu2 := t.Named("cpu").Site("fixup_irqs:READ(irq_cpu)").ReadOnce(l.IRQCPU.Idx(q))
				on2 := t.Named("on").Site("fixup_irqs:READ(online)").ReadOnce(l.Online.Idx(cpu2))
				reach2 := t.Named("reach").Site("fixup_irqs:READ(reachable)").ReadOnce(l.Reachable.Idx(cpu2))
				t.If(model.And(st2, model.And(on2, reach2)), func() {
					b.handler(t, q, cpu2, DeliveryDevice)
				}, func() { t.Mark(MarkLost, q, cpu2) })
			})
		})
	})
}

// handler is vring_interrupt() → virtscsi_complete_cmd() for queue q (a register or
// a constant), running on cpu: under vq_lock, every buffer the device marked used
// on q and not yet completed is completed once. With nothing used it writes nothing:
// it is idempotent, which P8 requires. The mutant "nonidempotent-handler" completes
// whatever request was posted on q, used or not (as a driver that trusts the
// interrupt to mean "one command done" would).
func (b *builder) handler(t *model.Thread, q any, cpu any, kind int) {
	defer b.enter(t, "vring_interrupt → virtscsi_req_done → virtscsi_vq_done (drivers/scsi/virtio_scsi.c)")()
	l := &b.sc.L
	t.Mark(MarkIRQ, q, cpu, kind)
	t.Site("vq_done:spin_lock(vq_lock)").SpinLock(l.VqLock.Idx(q)) // spin_lock_irqsave(&virtscsi_vq->vq_lock)
	for r, rq := range b.sc.Config.Requests {
		qp1 := model.Add(q, 1)
		var found model.Expr
		var used model.Reg
		if b.mutant == "nonidempotent-handler" {
			posted := t.Named("posted").Site("vq_done:READ(posted)").ReadOnce(l.Posted.At(r))
			found = model.Eq(posted, qp1)
		} else {
			used = t.Named("used").Site("vq_done:virtqueue_get_buf(used)").ReadOnce(l.Used.At(r))
			found = model.Eq(used, qp1)
		}
		t.If(found, func() {
			d := t.Named("done").Site("complete_cmd:READ(done)").Read(l.Done.At(r))
			t.If(model.Eq(d, 0), func() {
				if b.mutant == "nonidempotent-handler" {
					used = t.Named("used").Site("vq_done:virtqueue_get_buf(used)").ReadOnce(l.Used.At(r))
				}
				t.Mark(MarkComplete, r, q, model.Eq(used, qp1))
				t.Site("complete_cmd:WRITE(done)").Write(l.Done.At(r), 1)
				b.putTag(t, q, "free_request") // blk_mq_free_request(): the tag is freed
				if b.v.legacyMap {
					t.Site("complete_cmd:atomic_dec(reqs)").AtomicDec(l.TgtReqs.At(rq.Target)) // atomic_dec(&tgt->reqs)
				}
			})
		})
	}
	t.Site("vq_done:spin_unlock(vq_lock)").SpinUnlock(l.VqLock.Idx(q)) // spin_unlock_irqrestore(&virtscsi_vq->vq_lock)
	t.Mark(MarkIRQEnd, q)
}

// bootSpurious is Xen's vCPU0 receiving the spurious event each event channel
// delivers when it is bound at probe (seed 004). Only queues some request can use
// are bound here, to keep the program small.
func (b *builder) bootSpurious() {
	var qs []int
	for q, st := range b.started {
		if st && b.queueUsed(q) {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return
	}
	t := b.p.Thread("vcpu0", "irq")
	t.Source("bind_evtchn_to_cpu (drivers/xen/events/events_base.c): the spurious event of a bind")
	b.sc.Threads = append(b.sc.Threads, ThreadInfo{Role: RoleVCPU0})
	for _, q := range qs {
		b.handler(t, q, 0, DeliveryXenBind)
	}
}

// queueUsed reports whether some request may be queued on q (at start).
func (b *builder) queueUsed(q int) bool {
	for _, r := range b.sc.Config.Requests {
		if b.sc.QueueOf[r.CPU] == q {
			return true
		}
	}
	return false
}

// managedOffline is the managed-interrupt part of taking cpu down
// (irq_migrate_all_off_this_cpu() → migrate_one_irq(), kernel/irq/cpuhotplug.c):
// each started interrupt whose mask loses its last online CPU is shut down
// (irq_shutdown_and_deactivate()); one whose effective target was cpu moves to
// another online CPU of its mask. before, when set, runs ahead of the shutdown of
// queue q (drain-5.8's drain runs while the CPU is still online: beforeOffline).
func (b *builder) managedOffline(t *model.Thread, cpu int, beforeOffline func(q int)) {
	defer b.enter(t, "cpu_down → irq_migrate_all_off_this_cpu → migrate_one_irq (kernel/irq/cpuhotplug.c)")()
	l := &b.sc.L
	var last []int
	for q, m := range b.sc.Masks {
		if b.started[q] && m.Has(cpu) && m.And(b.online).Count() == 1 {
			last = append(last, q)
		}
	}
	if beforeOffline != nil {
		for _, q := range last {
			beforeOffline(q)
		}
	}
	// Between the CPUHP_AP_BLK_MQ_ONLINE teardown (drain-5.8's drain, beforeOffline)
	// and the interrupt shutdown of CPU dying lie the hotplug state machine's locks
	// and stop_machine(): full barriers.
	t.Site("cpu_down:stop_machine(smp_mb)").SmpMb()
	t.Site("cpu_down:set_cpu_online(false)").WriteOnce(l.Online.At(cpu), 0) // set_cpu_online(cpu, false)
	t.Mark(MarkOffline, cpu)
	b.online.Clear(cpu)
	for q, m := range b.sc.Masks {
		if !b.started[q] || !m.Has(cpu) {
			continue
		}
		if hasInt(last, q) {
			t.Mark(MarkShutdown, q, b.outstanding(t, q))
			t.Site("migrate_one_irq:irq_shutdown(irq_started)").WriteOnce(l.IRQState.At(q), 0) // irq_shutdown_and_deactivate()
			b.started[q] = false
			continue
		}
		if b.irqCPU[q] == cpu {
			to, ok := b.pickTarget(m)
			if !ok {
				// Only unreachable CPUs are left: the interrupt stays on an offline
				// target, its deliveries are lost.
				continue
			}
			t.Site("migrate_one_irq:irq_do_set_affinity(irq_cpu)").WriteOnce(l.IRQCPU.At(q), to) // irq_do_set_affinity()
			t.Mark(MarkMove, q, cpu, to)
			b.irqCPU[q] = to
		}
	}
}

// managedOnline is irq_affinity_online_cpu(): cpu comes up and every managed
// interrupt of its mask that was shut down is started on it. afterStart, when set,
// runs after each startup (drain-5.8 reactivates the queue there); beforeStart, when
// set, runs before it (a mutant reactivates the queue there).
func (b *builder) managedOnline(t *model.Thread, cpu int, beforeStart, afterStart func(q int)) {
	defer b.enter(t, "cpu_up → irq_affinity_online_cpu (kernel/irq/cpuhotplug.c)")()
	l := &b.sc.L
	t.Site("cpu_up:set_cpu_online(true)").WriteOnce(l.Online.At(cpu), 1) // set_cpu_online(cpu, true)
	t.Mark(MarkOnline, cpu)
	b.online.Set(cpu)
	for q, m := range b.sc.Masks {
		if b.started[q] || !m.Has(cpu) {
			continue
		}
		to, ok := b.pickTarget(m)
		if !ok {
			continue
		}
		if beforeStart != nil {
			beforeStart(q)
		}
		b.start(t, q, to)
		if afterStart != nil {
			// irq_affinity_online_cpu (CPUHP_AP_IRQ_AFFINITY_ONLINE) and the later
			// callbacks are separate states of the hotplug state machine; a full
			// barrier stands for the ordering between them.
			t.Site("cpu_up:cpuhp(smp_mb)").SmpMb()
			afterStart(q)
		}
	}
}

// start is irq_startup() of queue q's interrupt on cpu; under Xen, binding the
// event channel delivers one spurious event, on vCPU0.
func (b *builder) start(t *model.Thread, q, cpu int) {
	defer b.enter(t, "irq_startup (kernel/irq/chip.c)")()
	l := &b.sc.L
	t.Site("irq_startup:irq_do_set_affinity(irq_cpu)").WriteOnce(l.IRQCPU.At(q), cpu)
	t.Site("irq_startup:irq_startup(irq_started)").WriteOnce(l.IRQState.At(q), 1)
	t.Mark(MarkStart, q, cpu)
	b.started[q], b.irqCPU[q] = true, cpu
	if b.sc.Config.Xen {
		b.handler(t, q, 0, DeliveryXenBind)
	}
}

// putTag is blk_mq_put_tag() → sbitmap_queue_clear() for a tag of queue q (a register
// or a constant): smp_mb__before_atomic() ("Orders READ/WRITE on the associated
// instance (such as request of blk_mq) by this bit for avoiding race with
// re-allocation"), the clear (the tag count here), smp_mb__after_atomic() (it pairs
// with the wait queue of a waiting allocator). site prefixes the site names.
func (b *builder) putTag(t *model.Thread, q any, site string) {
	defer b.enter(t, "blk_mq_put_tag → sbitmap_queue_clear (lib/sbitmap.c)")()
	l := &b.sc.L
	t.Site(site + ":smp_mb__before_atomic").SmpMbBeforeAtomic()
	t.Site(site + ":clear_bit(tag)").AtomicDec(l.Inflight.Idx(q))
	t.Site(site + ":smp_mb__after_atomic").SmpMbAfterAtomic()
}

func hasInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// outstanding is a probe, not kernel code: it counts the requests queued on q and
// not completed (posted[r] == q+1 && !done[r]), for P7 to judge a shutdown by. A tag
// taken and put back by a submitter that saw INACTIVE is not a queued request.
func (b *builder) outstanding(t *model.Thread, q int) model.Reg {
	defer b.enter(t, "probe (not kernel code): requests outstanding on the queue")()
	l := &b.sc.L
	n := t.Named("outstanding").Let(0)
	for r := range b.sc.Config.Requests {
		p := t.Named("posted").Site("probe:READ(posted)").ReadOnce(l.Posted.At(r))
		d := t.Named("done").Site("probe:READ(done)").ReadOnce(l.Done.At(r))
		t.Set(n, model.Add(n, model.And(model.Eq(p, q+1), model.Eq(d, 0))))
	}
	return n
}
