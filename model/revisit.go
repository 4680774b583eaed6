package model

// backwardRevisits tries, for the write a just added (coherence-latest, or in its RMW
// position), every earlier read of the same location that a may be read by: the read
// is made to read from a and every event added after the read that is not in a's
// po∪rf prefix is deleted. The revisit is done only when the deleted events and the
// read were all added maximally (the TruSt condition), so that each graph is produced
// by exactly one sequence of steps.
func (x *explorer) backwardRevisits(g *ExecutionGraph, a EventRef, depth int) {
	wa := g.Event(a)
	loc := wa.Loc
	prefix := x.porfPrefix(g, a, x.scratch(depth, 0, len(g.Threads)))
	keep := x.scratch(depth, 1, len(g.Threads))
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := int32(len(evs)) - 1; i >= prefix[t]; i-- {
			if x.stopped {
				return
			}
			r := &evs[i]
			if r.Kind != KindRead || r.Loc != loc || !r.Revisitable || r.RF.IsSpeculated() {
				continue
			}
			rref := EventRef{int32(t), i}
			// Kept: everything added up to r, and a's prefix.
			for u := range g.Threads {
				k := prefix[u]
				ue := g.Threads[u].Events
				for j := k; j < int32(len(ue)) && ue[j].Stamp <= r.Stamp; j++ {
					k = j + 1
				}
				keep[u] = k
			}
			if selfTestMutation != mutNoMaximal && !x.maximalRevisit(g, rref, a, keep) {
				continue
			}
			x.revisit(g, rref, a, keep, prefix, depth)
		}
	}
}

// scratch returns a zeroed buffer of n int32, slot k of revisit depth d.
func (x *explorer) scratch(d, k, n int) []int32 {
	for len(x.bufs) <= 2*d+k {
		x.bufs = append(x.bufs, nil)
	}
	b := x.bufs[2*d+k]
	if cap(b) < n {
		b = make([]int32, n)
	}
	b = b[:n]
	for i := range b {
		b[i] = 0
	}
	x.bufs[2*d+k] = b
	return b
}

// porfPrefix computes into pre, per thread, how many of its first events are in the
// po∪rf prefix of e (e included).
func (x *explorer) porfPrefix(g *ExecutionGraph, e EventRef, pre []int32) []int32 {
	stack := append(x.stack[:0], e)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.IsInit() || c.Index < pre[c.Thread] {
			continue
		}
		from := pre[c.Thread]
		pre[c.Thread] = c.Index + 1
		evs := g.Threads[c.Thread].Events
		for j := from; j <= c.Index; j++ {
			if evs[j].Kind == KindRead && evs[j].RF.IsThreadEvent() {
				stack = append(stack, evs[j].RF)
			}
		}
	}
	x.stack = stack[:0]
	return pre
}

// maximalRevisit is the condition under which a revisiting r by a is performed: the
// read and every deleted event must have been added maximally, and none of them may be
// coherence-before a write that stays.
func (x *explorer) maximalRevisit(g *ExecutionGraph, r, a EventRef, keep []int32) bool {
	if !x.maximallyAdded(g, r, a, keep) {
		return false
	}
	for t := range g.Threads {
		for i := keep[t]; i < int32(len(g.Threads[t].Events)); i++ {
			if !x.maximallyAdded(g, EventRef{int32(t), i}, a, keep) {
				return false
			}
		}
	}
	return true
}

func (x *explorer) maximallyAdded(g *ExecutionGraph, e, a EventRef, keep []int32) bool {
	ev := g.Event(e)
	if !ev.Revisitable {
		return false
	}
	var w EventRef
	switch ev.Kind {
	case KindRead:
		if ev.RF.IsSpeculated() {
			return ev.AddedMax // it took the first value of its domain
		}
		w = ev.RF
	case KindWrite:
		w = e
	default:
		return true
	}
	if !ev.AddedMax {
		return false
	}
	co := g.Co[ev.Loc]
	for _, s := range co[g.CoIndex(w)+1:] {
		if ev.Kind == KindRead && x.spec != nil && x.spec.exit != nil && forbidden(g, int(e.Thread), s) {
			continue // a write it may not read (exitcut.go)
		}
		if s != a && s.Index < keep[s.Thread] {
			return false
		}
	}
	return true
}

// revisit builds the revisited graph one level deeper in the pool and explores it with
// a in every coherence position among the writes that stay.
func (x *explorer) revisit(g *ExecutionGraph, r, a EventRef, keep, prefix []int32, depth int) {
	x.stats.Revisits++
	for len(x.pool) <= depth+1 {
		x.pool = append(x.pool, &ExecutionGraph{})
	}
	g2 := x.pool[depth+1]
	g2.copyFrom(g)
	for t := range g2.Threads {
		for i := int32(0); i < prefix[t]; i++ {
			g2.Threads[t].Events[i].Revisitable = false
		}
	}
	rd := &g2.Threads[r.Thread].Events[r.Index]
	rd.RF = a
	rd.Val = g2.Event(a).Val
	// Cut after r in its own thread too (keep already says so), then re-run the threads.
	g2.Threads[r.Thread].Events = g2.Threads[r.Thread].Events[:r.Index+1]
	g2.truncate(keep)
	g2.replay(int(r.Thread))
	wa := g2.Event(a)
	loc := wa.Loc
	if wa.Ann&AnnRMW != 0 && !g2.Event(EventRef{a.Thread, a.Index - 1}).RF.IsSpeculated() {
		rd.AddedMax = x.readsLatest(g2, int(r.Thread), loc, g2.CoIndex(a))
		if x.consistent(g2) {
			x.explore(g2, depth+1)
		}
		return
	}
	g2.removeCo(loc, a)
	n := len(g2.Co[loc])
	for pos := n; pos >= 0 && !x.stopped; pos-- {
		co := append(g2.Co[loc], EventRef{})
		copy(co[pos+1:], co[pos:])
		co[pos] = a
		g2.Co[loc] = co
		rd = &g2.Threads[r.Thread].Events[r.Index]
		rd.AddedMax = x.readsLatest(g2, int(r.Thread), loc, pos)
		if x.consistent(g2) {
			x.explore(g2, depth+1)
		}
		// Restore the same storage for the next position: explore leaves g2 as it found it.
		g2.removeCo(loc, a)
	}
}

// readsLatest reports whether the write at coherence position pos of loc is the latest
// a read of thread t may read: the coherence-latest, or in exit and mixed modes one
// after which come only writes the read may not read (exitcut.go). A read revisited
// to read it is then added maximally, as addRead's first choice is: with a position
// below another thread's open write counted as not maximal, the revisits that must
// delete the read later were refused, and graphs were lost.
func (x *explorer) readsLatest(g *ExecutionGraph, t int, loc LocID, pos int) bool {
	co := g.Co[loc]
	if x.spec == nil || x.spec.exit == nil {
		return pos == len(co)-1
	}
	for _, w := range co[pos+1:] {
		if !forbidden(g, t, w) {
			return false
		}
	}
	return true
}
