package hotplug

import "github.com/steercheck/steercheck/model"

// blkmq-4.17: virtio-scsi after the 2018 fix, b5b6e8c8d3b4 ("scsi: virtio_scsi: fix IO
// hang caused by automatic irq vector affinity"; in 4.16 by an LKML thread of 2019,
// named here after the 4.17 spreading its masks come from by default). The driver's
// per-target steering is gone; blk-mq picks the hardware queue from the CPU → queue map it builds from the
// very masks of the managed interrupts, so a CPU always submits to a queue whose mask
// contains it:
//
//	block/blk-mq-virtio.c  blk_mq_virtio_map_queues(): mq_map[cpu] = queue whose
//	                       irq affinity mask holds cpu (affinity.Layout.QueueOf)
//	block/blk-mq.c         blk_mq_get_request() → blk_mq_get_tag(): the request
//	                       takes a tag on hctx = mq_map[smp_processor_id()]
//	drivers/scsi/virtio_scsi.c virtscsi_queuecommand(): queue = blk_mq_unique_tag_to_hwq()
//	kernel/irq/cpuhotplug.c migrate_one_irq(): when the last online CPU of a managed
//	                       interrupt's mask goes down the interrupt is shut down,
//	                       whatever is still outstanding on its queue (no drain yet:
//	                       that is drain-5.8)
func init() {
	register("blkmq-4.17", &variant{
		kernel:  "blk_mq_virtio_map_queues() + migrate_one_irq() managed shutdown (v4.17–v5.7)",
		managed: true,
		mutants: []string{"nonidempotent-handler"},
		build:   buildBlkmq417,
	})
}

// blkmqSubmit is blk_mq_get_request() on the submitting CPU's hctx, then
// virtscsi_queuecommand(): the tag makes the request outstanding on its queue.
func (b *builder) blkmqSubmit(t *model.Thread, r int) {
	defer b.enter(t, "blk_mq_get_request → blk_mq_get_tag (block/blk-mq.c); virtscsi_queuecommand (drivers/scsi/virtio_scsi.c)")()
	l := &b.sc.L
	q := b.sc.QueueOf[b.sc.Config.Requests[r].CPU]
	t.Site("get_tag:atomic_inc(inflight)").AtomicInc(l.Inflight.At(q)) // blk_mq_get_tag()
	t.Mark(MarkEnqueue, r, q, 0)
	t.Site("kick_cmd:virtqueue_add(posted)").WriteOnce(l.Posted.At(r), q+1) // virtscsi_kick_cmd()
}

func buildBlkmq417(b *builder) {
	b.threads(b.blkmqSubmit, func(t *model.Thread, s Step) {
		if s.Online {
			b.managedOnline(t, s.CPU, nil, nil)
		} else {
			b.managedOffline(t, s.CPU, nil)
		}
	})
}
