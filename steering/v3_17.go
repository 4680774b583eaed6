package steering

import "github.com/steercheck/steercheck/model"

// Variant v3.17: Linux 3.17-3.18 drivers/scsi/virtio_scsi.c.
//
// Kernel history: the command lives in the scsi_cmnd since b54197c43db8
// ("virtio_scsi: use cmd_size", v3.16, as a compatibility header of the SCST project
// cites it; issue 18 names the commit as the blk-mq path, which is not what its
// subject says). The commits that made the req_vq read plain and dropped the
// completion barrier are not confirmed here. See docs/HISTORY.md.
//
// Functions modelled, line by line:
//   - virtscsi_queuecommand_multi: as v3.10.
//   - virtscsi_pick_vq: as v3.10 but the read of req_vq under tgt_lock is a plain
//     `vq = tgt->req_vq` ("tgt_lock is held to serialize reading and writing req_vq").
//   - virtscsi_queuecommand: the command lives in the scsi_cmnd (scsi_cmd_priv), no
//     allocation; `if (virtscsi_kick_cmd(...) != 0) return SCSI_MLQUEUE_HOST_BUSY;`.
//   - virtscsi_kick_cmd, virtscsi_vq_done, virtscsi_complete_cmd: as v3.10.
//   - virtscsi_req_done: no barrier any more, straight to virtscsi_vq_done.
//
// Busy path: SCSI_MLQUEUE_HOST_BUSY with reqs left incremented (leak), as before.
var variantV317 = Variant{
	Name:   "v3.17",
	Kernel: "3.17-3.18",
	Doc: "As v3.10 with a plain read of req_vq under tgt_lock and no barrier in completion; the command is part of the " +
		"scsi_cmnd, so only a failed kick returns busy.",
	perTarget: declareTgtLock,
	submit:    v317QueuecommandMulti,
	complete:  v317ReqDone,
}

// v317QueuecommandMulti is virtscsi_queuecommand_multi.
func v317QueuecommandMulti(b *builder, t *model.Thread, r RequestInfo) {
	defer b.enter(t, "virtscsi_queuecommand_multi (drivers/scsi/virtio_scsi.c)")()
	t.Mark(MarkSubmit, r.ID, r.Target, r.CPU) // static int virtscsi_queuecommand_multi(struct Scsi_Host *sh, struct scsi_cmnd *sc) {
	reqVq := v317PickVq(b, t, r)              //         struct virtio_scsi_vq *req_vq = virtscsi_pick_vq(vscsi, tgt);
	v317Queuecommand(b, t, r, reqVq)          //         return virtscsi_queuecommand(vscsi, req_vq, sc);
}

// v317PickVq is virtscsi_pick_vq of 3.17.
func v317PickVq(b *builder, t *model.Thread, r RequestInfo) model.Reg {
	defer b.enter(t, "virtscsi_pick_vq (drivers/scsi/virtio_scsi.c)")()
	L, tg := b.L, r.Target
	vq := t.Named("vq").Let(-1)
	t.Site("pick_vq:spin_lock(tgt_lock)").SpinLock(L.TgtLock.At(tg))                               // spin_lock_irqsave(&tgt->tgt_lock, flags);
	reqs := t.Named("reqs").Site("pick_vq:atomic_inc_return(reqs)").AtomicIncReturn(L.Reqs.At(tg)) // if (atomic_inc_return(&tgt->reqs) > 1)
	t.If(model.Gt(reqs, 1), func() {
		t.Set(vq, t.Named("req_vq").Site("pick_vq:READ(req_vq)").Read(L.ReqVq.At(tg))) //         vq = tgt->req_vq;
		t.Mark(MarkSteer, r.ID, vq, reqs)
	}, func() { //                                             else {
		queueNum := t.Named("queue_num").Let(r.CPU % b.cfg.Queues)      // queue_num = smp_processor_id(); while (queue_num >= num_queues) queue_num -= num_queues;
		t.Site("pick_vq:WRITE(req_vq)").Write(L.ReqVq.At(tg), queueNum) // tgt->req_vq = vq = &vscsi->req_vqs[queue_num];
		t.Set(vq, queueNum)
		t.Mark(MarkSteer, r.ID, vq, reqs)
	}) //                                                              }
	t.Site("pick_vq:spin_unlock(tgt_lock)").SpinUnlock(L.TgtLock.At(tg)) // spin_unlock_irqrestore(&tgt->tgt_lock, flags);
	return vq                                                            //                                                            return vq;
}

// v317Queuecommand is virtscsi_queuecommand(vscsi, req_vq, sc) from 3.17 on.
func v317Queuecommand(b *builder, t *model.Thread, r RequestInfo, reqVq model.Reg) {
	defer b.enter(t, "virtscsi_queuecommand (drivers/scsi/virtio_scsi.c)")()
	//                                                cmd = scsi_cmd_priv(sc); memset(cmd, 0, ...); ... virtio_scsi_init_hdr(...);
	err := v310KickCmd(b, t, r, reqVq)            // if (virtscsi_kick_cmd(req_vq, cmd, req_size, sizeof(cmd->resp.cmd)) != 0)
	t.Mark(MarkSubmitted, r.ID, model.Eq(err, 0)) //         return SCSI_MLQUEUE_HOST_BUSY;  (reqs stays incremented)  return 0;
}

// v317ReqDone is virtscsi_req_done from 3.17 on.
func v317ReqDone(b *builder, t *model.Thread, q, j int) {
	defer b.enter(t, "virtscsi_req_done (drivers/scsi/virtio_scsi.c)")()
	//                     req_vq = &vscsi->req_vqs[vq->index - VIRTIO_SCSI_VQ_BASE];
	vqDone(b, t, q, j) //  virtscsi_vq_done(vscsi, req_vq, virtscsi_complete_cmd);
}
