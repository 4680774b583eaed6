package steering

import "github.com/steercheck/steercheck/model"

// Variant v3.10: multiqueue steering as merged for Linux 3.10 (drivers/scsi/virtio_scsi.c,
// unchanged through 3.16).
//
// Kernel history: the multiqueue patch as merged, after 682993b4e445 ("virtio-scsi:
// use virtqueue_add_sgs for command buffers", Wanlong Gao, 3.10): "all data protected
// by the tgt_lock is just gone (multiqueue will find a new use for the lock)", so
// tgt_lock guards only the steering and is never held with vq_lock. See
// docs/HISTORY.md.
//
// Functions modelled, line by line:
//   - virtscsi_queuecommand_multi: req_vq = virtscsi_pick_vq(vscsi, tgt), then
//     virtscsi_queuecommand.
//   - virtscsi_pick_vq: tgt_lock; if atomic_inc_return(&tgt->reqs) > 1 then
//     vq = ACCESS_ONCE(tgt->req_vq) else queue_num = cpu mod num_queues,
//     tgt->req_vq = vq = &req_vqs[queue_num]; unlock. No smp_wmb any more: "the memory
//     barrier after atomic_inc_return matches the smp_read_barrier_depends() in
//     virtscsi_req_done".
//   - virtscsi_queuecommand: mempool_alloc (never fails here), virtscsi_kick_cmd;
//     SCSI_MLQUEUE_HOST_BUSY when the kick fails.
//   - virtscsi_kick_cmd: vq_lock only (virtqueue_add_sgs replaced the per-target
//     scatterlist, so tgt_lock and vq_lock are never held together), virtscsi_add_cmd
//     → virtqueue_add_sgs, virtqueue_kick_prepare, unlock, virtqueue_notify.
//   - virtscsi_req_done: smp_read_barrier_depends(); virtscsi_vq_done: vq_lock,
//     virtqueue_get_buf loop, virtscsi_complete_cmd (sc->scsi_done; atomic_dec), unlock.
//
// The mutant split-inc (atomic_inc, then atomic_read) is equivalent to this code:
// inside tgt_lock no other submitter can increment reqs, so only completions'
// decrements can fall between the two, and a decrement only retires a request counted
// before ours; atomic_read returns the number of requests outstanding at the read,
// ours included, and "> 1" still means "another request is outstanding, on req_vq".
// The full barrier atomic_inc_return loses paired with smp_read_barrier_depends() in
// virtscsi_req_done, which reads no req_vq since 3.10: the lock orders everything the
// decision reads and writes. properties.TestSplitIncIsEquivalent checks it at three
// CPUs under sc and tso and at two under lkmm and armv8, with the window exercised.
//
// Busy path: a failed kick frees the command and returns SCSI_MLQUEUE_HOST_BUSY;
// reqs keeps the increment (leak), as in every version until per-target steering was
// removed. (A failed mempool_alloc does the same; it is not modelled.)
var variantV310 = Variant{
	Name:   "v3.10",
	Kernel: "3.10-3.16",
	Doc: "virtscsi_pick_vq: steering and the read of req_vq (ACCESS_ONCE) both under tgt_lock; no smp_wmb; the kick takes " +
		"vq_lock alone; completion keeps smp_read_barrier_depends().",
	perTarget: declareTgtLock,
	submit:    v310QueuecommandMulti,
	complete:  v310ReqDone,
}

// v310QueuecommandMulti is virtscsi_queuecommand_multi.
func v310QueuecommandMulti(b *builder, t *model.Thread, r RequestInfo) {
	defer b.enter(t, "virtscsi_queuecommand_multi (drivers/scsi/virtio_scsi.c)")()
	t.Mark(MarkSubmit, r.ID, r.Target, r.CPU) // static int virtscsi_queuecommand_multi(struct Scsi_Host *sh, struct scsi_cmnd *sc) {
	reqVq := v310PickVq(b, t, r)              //         struct virtio_scsi_vq *req_vq = virtscsi_pick_vq(vscsi, tgt);
	v310Queuecommand(b, t, r, reqVq)          //         return virtscsi_queuecommand(vscsi, req_vq, sc);
	if b.is(MutDecBeforeConsume) {
		t.Site("queuecommand_multi:atomic_dec(reqs)").AtomicDec(b.L.Reqs.At(r.Target)) // MUTANT: atomic_dec(&tgt->reqs); once the command is on the ring
	}
}

// v310PickVq is virtscsi_pick_vq; it returns the register holding the queue.
func v310PickVq(b *builder, t *model.Thread, r RequestInfo) model.Reg {
	defer b.enter(t, "virtscsi_pick_vq (drivers/scsi/virtio_scsi.c)")()
	L, tg := b.L, r.Target
	vq := t.Named("vq").Let(-1)
	if !b.is(MutNoTgtLock) {
		t.Site("pick_vq:spin_lock(tgt_lock)").SpinLock(L.TgtLock.At(tg)) // spin_lock_irqsave(&tgt->tgt_lock, flags);
	}
	var reqs model.Reg
	if b.is(MutSplitInc) {
		t.Site("pick_vq:atomic_inc(reqs)").AtomicInc(L.Reqs.At(tg))                        // MUTANT: atomic_inc(&tgt->reqs);
		reqs = t.Named("reqs").Site("pick_vq:atomic_read(reqs)").AtomicRead(L.Reqs.At(tg)) // MUTANT: if (atomic_read(&tgt->reqs) > 1)
	} else {
		reqs = t.Named("reqs").Site("pick_vq:atomic_inc_return(reqs)").AtomicIncReturn(L.Reqs.At(tg)) // if (atomic_inc_return(&tgt->reqs) > 1)
	}
	t.If(model.Gt(reqs, 1), func() {
		t.Set(vq, t.Named("req_vq").Site("pick_vq:ACCESS_ONCE(req_vq)").ReadOnce(L.ReqVq.At(tg))) //         vq = ACCESS_ONCE(tgt->req_vq);
		t.Mark(MarkSteer, r.ID, vq, reqs)
	}, func() { //                                                                                     else {
		queueNum := t.Named("queue_num").Let(r.CPU % b.cfg.Queues)      // queue_num = smp_processor_id(); while (queue_num >= num_queues) queue_num -= num_queues;
		t.Site("pick_vq:WRITE(req_vq)").Write(L.ReqVq.At(tg), queueNum) // tgt->req_vq = vq = &vscsi->req_vqs[queue_num];
		t.Set(vq, queueNum)
		t.Mark(MarkSteer, r.ID, vq, reqs)
	}) //                                                              }
	if !b.is(MutNoTgtLock) {
		t.Site("pick_vq:spin_unlock(tgt_lock)").SpinUnlock(L.TgtLock.At(tg)) // spin_unlock_irqrestore(&tgt->tgt_lock, flags);
	}
	return vq //                                                            return vq;
}

// v310Queuecommand is virtscsi_queuecommand(vscsi, req_vq, sc) of 3.10.
func v310Queuecommand(b *builder, t *model.Thread, r RequestInfo, reqVq model.Reg) {
	defer b.enter(t, "virtscsi_queuecommand (drivers/scsi/virtio_scsi.c)")()
	//                                                ret = SCSI_MLQUEUE_HOST_BUSY; cmd = mempool_alloc(virtscsi_cmd_pool, GFP_ATOMIC); (never fails here)
	err := v310KickCmd(b, t, r, reqVq)            // if (virtscsi_kick_cmd(req_vq, cmd, ...) == 0)
	t.Mark(MarkSubmitted, r.ID, model.Eq(err, 0)) //         ret = 0;  else mempool_free(cmd, virtscsi_cmd_pool);  (busy: reqs stays incremented)
}

// v310KickCmd is virtscsi_kick_cmd from 3.10 on (unchanged in 3.17 and 3.19 but for
// the gfp argument); it returns the error register.
func v310KickCmd(b *builder, t *model.Thread, r RequestInfo, vq model.Reg) model.Reg {
	defer b.enter(t, "virtscsi_kick_cmd (drivers/scsi/virtio_scsi.c)")()
	err := t.Named("err").Let(0)
	t.Site("kick_cmd:spin_lock(vq_lock)").SpinLock(b.L.VqLock.Idx(vq)) // spin_lock_irqsave(&vq->vq_lock, flags);
	b.addBuf(t, vq, r.ID, err)                                         // err = virtscsi_add_cmd(vq->vq, cmd, req_size, resp_size);
	//                                                                        if (!err) needs_kick = virtqueue_kick_prepare(vq->vq);
	t.Site("kick_cmd:spin_unlock(vq_lock)").SpinUnlock(b.L.VqLock.Idx(vq)) // spin_unlock_irqrestore(&vq->vq_lock, flags);
	//                                                                        if (needs_kick) virtqueue_notify(vq->vq);
	return err //                                                             return err;
}

// v310ReqDone is virtscsi_req_done of 3.10 for the j-th used buffer of queue q.
func v310ReqDone(b *builder, t *model.Thread, q, j int) {
	defer b.enter(t, "virtscsi_req_done (drivers/scsi/virtio_scsi.c)")()
	//                                                                  req_vq = &vscsi->req_vqs[vq->index - VIRTIO_SCSI_VQ_BASE];
	t.Site("req_done:smp_read_barrier_depends").SmpReadBarrierDepends() // smp_read_barrier_depends();
	vqDone(b, t, q, j)                                                  // virtscsi_vq_done(vscsi, req_vq, virtscsi_complete_cmd);
}

// vqDone is virtscsi_vq_done(vscsi, virtscsi_vq, virtscsi_complete_cmd) from 3.10 on,
// for one used buffer.
func vqDone(b *builder, t *model.Thread, q, j int) {
	defer b.enter(t, "virtscsi_vq_done (drivers/scsi/virtio_scsi.c)")()
	lock := !b.is(MutNoVqLock)
	if lock {
		t.Site("vq_done:spin_lock(vq_lock)").SpinLock(b.L.VqLock.At(q)) // spin_lock_irqsave(&virtscsi_vq->vq_lock, flags);
	}
	//                                                                     do { virtqueue_disable_cb(vq);
	buf := b.getBuf(t, q, j)  //                                                 while ((buf = virtqueue_get_buf(vq, &len)) != NULL)
	completeCmd(b, t, q, buf) //                                                        fn(vscsi, buf);
	//                                                                     } while (!virtqueue_enable_cb(vq));
	if lock {
		t.Site("vq_done:spin_unlock(vq_lock)").SpinUnlock(b.L.VqLock.At(q)) // spin_unlock_irqrestore(&virtscsi_vq->vq_lock, flags);
	}
}

// completeCmd is virtscsi_complete_cmd from 3.10 on.
func completeCmd(b *builder, t *model.Thread, q int, req model.Reg) {
	defer b.enter(t, "virtscsi_complete_cmd (drivers/scsi/virtio_scsi.c)")()
	tg := t.Named("tgt").Let(b.targetOf(req)) // tgt = scsi_target(sc->device)->hostdata;  (sc = cmd->sc: address dependency on the token)
	//                                           sc->result = resp->status; ... (mempool_free(cmd) before 3.17)
	b.scsiDone(t, q, req) //                     sc->scsi_done(sc);
	if !b.is(MutDecBeforeConsume) {
		t.Site("complete_cmd:atomic_dec(reqs)").AtomicDec(b.L.Reqs.Idx(tg)) // atomic_dec(&tgt->reqs);
	}
}
