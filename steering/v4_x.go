package steering

import "github.com/steercheck/steercheck/model"

// Variant v4.x: drivers/scsi/virtio_scsi.c of the 4.x kernels before the 2018 switch to
// blk-mq (b5b6e8c8d3b4): v3.19's seqcount steering, the blk-mq path, and three fixes
// to mistakes of the earlier versions. It is modelled on the file as a 4.4-based tree
// has it (Ubuntu xenial's, read through the public source index); the upstream commits
// of the three fixes, and the release each first appeared in, are not confirmed here,
// hence the name.
//
// Functions modelled, line by line:
//   - virtscsi_queuecommand_multi: `if (shost_use_blk_mq(sh)) req_vq =
//     virtscsi_pick_vq_mq(vscsi, tgt, sc); else req_vq = virtscsi_pick_vq(vscsi, tgt);`
//     then virtscsi_queuecommand. Config.BlkMQ picks the first.
//   - virtscsi_pick_vq_mq: `atomic_inc(&tgt->reqs); return &vscsi->req_vqs[hwq];` with
//     hwq = blk_mq_unique_tag_to_hwq(blk_mq_unique_tag(sc->request)), the hardware
//     queue blk-mq mapped the submitting CPU to: cpu mod num_queues here (what
//     blk_mq_map_queues gives when there are no more CPUs than queues per node). Fix
//     1: the increment; without it (mutant mq-no-inc) virtscsi_complete_cmd's
//     atomic_dec decrements what was never counted.
//   - virtscsi_pick_vq: v3.19's seqcount (v3_19.go).
//   - virtscsi_queuecommand: `ret = virtscsi_kick_cmd(...); if (ret == -EIO) {...}
//     else if (ret != 0) { /* The SCSI command requeue will increment 'tgt->reqs'
//     again. */ atomic_dec(&tgt->reqs); return SCSI_MLQUEUE_HOST_BUSY; }`. Fix 2: the
//     decrement; without it (mutant busy-no-dec, the code of every version before) a
//     failed kick leaks the count. The -EIO branch (a broken virtqueue) is not
//     modelled.
//   - virtscsi_target_destroy: `/* we can race with concurrent virtscsi_complete_cmd */
//     while (atomic_read(&tgt->reqs)) cpu_relax(); kfree(tgt);`. Fix 3: the wait;
//     without it (mutant destroy-no-wait, the code of every version before) the
//     midlayer can release the target between sc->scsi_done and atomic_dec in
//     virtscsi_complete_cmd, and the decrement touches freed memory.
//   - virtscsi_kick_cmd, virtscsi_req_done, virtscsi_vq_done, virtscsi_complete_cmd:
//     as v3.17.
//
// The fixes interlock: with the wait of fix 3, the blk-mq path's missing increment
// (fix 1) would leave reqs negative and target_destroy spinning forever.
var variantV4x = Variant{
	Name:   "v4.x",
	Kernel: "4.x before 4.16",
	Doc: "v3.19's seqcount steering with the blk-mq path (virtscsi_pick_vq_mq counts reqs too), a busy path that undoes its " +
		"increment, and a target_destroy that waits for reqs to drain before freeing tgt.",
	perTarget: declareTgtSeq,
	submit:    v4xQueuecommandMulti,
	complete:  v317ReqDone,
	destroy:   v4xTargetDestroy,
	blkmq:     true,
}

// v4xQueuecommandMulti is virtscsi_queuecommand_multi.
func v4xQueuecommandMulti(b *builder, t *model.Thread, r RequestInfo) {
	defer b.enter(t, "virtscsi_queuecommand_multi (drivers/scsi/virtio_scsi.c)")()
	t.Mark(MarkSubmit, r.ID, r.Target, r.CPU) // static int virtscsi_queuecommand_multi(struct Scsi_Host *sh, struct scsi_cmnd *sc) {
	var reqVq model.Reg
	if b.cfg.BlkMQ { //                          if (shost_use_blk_mq(sh))
		reqVq = v4xPickVqMq(b, t, r) //          req_vq = virtscsi_pick_vq_mq(vscsi, tgt, sc);
	} else { //                                  else
		reqVq = v319PickVq(b, t, r) //           req_vq = virtscsi_pick_vq(vscsi, tgt);
	}
	v4xQueuecommand(b, t, r, reqVq) // return virtscsi_queuecommand(vscsi, req_vq, sc);
}

// v4xPickVqMq is virtscsi_pick_vq_mq.
func v4xPickVqMq(b *builder, t *model.Thread, r RequestInfo) model.Reg {
	defer b.enter(t, "virtscsi_pick_vq_mq (drivers/scsi/virtio_scsi.c)")()
	if !b.is(MutMqNoInc) {
		t.Site("pick_vq_mq:atomic_inc(reqs)").AtomicInc(b.L.Reqs.At(r.Target)) // atomic_inc(&tgt->reqs);
	}
	hwq := t.Named("hwq").Let(r.CPU % b.cfg.Queues) // u16 hwq = blk_mq_unique_tag_to_hwq(blk_mq_unique_tag(sc->request));
	t.Mark(MarkSteer, r.ID, hwq, SteerBlkMQ)
	return hwq // return &vscsi->req_vqs[hwq];
}

// v4xQueuecommand is virtscsi_queuecommand(vscsi, req_vq, sc) with the busy-path fix.
func v4xQueuecommand(b *builder, t *model.Thread, r RequestInfo, reqVq model.Reg) {
	defer b.enter(t, "virtscsi_queuecommand (drivers/scsi/virtio_scsi.c)")()
	err := v310KickCmd(b, t, r, reqVq) // ret = virtscsi_kick_cmd(req_vq, cmd, req_size, sizeof(cmd->resp.cmd));
	t.Source("virtscsi_queuecommand (drivers/scsi/virtio_scsi.c)")
	t.If(model.Ne(err, 0), func() { //   if (ret == -EIO) { ... } else if (ret != 0) {
		t.Mark(MarkBusy, r.ID)
		if !b.is(MutBusyNoDec) {
			t.Site("queuecommand:atomic_dec(reqs)").AtomicDec(b.L.Reqs.At(r.Target)) // /* The SCSI command requeue will increment 'tgt->reqs' again. */ atomic_dec(&tgt->reqs);
		}
	}) //                                                                                return SCSI_MLQUEUE_HOST_BUSY; }
	t.Mark(MarkSubmitted, r.ID, model.Eq(err, 0)) // return 0;
}

// v4xTargetDestroy is virtscsi_target_destroy with the wait for reqs to drain.
func v4xTargetDestroy(b *builder, t *model.Thread, tg int) {
	if b.is(MutDestroyNoWait) {
		b.kfreeTgt(t, tg) // MUTANT: kfree(tgt); at once
		return
	}
	defer b.enter(t, "virtscsi_target_destroy (drivers/scsi/virtio_scsi.c)")()
	//                                                                           struct virtio_scsi_target_state *tgt = starget->hostdata;
	t.Await(func() model.Expr { //                                               /* we can race with concurrent virtscsi_complete_cmd */
		reqs := t.Named("reqs").Site("target_destroy:atomic_read(reqs)").AtomicRead(b.L.Reqs.At(tg)) // while (atomic_read(&tgt->reqs))
		return model.Eq(reqs, 0)                                                                     //                                                                      cpu_relax();
	})
	t.Mark(MarkDestroy, tg)
	t.Site("target_destroy:kfree(tgt)").WriteOnce(b.L.Reqs.At(tg), Freed) // kfree(tgt);
}
