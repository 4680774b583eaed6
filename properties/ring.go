package properties

import (
	"fmt"

	"github.com/steercheck/steercheck/model"
)

// This file holds the second half of P3 accounting: the descriptor accounting of each
// request virtqueue, the state vq_lock guards (steering/virtqueue.go). virtqueue_add
// takes a descriptor off the free list (free_head, desc[].next) and decrements
// num_free; detach_buf, called by virtqueue_get_buf in completion, puts it back and
// increments num_free. When the two run at once (no-vq-lock-completion) an update is
// lost: a descriptor leaves the free list for good (the ring shrinks until every
// submission fails with -ENOSPC), or num_free counts one that is in use, or the free
// list holds a descriptor in use, which the next virtqueue_add hands out a second
// time (P4 sees what that does to the requests when the execution goes that far).

// ringAccounting checks, in a final state where every thread is done or idle, that for
// every virtqueue: num_free equals the number of descriptors holding no command
// (vq->data[i] == NULL), and following free_head through desc[].next num_free times
// visits each of those descriptors once and no descriptor in use.
func (c *Checker) ringAccounting(g *model.ExecutionGraph) (string, []model.EventRef) {
	L := c.sc.Layout
	if L.NumFree.Len == 0 || L.Ring == 0 {
		return "", nil
	}
	for t := range g.Threads {
		if st := g.Status(t); st != model.Done && !(st == model.Blocked && c.sc.Idle(g, t)) {
			return "", nil // not quiescent: P5/P6 report the thread
		}
	}
	final := func(a model.Array, i int) model.Value { return g.FinalValue(a.Base + model.LocID(i)) }
	last := func(a model.Array, i int) []model.EventRef {
		if w := g.CoMax(a.Base + model.LocID(i)); !w.IsInit() {
			return []model.EventRef{w}
		}
		return nil
	}
	if cap(c.seen) < L.Ring {
		c.seen = make([]bool, L.Ring)
	}
	seen := c.seen[:L.Ring]
	for q := 0; q < L.NumFree.Len; q++ {
		free := c.freeDescriptors(g, q)
		nf := final(L.NumFree, q)
		if nf != model.Value(free) {
			why := "a descriptor left the free list for good: the ring has shrunk, and once it is empty every submission fails with -ENOSPC"
			if nf > model.Value(free) {
				why = "num_free counts more free descriptors than there are: a later virtqueue_add takes one that is in use, or one past vring.num"
			}
			return fmt.Sprintf("vq%d.num_free = %d in the final state, but %d of its %d descriptors are free (%s)", q, nf, free, L.Ring, why),
				last(L.NumFree, q)
		}
		if L.FreeHead.Len == 0 {
			continue // each request has a descriptor of its own: no free list
		}
		for d := range seen {
			seen[d] = false
		}
		h := final(L.FreeHead, q)
		for i := 0; i < free; i++ {
			switch {
			case h < 0 || int(h) >= L.Ring:
				return fmt.Sprintf("vq%d's free list leads to descriptor %d, which does not exist", q, h), last(L.FreeHead, q)
			case final(L.Data, q*L.Ring+int(h)) >= 0:
				return fmt.Sprintf("vq%d's free list holds descriptor %d, which is in use (request r%d): the next virtqueue_add hands it out a second time",
					q, h, final(L.Data, q*L.Ring+int(h))), last(L.FreeHead, q)
			case seen[h]:
				return fmt.Sprintf("vq%d's free list loops back to descriptor %d after %d of its %d free descriptors: the others are lost", q, h, i, free),
					last(L.FreeHead, q)
			}
			seen[h] = true
			h = final(L.DescNext, q*L.Ring+int(h))
		}
	}
	return "", nil
}

// freeDescriptors is the number of queue q's descriptors that hold no command in g's
// final state: those whose token vq->data[i] is NULL when descriptors are reused,
// otherwise (a descriptor per request) the ring minus the requests added to q and not
// yet detached by completion.
func (c *Checker) freeDescriptors(g *model.ExecutionGraph, q int) int {
	L := c.sc.Layout
	free := 0
	if L.Data.Len > 0 {
		for d := 0; d < L.Ring; d++ {
			if g.FinalValue(L.Data.Base+model.LocID(q*L.Ring+d)) < 0 {
				free++
			}
		}
		return free
	}
	free = L.Ring
	for id := range c.f.reqs {
		r := &c.f.reqs[id]
		if has(r.enqueue) && r.enqQ == int64(q) {
			free--
		}
		if r.nComplete > 0 && r.completeQ == int64(q) {
			free++
		}
	}
	return free
}
