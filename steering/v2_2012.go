package steering

import "github.com/steercheck/steercheck/model"

// Variant v2-2012: "[PATCH v2 5/5] virtio-scsi: introduce multiqueue support"
// (Paolo Bonzini, 18 Dec 2012; seeds/003 holds the patch and its review), applied to
// the 3.8-rc drivers/scsi/virtio_scsi.c it was written against.
//
// Kernel history: merged for 3.10 as "virtio-scsi: introduce multiqueue support"
// (the merged commit's id is not confirmed here). The review of v2 (seeds/003) is
// where the smp_wmb / smp_read_barrier_depends pairing and the ACCESS_ONCE read
// outside the lock were questioned; docs/HISTORY.md lists the sources.
//
// Functions modelled, line by line:
//   - virtscsi_queuecommand_multi: tgt_lock; atomic_inc_return(&tgt->reqs) == 1 →
//     queue_num = cpu mod num_queues, smp_wmb(), tgt->req_vq = &req_vqs[queue_num];
//     unlock.
//   - virtscsi_queuecommand: outside the lock, req_vq = ACCESS_ONCE(tgt->req_vq);
//     then virtscsi_kick_cmd; SCSI_MLQUEUE_HOST_BUSY when it fails.
//   - virtscsi_kick_cmd (3.8 form, unchanged by the patch): tgt_lock (it guards the
//     per-target scatterlist tgt->sg), then vq_lock nested inside it,
//     virtqueue_add_buf, unlock tgt_lock, virtqueue_kick_prepare, unlock vq_lock,
//     virtqueue_notify. It returns the virtqueue_add_buf error (the patch's caller
//     tests `== 0`).
//   - virtscsi_req_done: smp_read_barrier_depends(); vq_lock; virtscsi_vq_done;
//     unlock. virtscsi_vq_done: virtqueue_get_buf until NULL, each buffer to
//     virtscsi_complete_cmd: sc->scsi_done(sc); atomic_dec(&tgt->reqs).
//
// Busy path: when virtqueue_add_buf fails (-ENOSPC, ring full) the command is freed and
// SCSI_MLQUEUE_HOST_BUSY returned; nothing undoes the atomic_inc_return, so reqs keeps
// counting a request the driver no longer owns (the midlayer requeues it and the retry
// increments again). The model does exactly that; P3 reports the leak.
var variantV2 = Variant{
	Name:   "v2-2012",
	Kernel: "2012 v2 patch",
	Doc: "Steering under tgt_lock with smp_wmb() before publishing req_vq; req_vq read with ACCESS_ONCE outside the lock; " +
		"kick nests vq_lock inside tgt_lock; completion relies on smp_read_barrier_depends().",
	perTarget: declareTgtLock,
	submit:    v2QueuecommandMulti,
	complete:  v2ReqDone,
}

// v2QueuecommandMulti is virtscsi_queuecommand_multi.
func v2QueuecommandMulti(b *builder, t *model.Thread, r RequestInfo) {
	defer b.enter(t, "virtscsi_queuecommand_multi (drivers/scsi/virtio_scsi.c)")()
	L, tg := b.L, r.Target
	t.Mark(MarkSubmit, r.ID, r.Target, r.CPU) // static int virtscsi_queuecommand_multi(struct Scsi_Host *sh, struct scsi_cmnd *sc) {
	//                                           tgt = &vscsi->tgt[sc->device->id];
	var early model.Reg
	if b.is(MutReadBeforeInc) {
		early = t.Named("req_vq").Site("queuecommand:ACCESS_ONCE(req_vq)").ReadOnce(L.ReqVq.At(tg)) // MUTANT: req_vq = ACCESS_ONCE(tgt->req_vq) hoisted here
	}
	t.Site("queuecommand_multi:spin_lock(tgt_lock)").SpinLock(L.TgtLock.At(tg))                               // spin_lock_irqsave(&tgt->tgt_lock, flags);
	reqs := t.Named("reqs").Site("queuecommand_multi:atomic_inc_return(reqs)").AtomicIncReturn(L.Reqs.At(tg)) // if (atomic_inc_return(&tgt->reqs) == 1) {
	idle := model.Eq(reqs, 1)
	if b.is(MutGeOne) {
		idle = model.Ge(reqs, 1) // MUTANT: if (atomic_inc_return(&tgt->reqs) >= 1) {
	}
	var queueNum model.Reg
	t.If(idle, func() {
		queueNum = t.Named("queue_num").Let(r.CPU % b.cfg.Queues) // queue_num = smp_processor_id(); while (queue_num >= num_queues) queue_num -= num_queues;
		t.Site("queuecommand_multi:smp_wmb").SmpWmb()             // smp_wmb();   /* matches smp_read_barrier_depends() in virtscsi_req_done */
		if !b.is(MutWriteOutsideLock) {
			t.Site("queuecommand_multi:WRITE(req_vq)").Write(L.ReqVq.At(tg), queueNum) // tgt->req_vq = &vscsi->req_vqs[queue_num];
		}
	}) //                                                        }
	t.Site("queuecommand_multi:spin_unlock(tgt_lock)").SpinUnlock(L.TgtLock.At(tg)) // spin_unlock_irqrestore(&tgt->tgt_lock, flags);
	if b.is(MutWriteOutsideLock) {
		t.If(idle, func() {
			t.Site("queuecommand_multi:WRITE(req_vq)").Write(L.ReqVq.At(tg), queueNum) // MUTANT: tgt->req_vq = &vscsi->req_vqs[queue_num]; after the unlock
		})
	}
	v2Queuecommand(b, t, r, reqs, early) // return virtscsi_queuecommand(vscsi, tgt, sc);
}

// v2Queuecommand is virtscsi_queuecommand of the v2 patch, shared by the single and
// multi paths. reqsSeen is the register holding what atomic_inc_return returned, or
// an invalid Reg for the single path; early, if valid, is a req_vq already read.
func v2Queuecommand(b *builder, t *model.Thread, r RequestInfo, reqsSeen, early model.Reg) {
	defer b.enter(t, "virtscsi_queuecommand (drivers/scsi/virtio_scsi.c)")()
	L, tg := b.L, r.Target
	//                                              ret = SCSI_MLQUEUE_HOST_BUSY; cmd = mempool_alloc(...); (never fails here)
	reqVq := early
	if !validReg(early) {
		reqVq = t.Named("req_vq").Site("queuecommand:ACCESS_ONCE(req_vq)").ReadOnce(L.ReqVq.At(tg)) // req_vq = ACCESS_ONCE(tgt->req_vq);
	}
	seen := model.Expr(model.Const(-1))
	if validReg(reqsSeen) {
		seen = reqsSeen
	}
	t.Mark(MarkSteer, r.ID, reqVq, seen)
	err := v2KickCmd(b, t, r, reqVq)              // if (virtscsi_kick_cmd(tgt, req_vq, cmd, ...) == 0)
	t.Mark(MarkSubmitted, r.ID, model.Eq(err, 0)) //         ret = 0;  else mempool_free(cmd); (busy: reqs stays incremented)
}

// v2KickCmd is virtscsi_kick_cmd as the v2 patch used it; it returns the error register.
func v2KickCmd(b *builder, t *model.Thread, r RequestInfo, vq model.Reg) model.Reg {
	defer b.enter(t, "virtscsi_kick_cmd (drivers/scsi/virtio_scsi.c)")()
	L, tg := b.L, r.Target
	err := t.Named("err").Let(0)
	t.Site("kick_cmd:spin_lock(tgt_lock)").SpinLock(L.TgtLock.At(tg)) // spin_lock_irqsave(&tgt->tgt_lock, flags);
	//                                                                     virtscsi_map_cmd(tgt, cmd, &out_num, &in_num, ...);  (fills tgt->sg)
	t.Site("kick_cmd:spin_lock(vq_lock)").SpinLock(L.VqLock.Idx(vq))      // spin_lock(&vq->vq_lock);
	b.addBuf(t, vq, r.ID, err)                                            // err = virtqueue_add_buf(vq->vq, tgt->sg, out_num, in_num, cmd, gfp);
	t.Site("kick_cmd:spin_unlock(tgt_lock)").SpinUnlock(L.TgtLock.At(tg)) // spin_unlock(&tgt->tgt_lock);
	//                                                                     if (!err) needs_kick = virtqueue_kick_prepare(vq->vq);
	t.Site("kick_cmd:spin_unlock(vq_lock)").SpinUnlock(L.VqLock.Idx(vq)) // spin_unlock_irqrestore(&vq->vq_lock, flags);
	//                                                                     if (needs_kick) virtqueue_notify(vq->vq);
	return err //                                                          return err;
}

// v2ReqDone is virtscsi_req_done of the v2 patch for the j-th used buffer of queue q.
func v2ReqDone(b *builder, t *model.Thread, q, j int) {
	defer b.enter(t, "virtscsi_req_done (drivers/scsi/virtio_scsi.c)")()
	//                                                                  req_vq = &vscsi->req_vqs[vq->index - VIRTIO_SCSI_VQ_BASE];
	t.Site("req_done:smp_read_barrier_depends").SmpReadBarrierDepends()  // smp_read_barrier_depends();
	t.Site("req_done:spin_lock(vq_lock)").SpinLock(b.L.VqLock.At(q))     // spin_lock_irqsave(&req_vq->vq_lock, flags);
	buf := b.getBuf(t, q, j)                                             // virtscsi_vq_done(): while ((buf = virtqueue_get_buf(vq, &len)) != NULL)
	v2CompleteCmd(b, t, q, buf)                                          //         fn(vscsi, buf);   /* virtscsi_complete_cmd */
	t.Site("req_done:spin_unlock(vq_lock)").SpinUnlock(b.L.VqLock.At(q)) // spin_unlock_irqrestore(&req_vq->vq_lock, flags);
}

// v2CompleteCmd is virtscsi_complete_cmd of the v2 patch.
func v2CompleteCmd(b *builder, t *model.Thread, q int, req model.Reg) {
	defer b.enter(t, "virtscsi_complete_cmd (drivers/scsi/virtio_scsi.c)")()
	tg := t.Named("tgt").Let(b.targetOf(req)) // tgt = &vscsi->tgt[sc->device->id];  (sc = cmd->sc: address dependency on the token)
	//                                           ... sc->result = resp->status; ... mempool_free(cmd, virtscsi_cmd_pool);
	b.scsiDone(t, q, req) //                     sc->scsi_done(sc);
	if b.is(MutIrqTgtLock) {
		t.Site("complete_cmd:spin_lock(tgt_lock)").SpinLock(b.L.TgtLock.Idx(tg)) // MUTANT: spin_lock(&tgt->tgt_lock); under vq_lock
	}
	t.Site("complete_cmd:atomic_dec(reqs)").AtomicDec(b.L.Reqs.Idx(tg)) // atomic_dec(&tgt->reqs);
	if b.is(MutIrqTgtLock) {
		t.Site("complete_cmd:spin_unlock(tgt_lock)").SpinUnlock(b.L.TgtLock.Idx(tg)) // MUTANT: spin_unlock(&tgt->tgt_lock);
	}
}

// validReg reports whether r was returned by a DSL statement (the zero Reg was not).
func validReg(r model.Reg) bool { return r != (model.Reg{}) }
