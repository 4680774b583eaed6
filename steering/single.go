package steering

import "github.com/steercheck/steercheck/model"

// Variant single: the single-queue host template of the v2 multiqueue patch (Dec 2012;
// seeds/003), used when the device has one request virtqueue (num_queues == 1).
//
// Functions modelled:
//   - virtscsi_queuecommand_single: atomic_inc(&tgt->reqs), no lock and no barrier
//     (the review asked why: nothing else reads reqs on this path), then
//     virtscsi_queuecommand.
//   - virtscsi_queuecommand, virtscsi_kick_cmd (tgt_lock, then vq_lock nested inside
//     it), virtscsi_req_done / virtscsi_vq_done / virtscsi_complete_cmd: shared with
//     the multi path of the same patch, see v2_2012.go. req_vq is never written on
//     this path, so ACCESS_ONCE(tgt->req_vq) always reads its initial value,
//     &vscsi->req_vqs[0] (virtscsi_init_tgt); the other queues of the configuration
//     stay idle.
//
// Busy path: as in v2-2012, a failed kick returns SCSI_MLQUEUE_HOST_BUSY and the
// atomic_inc is never undone (reqs leaks).
var variantSingle = Variant{
	Name:   "single",
	Kernel: "2012 v2 patch",
	Doc: "One request queue: reqs counted with a plain atomic_inc outside any lock; the kick nests vq_lock inside " +
		"tgt_lock; completion as in v2-2012.",
	perTarget: declareTgtLock,
	submit:    singleQueuecommand,
	complete:  v2ReqDone,
	anyCPU:    true,
}

// singleQueuecommand is virtscsi_queuecommand_single.
func singleQueuecommand(b *builder, t *model.Thread, r RequestInfo) {
	defer b.enter(t, "virtscsi_queuecommand_single (drivers/scsi/virtio_scsi.c)")()
	t.Mark(MarkSubmit, r.ID, r.Target, r.CPU) // static int virtscsi_queuecommand_single(struct Scsi_Host *sh, struct scsi_cmnd *sc) {
	//                                           tgt = &vscsi->tgt[sc->device->id];
	t.Site("queuecommand_single:atomic_inc(reqs)").AtomicInc(b.L.Reqs.At(r.Target)) // atomic_inc(&tgt->reqs);
	v2Queuecommand(b, t, r, model.Reg{}, model.Reg{})                               // return virtscsi_queuecommand(vscsi, tgt, sc);
}
