package hotplug

import "github.com/steercheck/steercheck/model"

// drain-5.8: blk-mq with the hotplug drain of bf0beec0607d ("blk-mq: drain I/O when
// all CPUs in a hctx are offline", v5.8), the protocol seed 000 describes:
//
//	block/blk-mq.c blk_mq_hctx_notify_offline() (CPUHP_AP_BLK_MQ_ONLINE teardown,
//	               still running while the CPU is online): if cpu is the last online
//	               CPU of hctx: set_bit(BLK_MQ_S_INACTIVE); smp_mb__after_atomic();
//	               while (blk_mq_hctx_has_requests(hctx)) msleep(5);
//	               The comment at the barrier: "The smp_mb__after_atomic() Pairs with
//	               the implied barrier in test_and_set_bit_lock in sbitmap_get().
//	               Ensures the inactive flag is seen once we return from the tag
//	               allocator." It is one side of a store-buffering pair: the hotplug
//	               thread writes INACTIVE and reads the tags, the submitter writes
//	               its tag and reads INACTIVE; if both read the old values, a request
//	               is queued on a queue whose interrupt is about to be shut down.
//	kernel/irq/cpuhotplug.c migrate_one_irq(): later, in CPU dying, the managed
//	               interrupt is shut down (its queue is empty by now)
//	block/blk-mq.c blk_mq_get_request() → blk_mq_get_tag(): the tag is taken by
//	               sbitmap_get() with test_and_set_bit_lock(), an acquire RMW (the
//	               tag count inflight stands for the bitmap here); then
//	               if (test_bit(BLK_MQ_S_INACTIVE)) { put the tag back; retry from
//	               another CPU (the task has been migrated) }
//	kernel/irq/cpuhotplug.c irq_affinity_online_cpu(): start the interrupt, then
//	block/blk-mq.c blk_mq_hctx_notify_online(): clear_bit(BLK_MQ_S_INACTIVE)
//
// Later: 10845a105bbc ("blk-mq: skip CPU offline notify on unmapped hctx", 2025,
// Fixes: bf0beec0607d) returns early for a hctx no software context maps; every
// queue of these scenarios is mapped, so it changes nothing here.
//
// Mutants: "no-drain" shuts the interrupt down without waiting for the queue to
// empty; "no-inactive-check" queues the request whatever BLK_MQ_S_INACTIVE says;
// "reactivate-first" clears INACTIVE before the interrupt is started.
func init() {
	register("drain-5.8", &variant{
		kernel:  "blk_mq_hctx_notify_offline()/online() + blk_mq_get_tag() INACTIVE check (v5.8+)",
		managed: true,
		mutants: []string{"no-drain", "no-inactive-check", "reactivate-first", "nonidempotent-handler"},
		build:   buildDrain58,
	})
}

func buildDrain58(b *builder) {
	l := &b.sc.L
	b.threads(b.drainSubmit, func(t *model.Thread, s Step) {
		if !s.Online {
			b.managedOffline(t, s.CPU, func(q int) {
				defer b.enter(t, "blk_mq_hctx_notify_offline (block/blk-mq.c)")()
				t.Site("notify_offline:set_bit(INACTIVE)").RMWOp(model.RMWOr, l.Inactive.At(q), 1, nil, model.AnnRelaxed|model.AnnNoReturn, true) // set_bit(BLK_MQ_S_INACTIVE, &hctx->state);
				t.Site("notify_offline:smp_mb__after_atomic").SmpMbAfterAtomic()                                                                  // smp_mb__after_atomic();
				t.Mark(MarkInactive, q)
				if b.mutant != "no-drain" {
					t.Await(func() model.Expr { // while (blk_mq_hctx_has_requests(hctx)) msleep(5)
						return model.Eq(t.Named("inflight").Site("notify_offline:hctx_has_requests(READ_ONCE inflight)").ReadOnce(l.Inflight.At(q)), 0)
					})
					t.Mark(MarkDrained, q)
				}
			})
			return
		}
		reactivate := func(q int) {
			defer b.enter(t, "blk_mq_hctx_notify_online (block/blk-mq.c)")()
			t.Site("notify_online:clear_bit(INACTIVE)").WriteOnce(l.Inactive.At(q), 0) // clear_bit(BLK_MQ_S_INACTIVE)
			t.Mark(MarkReactive, q)
		}
		if b.mutant == "reactivate-first" {
			b.managedOnline(t, s.CPU, reactivate, nil)
		} else {
			b.managedOnline(t, s.CPU, nil, reactivate)
		}
	})
}

// drainSubmit takes a tag on the CPU's queue, re-checks INACTIVE and, if it is set,
// puts the tag back and retries once from the first other CPU online at start whose
// queue differs (where the scheduler migrates the task).
func (b *builder) drainSubmit(t *model.Thread, r int) {
	cpu := b.sc.Config.Requests[r].CPU
	q := b.sc.QueueOf[cpu]
	alt := -1
	for _, c := range b.sc.Topology.OnlineMask().Cpus() {
		if c != cpu && b.sc.QueueOf[c] != q {
			alt = b.sc.QueueOf[c]
			break
		}
	}
	b.tryTag(t, r, q, func() {
		if alt < 0 {
			t.Mark(MarkFail, r)
			return
		}
		b.tryTag(t, r, alt, func() { t.Mark(MarkFail, r) })
	})
}

// tryTag is one attempt on queue q; onInactive runs when the queue was INACTIVE.
func (b *builder) tryTag(t *model.Thread, r, q int, onInactive func()) {
	defer b.enter(t, "blk_mq_get_tag (block/blk-mq-tag.c); sbitmap_get (lib/sbitmap.c)")()
	l := &b.sc.L
	t.Site("get_tag:test_and_set_bit_lock(tag)").RMWOp(model.RMWAdd, l.Inflight.At(q), 1, nil, model.AnnAcquire, true) // sbitmap_get(): test_and_set_bit_lock(nr, &map->word)
	ina := t.Named("inactive").Site("get_tag:test_bit(INACTIVE)").ReadOnce(l.Inactive.At(q))                           // test_bit(BLK_MQ_S_INACTIVE)
	enqueue := func() {
		t.Mark(MarkEnqueue, r, q, ina)
		t.Site("kick_cmd:virtqueue_add(posted)").WriteOnce(l.Posted.At(r), q+1) // virtscsi_kick_cmd()
	}
	if b.mutant == "no-inactive-check" {
		enqueue()
		return
	}
	t.If(ina, func() {
		b.putTag(t, q, "put_tag") // blk_mq_put_tag()
		t.Mark(MarkRetry, r, q)
		onInactive()
	}, enqueue)
}
