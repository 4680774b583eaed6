package model

// hmcprefix.go: the prefix of a revisiting write under ExploreHMC (hmc.go), the events
// a revisit keeps besides those added before the revisited read, and the smaller set
// it marks as never to be revisited or deleted again (hmcmax.go).
//
// The prefix of a write a is its closure under reads-from and, inside a thread, from a
// write to the reads before it that the model's local order puts before it, with the
// fences and markers before each event kept. Without a local order (sc, tso) it is the
// po ∪ rf prefix. Two things make it smaller than the local order of the graph at
// hand would:
//
//   - The order is taken with every conditional RMW (cmpxchg, add_unless, trylock)
//     that succeeded ordering nothing, as a failed one does (stripConditional). A
//     successful cmpxchg is a full barrier, but a revisit may make it fail, and then
//     what it ordered is not ordered (generated tests G01713, G00211 and R00051 of
//     the corpus lose executions herd7 allows without this, once the marks below are
//     made).
//   - The marks are only the dependency prefix (prefix with deps): from a write to
//     the reads it depends on (Addr, Data, Ctrl or CtrlAll, through other reads of
//     its thread) and that the local order puts before it. A read the write follows
//     only by a fence or an annotation is kept but not marked: a later revisit that
//     deletes it may be the only way to a graph (random program 337 of the tests,
//     where a read ordered by an xchg's barrier must be revisited after the xchg
//     has revisited another read). GenMC's dependency-tracking prefix is of the
//     same kind.

// localOrder is the model's local order on a graph with its conditional RMWs stripped,
// computed once per revisiting write and only for the threads that need it: both of
// that write's prefixes (the kept one and the marked one) read it.
type localOrder struct {
	lo        LocalOrder
	g         *ExecutionGraph
	stripped  *ExecutionGraph // g with its conditional RMWs stripped, once needed
	unordered [][][2]int32    // per thread, the read-write pairs the order leaves unordered
	done      []bool          // per thread, whether unordered is computed
}

func newLocalOrder(lo LocalOrder, g *ExecutionGraph) *localOrder {
	return &localOrder{lo: lo, g: g, unordered: make([][][2]int32, len(g.Threads)), done: make([]bool, len(g.Threads))}
}

// ordered reports whether the local order puts thread t's read j before its write c.
func (o *localOrder) ordered(t int, j, c int32) bool {
	if !o.done[t] {
		if o.stripped == nil {
			o.stripped = stripConditional(o.g)
		}
		if all, ok := o.lo.(LocalOrderAll); ok {
			o.unordered = all.UnorderedReadWritesAll(o.stripped)
			for u := range o.done {
				o.done[u] = true
			}
		} else {
			o.unordered[t], o.done[t] = o.lo.UnorderedReadWrites(o.stripped, t), true
		}
	}
	return !hasPair(o.unordered[t], j, c)
}

// prefix is a's prefix in g, per thread (see the file comment); with deps, the
// dependency prefix, which the revisit marks. ord is nil when the model has no local
// order (sc, tso).
func prefix(g *ExecutionGraph, a EventRef, ord *localOrder, deps bool) []DepSet {
	pre := make([]DepSet, len(g.Threads))
	stack := []EventRef{a}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !c.IsThreadEvent() || pre[c.Thread].Has(int(c.Index)) {
			continue
		}
		pre[c.Thread].Add(int(c.Index))
		evs := g.Threads[c.Thread].Events
		e := &evs[c.Index]
		if e.Kind == KindRead {
			stack = append(stack, e.RF)
		}
		if e.Kind != KindWrite && ord != nil {
			// A kept read or fence keeps no read before it, only fences and markers.
			keepMarks(evs, c, &stack)
			continue
		}
		if e.Kind == KindWrite && e.Ann&AnnRMW != 0 && c.Index > 0 && evs[c.Index-1].Ann&AnnRMW != 0 {
			stack = append(stack, EventRef{c.Thread, c.Index - 1})
		}
		var dep DepSet // with deps: the reads of the thread that c depends on
		if deps && ord != nil && e.Kind == KindWrite {
			dep = dependencies(evs, c.Index)
		}
		for j := int32(0); j < c.Index; j++ {
			p := &evs[j]
			if isHole(p) {
				continue
			}
			if ord == nil || p.Kind == KindFence || p.Kind == KindMarker {
				stack = append(stack, EventRef{c.Thread, j})
				continue
			}
			if p.Kind != KindRead || e.Kind != KindWrite || deps && !dep.Has(int(j)) {
				continue
			}
			if ord.ordered(int(c.Thread), j, c.Index) {
				stack = append(stack, EventRef{c.Thread, j})
			}
		}
	}
	return pre
}

// keepMarks pushes the fences and markers before event c of its thread.
func keepMarks(evs []Event, c EventRef, stack *[]EventRef) {
	for j := int32(0); j < c.Index; j++ {
		if k := evs[j].Kind; (k == KindFence || k == KindMarker) && !isHole(&evs[j]) {
			*stack = append(*stack, EventRef{c.Thread, j})
		}
	}
}

func hasPair(pairs [][2]int32, i, j int32) bool {
	for _, p := range pairs {
		if p[0] == i && p[1] == j {
			return true
		}
	}
	return false
}

// stripConditional is g, or a copy of g in which the conditional RMWs that succeeded
// (cmpxchg, add_unless, trylock: the RMWs whose write depends on the value read) have
// no barrier or acquire and release annotations, as a failed one has none
// (interp.go).
func stripConditional(g *ExecutionGraph) *ExecutionGraph {
	var g2 *ExecutionGraph
	for t := range g.Threads {
		code := g.Prog.Threads[t].Code
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if (e.Kind != KindRead && e.Kind != KindWrite) || e.Ann&AnnRMW == 0 || e.Ann&(AnnMb|AnnAcquire|AnnRelease) == 0 {
				continue
			}
			if in := &code[e.PC]; in.Op != OpTrylock && (in.Op != OpRMW || in.RMW != RMWCmpxchg && in.RMW != RMWAddUnless) {
				continue
			}
			if g2 == nil {
				g2 = g.Clone()
			}
			x := &g2.Threads[t].Events[i]
			x.Ann &^= AnnMb | AnnAcquire | AnnRelease
		}
	}
	if g2 == nil {
		return g
	}
	return g2
}

// dependencies is the set of events of a thread that its event c depends on, directly
// or through other events of the thread, by any dependency (Addr, Data, Ctrl,
// CtrlAll). A dependency points to an earlier event, so one pass down from c closes
// the set.
func dependencies(evs []Event, c int32) DepSet {
	var d DepSet
	addDeps(&d, &evs[c])
	for i := c - 1; i >= 0; i-- {
		if d.Has(int(i)) {
			addDeps(&d, &evs[i])
		}
	}
	return d
}

func addDeps(d *DepSet, e *Event) {
	d.Union(e.Addr)
	d.Union(e.Data)
	d.Union(e.Ctrl)
	d.Union(e.CtrlAll)
}
