package steering

import "github.com/steercheck/steercheck/model"

// This file models the guest side of a split virtqueue as drivers/virtio/virtio_ring.c
// had it from 3.8 to 4.x (virtqueue_add_buf, then virtqueue_add_sgs → virtqueue_add
// → vring_add_indirect; virtqueue_get_buf → detach_buf), for one command on one
// indirect descriptor (VIRTIO_RING_F_INDIRECT_DESC, which virtio-scsi negotiates: a
// command takes exactly one ring descriptor whatever its scatterlist), and the device
// side reduced to what the guest can observe.
//
// The state vq_lock guards is modelled in every configuration, because completion and
// submission meet on it: the free list (vq->free_head and desc[].next), vq->vq.num_free
// and the token table vq->data[]. virtqueue_add takes the head of the free list,
// detach_buf puts a completed descriptor back, both under vq_lock in every variant
// (virtscsi_kick_cmd and virtscsi_vq_done); the mutant no-vq-lock-completion drops the
// lock on the completion side, and the properties read the ring's final state (P3
// accounting) and what became of each request (P4) to catch what that does.
//
// Locations:
//
//   - desc[i].addr (Layout.DescAddr): what the device reads to find the command; here
//     the request id. Written by vring_add_indirect under vq_lock, read by the device.
//   - vq->data[i] (Layout.Data): the driver's token for descriptor i, the request id,
//     -1 for NULL. Written by virtqueue_add and detach_buf, read by virtqueue_get_buf,
//     all under vq_lock: driver-private, so plain accesses.
//   - desc[i].next, free_head, num_free: driver-private, plain, under vq_lock. The
//     device never reads desc[].next of an indirect head (VRING_DESC_F_NEXT is clear).
//   - avail->ring, avail->idx, used->ring, used->idx: shared with the device, modelled
//     as marked (READ_ONCE/WRITE_ONCE) even where virtio_ring.c writes them as plain C:
//     the other side is the device, not C code, and virtio_wmb()/virtio_rmb() are
//     compiler barriers as well, so the compiler emits each of them once, as written.
//     Plain accesses would let the Linux-kernel memory model call every guest–device
//     exchange a data race and fail every variant for a reason that has nothing to do
//     with steering.
//
// Simplifications, each harmless to what is checked:
//
//   - The avail and used rings are indexed by absolute position (one slot per request
//     of the scenario) instead of modulo vring.num: equivalent while no more than
//     vring.num buffers are in flight, which num_free guarantees.
//   - vq->last_used_idx is only read and written by virtqueue_get_buf (and
//     virtqueue_enable_cb, on the same path), that is by completion; with one interrupt
//     thread per queue it is private to that thread and is its loop counter j. The race
//     of no-vq-lock-completion is between submission and completion, and
//     virtqueue_add never touches last_used_idx.
//   - num_added and the kick (virtqueue_kick_prepare / virtqueue_notify) have no effect
//     the guest can observe: the device polls avail->idx.
//   - desc[i].flags and .len, and the indirect table itself, are not modelled: one
//     command per descriptor, always indirect. The direct path of virtqueue_add (taken
//     when the indirect table cannot be allocated) is not modelled: with num_free 0
//     virtqueue_add fails with -ENOSPC, as both paths do.
//
// Two levels of detail, chosen by the configuration (full):
//
//   - With Config.KickFailure the ring has RingSize descriptors (1 by default) and
//     descriptors are reused: the free list, the token table and the descriptors'
//     addresses are modelled, a full ring returns -ENOSPC (the busy path of
//     virtscsi_queuecommand), and unlocked accesses can hand a descriptor out twice.
//   - Otherwise the ring has a descriptor per request, so virtqueue_add never fails
//     and no descriptor is reused while in flight: which descriptor a buffer gets is
//     unobservable, the avail and used ring entries carry the request itself, and only
//     num_free is modelled (its decrement in vring_add_indirect, its increment in
//     detach_buf). Its test in virtqueue_add is left out: it cannot fail while num_free
//     is right, and where it is wrong (no-vq-lock-completion) P3 reports the wrong
//     count. This is what the race of no-vq-lock-completion needs, at a cost the weak
//     models' analysis can afford: the whole free list at every configuration made
//     their explorations run out of budget at two CPUs (docs/DESIGN.md).

// full reports whether descriptors are reused: then the free list, the token table
// and the descriptors' addresses are modelled; otherwise each request has a
// descriptor of its own and only num_free is (see the file comment).
func (b *builder) full() bool { return b.cfg.KickFailure }

const (
	srcVirtqueueAdd    = "virtqueue_add (drivers/virtio/virtio_ring.c)"
	srcAddIndirect     = "vring_add_indirect (drivers/virtio/virtio_ring.c)"
	srcVirtqueueGetBuf = "virtqueue_get_buf (drivers/virtio/virtio_ring.c)"
	srcDetachBuf       = "detach_buf (drivers/virtio/virtio_ring.c)"
	srcVringInterrupt  = "vring_interrupt (drivers/virtio/virtio_ring.c)"
	srcDevicePop       = "device: virtqueue_pop (QEMU hw/virtio/virtio.c)"
	srcDevicePush      = "device: virtqueue_push, virtio_notify (QEMU hw/virtio/virtio.c)"
)

// addBuf emits virtqueue_add (indirect path) for request req on queue q, called with
// the queue's vq_lock held. err must hold 0; it is set to 1 (-ENOSPC) when no
// descriptor is free. On success the request is marked enqueued.
func (b *builder) addBuf(t *model.Thread, q model.Expr, req int, err model.Reg) {
	defer b.enter(t, srcVirtqueueAdd)()
	add := func() {
		head := b.addIndirect(t, q, req) // head = vring_add_indirect(vq, sgs, ...);
		t.Source(srcVirtqueueAdd)
		if b.full() {
			t.Site("virtqueue_add:WRITE(data)").Write(b.desc(b.L.Data, q, head), req) // add_head: vq->data[head] = data;
		}
		avail := t.Named("avail").Site("virtqueue_add:READ(avail.idx)").Read(b.L.AvailIdx.Idx(q)) // avail = vq->vring.avail->idx & (vq->vring.num-1);
		t.Site("virtqueue_add:avail.ring").WriteOnce(b.slot(b.L.AvailRing, q, avail), head)       // vq->vring.avail->ring[avail] = head;
		t.Site("virtqueue_add:virtio_wmb").SmpWmb()                                               // virtio_wmb(vq->weak_barriers);
		t.Site("virtqueue_add:avail.idx").WriteOnce(b.L.AvailIdx.Idx(q), model.Add(avail, 1))     // vq->vring.avail->idx++;
		t.Mark(MarkEnqueue, req, q)                                                               // (the buffer is now visible to the device)
	}
	if !b.full() {
		add() // a descriptor per request: the num_free test cannot fail (see the file comment)
		return
	}
	nf := t.Named("num_free").Site("virtqueue_add:READ(num_free)").Read(b.L.NumFree.Idx(q)) // if (vq->indirect && total_sg > 1 && vq->vq.num_free) ... if (vq->vq.num_free < total_sg)
	t.If(model.Lt(nf, 1), func() {
		t.Set(err, 1) //                                                                     return -ENOSPC;
	}, add)
}

// numFreeValue is the value num_free-- or num_free++ stores, e. The C statement reads
// num_free and writes it back changed by one, and the value domains that the weak
// models' analysis computes (model/counters.go bounds only constant stores and atomic
// adds) would grow by one value per round without end. Every execution keeps num_free
// within vring.num ± R, R the number of requests: each request takes a descriptor once
// (virtqueue_add, minus one) and gives it back once (detach_buf, plus one), and a
// written value is the value of an earlier write, or the initial one, plus or minus
// one, so e is wrapped into that range: an identity on every value an execution
// produces, which lets the analysis see the bound.
func (b *builder) numFreeValue(e model.Expr) model.Expr {
	r := len(b.cfg.Requests) // at most one virtqueue_add and one detach_buf per request
	lo, n := b.L.Ring-r, 2*r+1
	return model.Add(lo, model.Mod(model.Add(model.Sub(e, lo), n), n))
}

// dead clears register r, whose value is not used again. It changes nothing the
// thread does; the weak models' value-domain analysis (model/shapes.go) keys the
// thread states it visits on every register whose value may reach a written value,
// live or not, and without this a thread with three num_free updates would be visited
// once per combination of the values it read (7³ at three requests).
func (b *builder) dead(t *model.Thread, r model.Reg) { t.Set(r, 0) }

// addIndirect is vring_add_indirect from "We're about to use a buffer" on: count the
// descriptor used, take the head of the free list, point it at the command, advance
// free_head. num_free-- is a read and a write of its own: C gives the compiler no
// licence to reuse the value virtqueue_add tested.
func (b *builder) addIndirect(t *model.Thread, q model.Expr, req int) model.Expr {
	defer b.enter(t, srcAddIndirect)()
	nf := t.Named("num_free").Site("vring_add_indirect:READ(num_free)").Read(b.L.NumFree.Idx(q))             // vq->vq.num_free--;
	t.Site("vring_add_indirect:WRITE(num_free)").Write(b.L.NumFree.Idx(q), b.numFreeValue(model.Sub(nf, 1))) //
	b.dead(t, nf)
	if !b.full() {
		return model.Const(model.Value(req)) // lean: the descriptor is the request's own
	}
	head := t.Named("head").Site("vring_add_indirect:READ(free_head)").Read(b.L.FreeHead.Idx(q))           // head = vq->free_head;
	t.Site("vring_add_indirect:desc.addr").WriteOnce(b.desc(b.L.DescAddr, q, head), req)                   // vq->vring.desc[head].addr = virt_to_phys(desc);
	next := t.Named("next").Site("vring_add_indirect:READ(desc.next)").Read(b.desc(b.L.DescNext, q, head)) // vq->free_head = vq->vring.desc[head].next;
	t.Site("vring_add_indirect:WRITE(free_head)").Write(b.L.FreeHead.Idx(q), next)                         //
	return head                                                                                            // return head;
}

// getBuf emits virtqueue_get_buf for the j-th used buffer of queue q (the interrupt
// thread has already seen more_used()), including detach_buf, and returns the
// register holding the token: the request id, or -1 for a NULL token.
func (b *builder) getBuf(t *model.Thread, q, j int) model.Reg {
	defer b.enter(t, srcVirtqueueGetBuf)()
	t.Site("virtqueue_get_buf:virtio_rmb").SmpRmb()                                              // virtio_rmb(vq->weak_barriers);
	id := t.Named("id").Site("virtqueue_get_buf:used.ring").ReadOnce(b.slot(b.L.UsedRing, q, j)) // i = vq->vring.used->ring[last_used].id;
	ret := id
	if b.full() {
		ret = t.Named("ret").Site("virtqueue_get_buf:READ(data)").Read(b.desc(b.L.Data, q, id)) // if (unlikely(!vq->data[i])) BAD_RING(...); ret = vq->data[i];
	}
	b.detachBuf(t, q, id) // detach_buf(vq, i);
	return ret            // vq->last_used_idx++; return ret;
}

// detachBuf is detach_buf(vq, head) for an indirect descriptor.
func (b *builder) detachBuf(t *model.Thread, q int, head model.Reg) {
	defer b.enter(t, srcDetachBuf)()
	if b.full() {
		t.Site("detach_buf:WRITE(data)").Write(b.desc(b.L.Data, q, head), -1)                  // vq->data[head] = NULL;
		fh := t.Named("free_head").Site("detach_buf:READ(free_head)").Read(b.L.FreeHead.At(q)) // vq->vring.desc[i].next = vq->free_head;
		t.Site("detach_buf:WRITE(desc.next)").Write(b.desc(b.L.DescNext, q, head), fh)         //
		t.Site("detach_buf:WRITE(free_head)").Write(b.L.FreeHead.At(q), head)                  // vq->free_head = head;
	}
	nf := t.Named("num_free").Site("detach_buf:READ(num_free)").Read(b.L.NumFree.At(q))             // vq->vq.num_free++;
	t.Site("detach_buf:WRITE(num_free)").Write(b.L.NumFree.At(q), b.numFreeValue(model.Add(nf, 1))) //
	b.dead(t, nf)
}

// deviceThreads creates the device side of every request virtqueue: it consumes the
// ring in order, one buffer at a time, and marks each used (QEMU's virtqueue_pop and
// virtqueue_push, reduced to the accesses the guest can observe). The device reads
// the avail ring entry as a dependency-ordered load (it is not an Alpha CPU, so
// lkmm-alpha's dependent-load reordering does not apply to it), and it completes a
// command only after reading it: marking the buffer used depends on the command read
// from the descriptor (QEMU rejects a descriptor it cannot map).
func (b *builder) deviceThreads() {
	for q := 0; q < b.cfg.Queues; q++ {
		t := b.p.Thread(deviceName(q), RoleDevice.String())
		info := ThreadInfo{Role: RoleDevice, Index: q}
		for i := 0; i < b.L.Slots; i++ {
			t.Source(srcDevicePop)
			idle := len(t.Code)
			// while (vring_avail_idx(vq) == vq->last_avail_idx) wait for a kick
			t.Await(func() model.Expr {
				idx := t.Named("avail_idx").Site("device:READ_ONCE(avail.idx)").ReadOnce(b.L.AvailIdx.At(q))
				return model.Gt(idx, i)
			})
			t.Code[idle].Idle = true
			t.Site("device:smp_rmb").SmpRmb()                                                             // smp_rmb(): read the ring after avail->idx
			head := t.Named("head").Site("device:avail.ring").RcuDereference(b.slot(b.L.AvailRing, q, i)) // head = avail->ring[last_avail_idx++ % num]
			req := head                                                                                   // lean: the descriptor is the request's own
			if b.full() {
				req = t.Named("req").Site("device:desc.addr").ReadOnce(b.desc(b.L.DescAddr, q, head)) // read desc[head]: the command
			}
			t.Mark(MarkConsume, req, q) // the request reaches the target
			t.If(model.Ge(req, 0), func() {
				t.Source(srcDevicePush)
				t.Site("device:used.ring").WriteOnce(b.slot(b.L.UsedRing, q, i), head)  // used->ring[idx % num].id = head
				t.Site("device:smp_wmb").SmpWmb()                                       // smp_wmb() before publishing used->idx
				t.Site("device:WRITE_ONCE(used.idx)").WriteOnce(b.L.UsedIdx.At(q), i+1) // used->idx++; then the interrupt
			})
		}
		b.sc.Threads = append(b.sc.Threads, info)
	}
}
