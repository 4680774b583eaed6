package properties

import (
	"fmt"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// This file holds the two properties judged on the order of the execution (order.go):
// P1 fifo-per-target and P2 one-queue. Requests whose queue blk-mq picked
// (virtscsi_pick_vq_mq, steering.SteerBlkMQ) are not judged: blk-mq maps CPUs, not
// targets, and makes no per-target promise.

// fifo checks P1 fifo-per-target in its direct form: for requests A and B of one
// target that were both consumed, a violation is an execution some linearization of
// which puts A's return from queuecommand before B's start and B's consumption before
// A's. canOrder decides that by adding the two edges to the closure and looking for a
// cycle.
func (c *Checker) fifo() (string, []model.EventRef) {
	f := &c.f
	for a := range f.reqs {
		A := &f.reqs[a]
		if !has(A.submitted) || A.nConsume == 0 || A.reqsSeen == steering.SteerBlkMQ {
			continue
		}
		for b := range f.reqs {
			B := &f.reqs[b]
			if a == b || c.target(a) != c.target(b) || !has(B.submit) || B.nConsume == 0 || B.reqsSeen == steering.SteerBlkMQ {
				continue
			}
			if !c.o.canOrder(A.submitted, B.submit, B.consume[0], A.consume[0]) {
				continue
			}
			return fmt.Sprintf("target %d: %s returned from queuecommand before %s was submitted, "+
					"yet the device consumed r%d (queue %d) before r%d (queue %d)",
					c.target(a), c.rq(a), c.rq(b), b, B.consumeQ, a, A.consumeQ),
				[]model.EventRef{A.submitted, B.submit, B.consume[0], A.consume[0]}
		}
	}
	return "", nil
}

// oneQueue checks P2 one-queue / no stale req_vq.
//
// A request is outstanding on its queue from its steering point (the steer marker:
// its queue is chosen) to the decrement of reqs that retires it; a missing decrement
// counts as never. Starting at the steering point rather than at the increment
// matters for v3.19-seqcount, where a writer is counted before it has chosen: a
// request counted but not yet steered sits on no queue, and a concurrent reader may
// legitimately go to the old queue and even complete before the writer chooses.
//
// Two requests of a target enqueued on different queues break P2 when their
// outstanding intervals can overlap: some linearization puts each steering point
// before the other's decrement. A submitter whose steering test found the target busy
// (reqs seen > 1) breaks it when it picked a queue other than that of a request that
// can be outstanding at its steering point.
func (c *Checker) oneQueue() (string, []model.EventRef) {
	f := &c.f
	for a := range f.reqs {
		A := &f.reqs[a]
		if !has(A.enqueue) || !has(A.steer) || A.reqsSeen == steering.SteerBlkMQ {
			continue
		}
		for b := a + 1; b < len(f.reqs); b++ {
			B := &f.reqs[b]
			if c.target(a) != c.target(b) || !has(B.enqueue) || !has(B.steer) || B.reqsSeen == steering.SteerBlkMQ || A.enqQ == B.enqQ {
				continue
			}
			if c.o.canOrder(A.steer, B.dec, B.steer, A.dec) {
				return fmt.Sprintf("target %d on two queues at once: %s outstanding on queue %d while %s is outstanding on queue %d",
					c.target(a), c.rq(a), A.enqQ, c.rq(b), B.enqQ), []model.EventRef{A.steer, A.enqueue, B.steer, B.enqueue}
			}
		}
	}
	for b := range f.reqs {
		B := &f.reqs[b]
		if !has(B.steer) || B.reqsSeen <= 1 {
			continue
		}
		for a := range f.reqs {
			A := &f.reqs[a]
			if a == b || c.target(a) != c.target(b) || !has(A.enqueue) || !has(A.steer) || A.reqsSeen == steering.SteerBlkMQ || A.enqQ == B.steerQ {
				continue
			}
			if c.o.canOrder(A.steer, B.steer, B.steer, A.dec) {
				return fmt.Sprintf("stale req_vq: %s found target %d busy (reqs=%d) and picked queue %d, but %s was outstanding on queue %d",
					c.rq(b), c.target(b), B.reqsSeen, B.steerQ, c.rq(a), A.enqQ), []model.EventRef{A.steer, A.enqueue, B.steer}
			}
		}
	}
	return "", nil
}
