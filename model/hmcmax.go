package model

// hmcmax.go: the condition under which ExploreHMC performs a revisit, TruSt's
// maximality (Kokologiannakis et al., POPL 2022) restated for holes. ExploreHMC visits
// each graph once by memory (hmc.go); this condition is what keeps it from building
// the same graph along many paths. It may only refuse revisits whose graphs are built
// along another path: the tests compare ExploreHMC with and without it, with the
// candidate enumerator and with herd7 (hmc_external_test.go, the litmus corpora).
//
// A revisit of the read r by the write a deletes the events added after r that a's
// prefix does not keep. TruSt performs it only if r and every deleted event were added
// maximally: each reads from, or is, the coherence-latest write among the writes that
// stay and those added before it. Then the revisit's graph, extended by taking the
// latest choice at every step, gives back the graph being revisited, and every other
// path to the revisit's graph is refused. Three things change with holes:
//
//   - The events exempt from the check are those in a's po ∪ rf prefix, as in TruSt,
//     although the revisit keeps only a's smaller prefix (hmc.go's prefix). The events
//     between the two are deleted and come back when their holes are refilled; judged
//     as deleted events, they refuse revisits that no other path makes (random program
//     635 of the tests: a write in a critical section that a lock hand-over places
//     before another thread's write).
//   - Maximal is judged from the stamps when the revisit is tried, not from a mark
//     made when the event was added (Event.AddedMax, which Explore uses): the writes
//     that count are those that stay and those added before the event, deleted or
//     not. A mark made when the event was added does not know the events that a later
//     revisit keeps after its hole.
//   - A write that the events kept after the event in its thread forbid it (by
//     coherence) to read, or to be placed after, does not count: re-added into its
//     hole, the event cannot take it either (random programs 1340 and 2326 lose
//     graphs without this).
//
// What TruSt adds: the events of the revisiting write's prefix are marked not
// revisitable (Event.Revisitable), and a revisit is refused that would revisit or
// delete one of them, as Explore does (revisit.go). Under sc and tso the marks are
// a's po ∪ rf prefix, as in TruSt. Without them, ExploreHMC under sc built v2-2012's
// 4,794 graphs at three CPUs along about twelve paths each (10,176 complete graphs
// reached again in its first 200,000 steps, thrown away by memory) and did not finish
// in 500,000 steps; with them, it finishes in 342,558 steps with no graph reached
// twice. Under a local order two things change (hmcprefix.go has the first):
//
//   - The marks are a's dependency prefix, not the larger prefix the revisit keeps,
//     and neither counts the barrier of a cmpxchg that a revisit may make fail.
//     Marking the prefix the revisit keeps, with those barriers counted, loses
//     graphs of random program 337 of the tests and of generated tests G00211,
//     G01713 and R00051 of the corpus; leaving the barriers out saves the three
//     tests, and marking only the dependency prefix saves 337 (a read that a follows
//     by an xchg's barrier must be revisited after the xchg has revisited another
//     read), but without the first G01713 still loses graphs.
//   - A mark is lifted for the writes that depend on the read whose revisit made it
//     (markLifted, Event.markedAt), by any dependency of their thread, preserved by
//     the model or not. TruSt's argument that a marked event never needs another
//     revisit assumes that a write added after the revisit that depends on its read
//     is ordered after it, and so cannot revisit the marked prefix without a cycle.
//     Under lkmm a control dependency to a read is not preserved: a write that
//     exists only on the branch the new value takes (after a read it depends on by
//     data) is not ordered after the revisited read, and the graph in which it
//     revisits a marked read is reached no other way (random program 1340).
//
// With the marks, the first 150 seeds of the tests' random programs (9 to 12
// accesses) and plain-dependency programs, run with the memory of ExploreHMC turned
// off, reach a complete graph a second time 667 times under lkmm and 778 under armv8,
// against 32,008 and 35,839 without the marks under lkmm and armv8. The memory stays,
// and throws those second paths away.

// hmcNoMaximality, set only by tests (export_test.go), turns the condition off.
var hmcNoMaximality bool

// maximalRevisit reports whether the revisit of r by a, with a's prefix pre and its
// po ∪ rf prefix porf (porfSet), is performed (see the file comment).
func (h *hmc) maximalRevisit(g *ExecutionGraph, r, a EventRef, pre, porf []DepSet) bool {
	rs := g.Event(r).Stamp
	kept := func(w EventRef) bool {
		if !w.IsThreadEvent() {
			return true
		}
		return pre[w.Thread].Has(int(w.Index)) || porf[w.Thread].Has(int(w.Index)) || g.Event(w).Stamp < rs
	}
	if !addedMaximally(g, r, a, kept) {
		return false
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := EventRef{int32(t), int32(i)}
			if isHole(g.Event(e)) || e == r || kept(e) {
				continue
			}
			if !addedMaximally(g, e, a, kept) {
				return false
			}
		}
	}
	return true
}

// addedMaximally reports whether e reads from, or is, the coherence-latest write it
// could read or follow among those kept and those added before it, a excepted.
func addedMaximally(g *ExecutionGraph, e, a EventRef, kept func(EventRef) bool) bool {
	ev := g.Event(e)
	if !ev.Revisitable && (ev.Kind == KindRead || ev.Kind == KindWrite) && !markLifted(g, a, ev.markedAt) {
		return false // marked by an earlier revisit (see the file comment)
	}
	var w EventRef
	switch ev.Kind {
	case KindRead:
		w = ev.RF
	case KindWrite:
		w = e
	default:
		return true
	}
	co := g.Co[ev.Loc]
	for _, s := range co[g.CoIndex(w)+1:] {
		if s == a || !kept(s) && g.Event(s).Stamp > ev.Stamp {
			continue
		}
		if !outOfReach(g, e, s, kept) {
			return false
		}
	}
	return true
}

// outOfReach reports whether coherence with the kept events after e in its thread
// forbids e to read s (e a read) or to be placed after s (e a write).
func outOfReach(g *ExecutionGraph, e, s EventRef, kept func(EventRef) bool) bool {
	ev := g.Event(e)
	evs := g.Threads[e.Thread].Events
	cs := g.CoIndex(s)
	for j := int(e.Index) + 1; j < len(evs); j++ {
		x := &evs[j]
		xr := EventRef{e.Thread, int32(j)}
		if isHole(x) || x.Loc != ev.Loc || !kept(xr) {
			continue
		}
		switch x.Kind {
		case KindWrite:
			// e comes before x in coherence (a write) or reads before it (a read).
			if g.CoIndex(xr) <= cs {
				return true
			}
		case KindRead:
			// A write e comes before what x reads; a read e reads it or before it.
			c := g.CoIndex(x.RF)
			if ev.Kind == KindWrite && c <= cs || ev.Kind == KindRead && c < cs {
				return true
			}
		}
	}
	return false
}

// porfSet is a's po ∪ rf prefix, per thread.
func porfSet(g *ExecutionGraph, a EventRef) []DepSet {
	pre := make([]DepSet, len(g.Threads))
	stack := []EventRef{a}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !c.IsThreadEvent() || pre[c.Thread].Has(int(c.Index)) {
			continue
		}
		for j := int32(0); j <= c.Index; j++ {
			if pre[c.Thread].Has(int(j)) {
				continue
			}
			pre[c.Thread].Add(int(j))
			if e := &g.Threads[c.Thread].Events[j]; e.Kind == KindRead {
				stack = append(stack, e.RF)
			}
		}
	}
	return pre
}

// markLifted reports whether the write a may revisit, or delete, an event marked by
// the revisit that gave a read the stamp at: whether a depends on that read by any
// dependency of its thread (CtrlAll, which outlives the join, included), whether the
// model preserves it or not (see the file comment).
func markLifted(g *ExecutionGraph, a EventRef, at int32) bool {
	evs := g.Threads[a.Thread].Events
	for i := int32(0); i < a.Index; i++ {
		if e := &evs[i]; e.Kind == KindRead && !isHole(e) && e.Stamp == at {
			return dependencies(evs, a.Index).Has(int(i))
		}
	}
	return false
}
