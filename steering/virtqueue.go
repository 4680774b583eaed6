package steering

import "github.com/steercheck/steercheck/model"

// This file models the guest side of a split virtqueue as drivers/virtio/virtio_ring.c
// had it from 3.8 to 4.x (virtqueue_add_buf, later virtqueue_add_sgs → virtqueue_add,
// and virtqueue_get_buf → detach_buf), for one command on one indirect descriptor
// (VIRTIO_RING_F_INDIRECT_DESC, which virtio-scsi negotiates: a command takes exactly
// one ring descriptor whatever its scatterlist).
//
// Two levels of detail, chosen by the configuration:
//
//   - Full (Config.KickFailure): num_free, the descriptor free list (free_head,
//     desc[].next) and the token table are modelled, so the ring can fill (-ENOSPC,
//     the busy path) and unlocked accesses to them can corrupt it. desc[head].addr
//     (what the device reads) and vq->data[head] (the driver's token) are one
//     location, desc_data: both are written together under vq_lock.
//   - Lean (otherwise): the ring holds every request, so virtqueue_add never fails
//     and no descriptor is reused while in flight; which descriptor a buffer gets is
//     then unobservable. The model drops num_free and the free list and lets the avail
//     and used ring entries carry the command itself.
//
// The accesses that cross between guest and device (desc_data, the avail and used
// rings and their indices) are modelled as marked (READ_ONCE/WRITE_ONCE) even where
// virtio_ring.c writes them as plain C: the other side is the device, not C code, and
// virtio_wmb()/virtio_rmb() are compiler barriers as well, so the compiler emits each
// of them once, as written. Plain accesses would let the Linux-kernel memory model
// call every guest–device exchange a data race and fail every variant for a reason
// that has nothing to do with steering. Driver-private fields (num_free, free_head,
// desc[].next) stay plain.
//
// In both, the avail and used rings are indexed by absolute position (one slot per
// request of the scenario) instead of modulo vring.num, equivalent while no more than
// vring.num buffers are in flight; vq->last_used_idx is private to the interrupt
// thread (its loop counter j); num_added and the kick (virtqueue_kick_prepare /
// virtqueue_notify) have no effect the guest can observe, since the device polls
// avail->idx.

// full reports whether the virtqueue internals are modelled.
func (b *builder) full() bool { return b.cfg.KickFailure }

// addBuf emits virtqueue_add (indirect path) for request req on queue q, called with
// the queue's vq_lock held. err must hold 0; it is set to 1 (-ENOSPC) when no
// descriptor is free. On success the request is marked enqueued.
func (b *builder) addBuf(t *model.Thread, q model.Expr, req int, err model.Reg) {
	if !b.full() {
		b.publish(t, q, req, model.Const(model.Value(req)))
		return
	}
	nf := t.Named("num_free").Site("virtqueue_add:READ(num_free)").Read(b.L.NumFree.Idx(q)) //     if (vq->vq.num_free < total_sg) {
	t.If(model.Lt(nf, 1), func() {
		t.Set(err, 1) //                                              return -ENOSPC;
	}, func() { //                                                }
		t.Site("virtqueue_add:WRITE(num_free)").Write(b.L.NumFree.Idx(q), model.Sub(nf, 1))               // vq->vq.num_free--;
		head := t.Named("head").Site("virtqueue_add:READ(free_head)").Read(b.L.FreeHead.Idx(q))           // head = vq->free_head;
		t.Site("virtqueue_add:desc").WriteOnce(b.desc(b.L.DescData, q, head), req)                        // vq->vring.desc[head].addr = virt_to_phys(cmd); vq->data[head] = data;
		next := t.Named("next").Site("virtqueue_add:READ(desc.next)").Read(b.desc(b.L.DescNext, q, head)) // vq->free_head = vq->vring.desc[head].next;
		t.Site("virtqueue_add:WRITE(free_head)").Write(b.L.FreeHead.Idx(q), next)                         //
		b.publish(t, q, req, head)
	})
}

// publish is the end of virtqueue_add: put head in the avail ring, then expose it.
func (b *builder) publish(t *model.Thread, q model.Expr, req int, head model.Expr) {
	avail := t.Named("avail").Site("virtqueue_add:READ(avail.idx)").Read(b.L.AvailIdx.Idx(q)) //  avail = vq->vring.avail->idx & (vq->vring.num - 1);
	t.Site("virtqueue_add:avail.ring").WriteOnce(b.slot(b.L.AvailRing, q, avail), head)       //  vq->vring.avail->ring[avail] = head;
	t.Site("virtqueue_add:virtio_wmb").SmpWmb()                                               //  virtio_wmb(vq->weak_barriers);
	t.Site("virtqueue_add:avail.idx").WriteOnce(b.L.AvailIdx.Idx(q), model.Add(avail, 1))     //  vq->vring.avail->idx++;
	t.Mark(MarkEnqueue, req, q)                                                               //  (the buffer is now visible to the device)
}

// getBuf emits virtqueue_get_buf for the j-th used buffer of queue q (the interrupt
// thread has already seen more_used()), including detach_buf, and returns the
// register holding the token: the request id, or -1 for a NULL token.
func (b *builder) getBuf(t *model.Thread, q, j int) model.Reg {
	t.Site("virtqueue_get_buf:virtio_rmb").SmpRmb()                                              // virtio_rmb(vq->weak_barriers);
	id := t.Named("id").Site("virtqueue_get_buf:used.ring").ReadOnce(b.slot(b.L.UsedRing, q, j)) // i = vq->vring.used->ring[last_used].id;
	if !b.full() {
		return id //                                          (lean: the entry is the token; return ret;)
	}
	ret := t.Named("ret").Site("virtqueue_get_buf:READ(data)").Read(b.desc(b.L.DescData, q, id)) // ret = vq->data[i];
	// detach_buf(vq, i):
	t.Site("detach_buf:desc").WriteOnce(b.desc(b.L.DescData, q, id), -1)                   //   vq->data[head] = NULL;
	fh := t.Named("free_head").Site("detach_buf:READ(free_head)").Read(b.L.FreeHead.At(q)) //   vq->vring.desc[i].next = vq->free_head;
	t.Site("detach_buf:WRITE(desc.next)").Write(b.desc(b.L.DescNext, q, id), fh)           //
	t.Site("detach_buf:WRITE(free_head)").Write(b.L.FreeHead.At(q), id)                    //   vq->free_head = head;
	nf := t.Named("num_free").Site("detach_buf:READ(num_free)").Read(b.L.NumFree.At(q))    //   vq->vq.num_free++;
	t.Site("detach_buf:WRITE(num_free)").Write(b.L.NumFree.At(q), model.Add(nf, 1))        //
	return ret                                                                             // vq->last_used_idx++; return ret;
}

// deviceThreads creates the device side of every request virtqueue: it consumes the
// ring in order, one buffer at a time, and marks each used (QEMU's virtqueue_pop and
// virtqueue_push, reduced to the accesses the guest can observe).
func (b *builder) deviceThreads() {
	for q := 0; q < b.cfg.Queues; q++ {
		t := b.p.Thread(deviceName(q), RoleDevice.String())
		info := ThreadInfo{Role: RoleDevice, Index: q}
		for i := 0; i < b.L.Slots; i++ {
			idle := len(t.Code)
			// while (vring_avail_idx(vq) == vq->last_avail_idx) wait for a kick
			t.Await(func() model.Expr {
				idx := t.Named("avail_idx").Site("device:READ_ONCE(avail.idx)").ReadOnce(b.L.AvailIdx.At(q))
				return model.Gt(idx, i)
			})
			t.Code[idle].Idle = true
			t.Site("device:smp_rmb").SmpRmb()                                                       // smp_rmb(): read the ring after avail->idx
			head := t.Named("head").Site("device:avail.ring").ReadOnce(b.slot(b.L.AvailRing, q, i)) // head = avail->ring[last_avail_idx++ % num]
			req := head
			if b.full() {
				req = t.Named("req").Site("device:desc").ReadOnce(b.desc(b.L.DescData, q, head)) // read desc[head]: the command
			}
			t.Mark(MarkConsume, req, q)                                             // the request reaches the target
			t.Site("device:used.ring").WriteOnce(b.slot(b.L.UsedRing, q, i), head)  // used->ring[idx % num].id = head
			t.Site("device:smp_wmb").SmpWmb()                                       // smp_wmb() before publishing used->idx
			t.Site("device:WRITE_ONCE(used.idx)").WriteOnce(b.L.UsedIdx.At(q), i+1) // used->idx++; then the interrupt
		}
		b.sc.Threads = append(b.sc.Threads, info)
	}
}
