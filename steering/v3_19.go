package steering

import "github.com/steercheck/steercheck/model"

// Variant v3.19-seqcount: "virtio-scsi: replace target spinlock with seqcount"
// (938ece711c5b, Linux 3.19; Ming Lei, with target_alloc's initialisation added by
// Paolo Bonzini): "The spinlock of tgt_lock is only for serializing read and write
// req_vq, one lockless seqcount is enough for the purpose". The code stayed until
// per-target steering was removed by b5b6e8c8d3b4 (2018). See docs/HISTORY.md.
//
// Functions modelled, line by line:
//   - virtscsi_queuecommand_multi: req_vq = virtscsi_pick_vq(vscsi, tgt), then
//     virtscsi_queuecommand (as v3.17: busy when the kick fails, reqs not undone).
//   - virtscsi_pick_vq: no lock. if atomic_inc_return(&tgt->reqs) > 1, read req_vq
//     inside a read_seqcount_begin / read_seqcount_retry loop; else
//     write_seqcount_begin, keep the old req_vq if atomic_read(&tgt->reqs) > 1 ("a
//     reader just arrived"), otherwise tgt->req_vq = vq = &req_vqs[cpu mod n];
//     write_seqcount_end.
//   - the seqcount primitives of include/linux/seqlock.h (3.19), with their barriers:
//     read_seqcount_begin = spin until ACCESS_ONCE(s->sequence) is even, then smp_rmb();
//     read_seqcount_retry = smp_rmb(), then s->sequence != start (plain read);
//     write_seqcount_begin = s->sequence++ (plain), then smp_wmb();
//     write_seqcount_end = smp_wmb(), then s->sequence++.
//   - virtscsi_kick_cmd, virtscsi_req_done, virtscsi_vq_done, virtscsi_complete_cmd:
//     as v3.17.
//
// The mutant no-seqcount-retry is equivalent to this code: a reader is counted by its
// fully ordered atomic_inc_return before read_seqcount_begin, and a writer is only
// elected by an increment that finds reqs at zero, so no write section can begin
// while a reader is between begin and its read of req_vq; a section that began before
// the reader was counted is either seen by begin (odd sequence) or sees the reader in
// its "a reader just arrived" check and keeps the old req_vq, the value read.
// properties.TestNoSeqcountRetryIsEquivalent: same verdicts under sc, and under tso
// with and without the store-buffering repair.
//
// The reader loop is a bounded do/while: a retry needs a writer section to overlap,
// and there are at most as many writers as other requests, so the bound (requests-1,
// at least 1) is never exceeded.
var variantV319 = Variant{
	Name:   "v3.19-seqcount",
	Kernel: "3.19-4.16",
	Doc: "tgt_lock replaced by the seqcount tgt_seq: atomic_inc_return elects the writer; readers retry around " +
		"write sections; a writer keeps the old req_vq when a reader arrived after its increment.",
	perTarget: declareTgtSeq,
	submit:    v319QueuecommandMulti,
	complete:  v317ReqDone,
}

// v319QueuecommandMulti is virtscsi_queuecommand_multi.
func v319QueuecommandMulti(b *builder, t *model.Thread, r RequestInfo) {
	defer b.enter(t, "virtscsi_queuecommand_multi (drivers/scsi/virtio_scsi.c)")()
	t.Mark(MarkSubmit, r.ID, r.Target, r.CPU) // static int virtscsi_queuecommand_multi(struct Scsi_Host *sh, struct scsi_cmnd *sc) {
	reqVq := v319PickVq(b, t, r)              //         req_vq = virtscsi_pick_vq(vscsi, tgt);
	v317Queuecommand(b, t, r, reqVq)          //         return virtscsi_queuecommand(vscsi, req_vq, sc);
}

// v319PickVq is virtscsi_pick_vq of 3.19.
func v319PickVq(b *builder, t *model.Thread, r RequestInfo) model.Reg {
	defer b.enter(t, "virtscsi_pick_vq (drivers/scsi/virtio_scsi.c)")()
	L, tg := b.L, r.Target
	seqc := L.TgtSeq.At(tg)
	vq := t.Named("vq").Let(-1)
	//                                                                                               local_irq_save(flags);
	reqs := t.Named("reqs").Site("pick_vq:atomic_inc_return(reqs)").AtomicIncReturn(L.Reqs.At(tg)) // if (atomic_inc_return(&tgt->reqs) > 1) {
	t.If(model.Gt(reqs, 1), func() {
		seq := t.Named("seq").Let(0) //                                                                      unsigned long seq;
		body := func() {             //                                                                                  do {
			t.Set(seq, readSeqcountBegin(b, t, seqc))                                             //                                                            seq = read_seqcount_begin(&tgt->tgt_seq);
			t.Set(vq, t.Named("req_vq").Site("pick_vq:reader READ(req_vq)").Read(L.ReqVq.At(tg))) //             vq = tgt->req_vq;
		}
		body()
		if !b.is(MutNoSeqRetry) && !b.is(MutNoRetryNoCheck) {
			bound := len(b.cfg.Requests) - 1
			if bound < 1 {
				bound = 1
			}
			t.While(bound, func() model.Expr { return readSeqcountRetry(b, t, seqc, seq) }, body) // } while (read_seqcount_retry(&tgt->tgt_seq, seq));
		}
		t.Mark(MarkSteer, r.ID, vq, reqs)
	}, func() { //                                                                                   } else {
		//                                                                                               /* no writes can be concurrent because of atomic_t */
		writeSeqcountBegin(b, t, seqc) //                                                                   write_seqcount_begin(&tgt->tgt_seq);
		steer := func() {
			queueNum := t.Named("queue_num").Let(r.CPU % b.cfg.Queues)      //                                queue_num = smp_processor_id(); while (...) queue_num -= vscsi->num_queues;
			t.Site("pick_vq:WRITE(req_vq)").Write(L.ReqVq.At(tg), queueNum) //                          tgt->req_vq = vq = &vscsi->req_vqs[queue_num];
			t.Set(vq, queueNum)
			t.Mark(MarkSteer, r.ID, vq, reqs)
		}
		if b.is(MutNoReaderCheck) || b.is(MutNoRetryNoCheck) {
			steer() // MUTANT: no "keep previous req_vq if a reader just arrived"
		} else {
			//                                                                                           /* keep previous req_vq if a reader just arrived */
			again := t.Named("reqs_now").Site("pick_vq:atomic_read(reqs)").AtomicRead(L.Reqs.At(tg)) //  if (unlikely(atomic_read(&tgt->reqs) > 1)) {
			t.If(model.Gt(again, 1), func() {
				t.Set(vq, t.Named("req_vq").Site("pick_vq:writer READ(req_vq)").Read(L.ReqVq.At(tg))) //         vq = tgt->req_vq;
				t.Mark(MarkSteer, r.ID, vq, again)                                                    //                                                            goto unlock;
			}, steer) //                                                                                 }
		}
		writeSeqcountEnd(b, t, seqc) //                                                              unlock: write_seqcount_end(&tgt->tgt_seq);
	}) //                                                                                            }
	//                                                                                               local_irq_restore(flags);
	return vq //                                                                                     return vq;
}

// readSeqcountBegin is read_seqcount_begin(s) of 3.19: __read_seqcount_begin spins
// while the sequence is odd, then smp_rmb(). It returns the register holding the
// sequence read.
func readSeqcountBegin(b *builder, t *model.Thread, s model.Addr) model.Reg {
	defer b.enter(t, "read_seqcount_begin (include/linux/seqlock.h)")()
	var ret model.Reg
	t.Await(func() model.Expr { // repeat:
		ret = t.Named("seq_begin").Site("read_seqcount_begin:ACCESS_ONCE(sequence)").ReadOnce(s) // ret = ACCESS_ONCE(s->sequence);
		return model.Eq(model.Bin(model.OpAnd, ret, 1), 0)                                       // if (unlikely(ret & 1)) { cpu_relax(); goto repeat; }
	})
	t.Site("read_seqcount_begin:smp_rmb").SmpRmb() // smp_rmb();
	return ret                                     // return ret;
}

// readSeqcountRetry is read_seqcount_retry(s, start): smp_rmb(), then a plain read of
// the sequence compared with start. The returned expression is true when the reader
// must retry.
func readSeqcountRetry(b *builder, t *model.Thread, s model.Addr, start model.Reg) model.Expr {
	defer b.enter(t, "read_seqcount_retry (include/linux/seqlock.h)")()
	t.Site("read_seqcount_retry:smp_rmb").SmpRmb()                               // smp_rmb();
	now := t.Named("seq_now").Site("read_seqcount_retry:READ(sequence)").Read(s) // return unlikely(s->sequence != start);
	return model.Ne(now, start)
}

// writeSeqcountBegin is write_seqcount_begin(s): s->sequence++ (a plain increment:
// writers are serialized by the caller), then smp_wmb().
func writeSeqcountBegin(b *builder, t *model.Thread, s model.Addr) {
	defer b.enter(t, "write_seqcount_begin (include/linux/seqlock.h)")()
	v := t.Named("seq_w").Site("write_seqcount_begin:READ(sequence)").Read(s) // s->sequence++;
	t.Site("write_seqcount_begin:WRITE(sequence)").Write(s, model.Add(v, 1))  //
	t.Site("write_seqcount_begin:smp_wmb").SmpWmb()                           // smp_wmb();
}

// writeSeqcountEnd is write_seqcount_end(s): smp_wmb(), then s->sequence++.
func writeSeqcountEnd(b *builder, t *model.Thread, s model.Addr) {
	defer b.enter(t, "write_seqcount_end (include/linux/seqlock.h)")()
	t.Site("write_seqcount_end:smp_wmb").SmpWmb()                           // smp_wmb();
	v := t.Named("seq_w").Site("write_seqcount_end:READ(sequence)").Read(s) // s->sequence++;
	t.Site("write_seqcount_end:WRITE(sequence)").Write(s, model.Add(v, 1))  //
}
