package hotplug

import "github.com/steercheck/steercheck/model"

// managed-4.11: virtio-scsi with per-target queue steering, after 0d9f0a52c8b9
// ("virtio_scsi: use virtio IRQ affinity", v4.11, dated 2017-02-27 in seeds/000) made
// its request-queue interrupts managed. With 84676c1f21e8 ("genirq/affinity: assign
// vectors to all possible CPUs", 2018) the masks cover possible CPUs, so a queue can
// have no online CPU. Until the 2018 fix, b5b6e8c8d3b4 ("scsi: virtio_scsi: fix IO
// hang caused by automatic irq vector affinity", which forced blk-mq on for
// virtio-scsi; an LKML thread of 2019 places it in 4.16), the driver still picked the
// queue itself (docs/HISTORY.md):
//
//	drivers/scsi/virtio_scsi.c  virtscsi_pick_vq() / virtscsi_queuecommand_multi()
//	    if (atomic_inc_return(&tgt->reqs) > 1) vq = tgt->req_vq;       busy: keep
//	    else { queue_num = smp_processor_id() % vscsi->num_queues;    idle: cpu mod n
//	           tgt->req_vq = vq = &vscsi->req_vqs[queue_num]; }
//	drivers/scsi/virtio_scsi.c  virtscsi_complete_cmd(): atomic_dec(&tgt->reqs)
//	kernel/irq/affinity.c      irq_create_affinity_masks(): masks over the possible
//	                           CPUs (v4.16 84676c1f21e8: SpreadPossible416)
//	kernel/irq/manage.c/chip.c irq_startup(): a managed interrupt whose mask has no
//	                           online CPU stays shut down
//
// Simplification: v3.19's seqcount is replaced by v3.10's tgt_lock around the
// increment and the req_vq update (the steering itself is not under study here; the
// weak-memory behaviour of the seqcount is the steering package's business). The
// point of this variant is that "cpu mod n" ignores the interrupt masks, so a CPU can
// steer to a queue whose managed interrupt has no online CPU and was never started.
func init() {
	register("managed-4.11", &variant{
		kernel:    "virtscsi_pick_vq() (v4.11–v4.16) with managed irq_create_affinity_masks()",
		managed:   true,
		legacyMap: true,
		mutants:   []string{"nonidempotent-handler"},
		build:     buildManaged411,
	})
}

func buildManaged411(b *builder) {
	l := &b.sc.L
	n := b.sc.Config.Queues
	b.threads(func(t *model.Thread, r int) {
		rq := b.sc.Config.Requests[r]
		t.Source("virtscsi_queuecommand_multi → virtscsi_pick_vq (drivers/scsi/virtio_scsi.c)")
		q := t.Reg("q")
		t.Site("pick_vq:spin_lock(tgt_lock)").SpinLock(l.TgtLock.At(rq.Target))                                  // spin_lock_irqsave(&tgt->tgt_lock)
		reqs := t.Named("reqs").Site("pick_vq:atomic_inc_return(reqs)").AtomicIncReturn(l.TgtReqs.At(rq.Target)) // atomic_inc_return(&tgt->reqs)
		t.If(model.Gt(reqs, 1), func() {
			t.Set(q, t.Named("req_vq").Site("pick_vq:READ(req_vq)").ReadOnce(l.TgtReqVq.At(rq.Target))) // vq = tgt->req_vq
		}, func() {
			t.Set(q, model.Mod(rq.CPU, n))                                         // queue_num = smp_processor_id() % num_queues
			t.Site("pick_vq:WRITE(req_vq)").WriteOnce(l.TgtReqVq.At(rq.Target), q) // tgt->req_vq = vq
		})
		t.Site("pick_vq:spin_unlock(tgt_lock)").SpinUnlock(l.TgtLock.At(rq.Target)) // spin_unlock_irqrestore(&tgt->tgt_lock)
		t.Source("virtscsi_queuecommand → virtscsi_kick_cmd (drivers/scsi/virtio_scsi.c)")
		t.Site("get_tag:atomic_inc(inflight)").AtomicInc(l.Inflight.Idx(q)) // the command is outstanding on vq
		t.Mark(MarkEnqueue, r, q, 0)
		t.Site("kick_cmd:virtqueue_add(posted)").WriteOnce(l.Posted.At(r), model.Add(q, 1)) // virtscsi_kick_cmd(): add to the ring, notify
	}, func(t *model.Thread, s Step) {
		if s.Online {
			b.managedOnline(t, s.CPU, nil, nil)
		} else {
			b.managedOffline(t, s.CPU, nil)
		}
	})
}
