package model

// complete.go: complete graphs: threads blocked in a spin-wait, spurious and genuine,
// and the visit of a complete, consistent graph.

// blockedOnStale reports (and counts) a thread that just blocked in a spin-wait whose
// final iteration read a value that is no longer the coherence-latest. Such a graph can
// only end as a spurious block: the stale read was not added maximally, so no later
// revisit may change it or delete it, and every graph below this one keeps it. The
// branch is cut here instead of at its end. In exit and mixed modes a read of the
// latest write it may read, below another thread's open write, was added maximally
// (exitcut.go): a revisit may still delete it, so it is not stale here (the complete
// graph judges the block, finish).
func (x *explorer) blockedOnStale(g *ExecutionGraph, t int) bool {
	st := &g.Threads[t].State
	if !st.rmwPending {
		x.prog.Threads[t].next(st, &g.settle)
	}
	if st.Status != Blocked || g.waitsForever(t) || x.waitsOnLatestReadable(g, t) {
		return false
	}
	x.stats.SpuriousBlocked++
	return true
}

// waitsOnLatestReadable reports, in exit and mixed modes only, whether every read of
// thread t's final spin-wait iteration read the latest write it may read (readsLatest).
func (x *explorer) waitsOnLatestReadable(g *ExecutionGraph, t int) bool {
	if x.spec == nil || x.spec.exit == nil {
		return false
	}
	th := &g.Threads[t]
	for i := th.State.AwaitStart; i < int32(len(th.Events)); i++ {
		e := &th.Events[i]
		if e.Kind == KindRead && !e.RF.IsSpeculated() && !x.readsLatest(g, t, e.Loc, g.CoIndex(e.RF)) {
			return false
		}
	}
	return true
}

// complete handles a graph in which no thread can move.
func (x *explorer) complete(g *ExecutionGraph) {
	if x.level > 0 && !x.ownsShallow() {
		return
	}
	if x.spec != nil {
		x.resolve(g)
		return
	}
	x.finish(g)
}

// finish counts a complete, consistent graph and hands it to the visitor unless a
// thread ran out of its loop bound or blocked spuriously.
func (x *explorer) finish(g *ExecutionGraph) {
	if x.symmetry && x.prog.Mirrored(g) {
		x.stats.Mirrored++ // a leaf: skipping it skips nothing else
		return
	}
	blocked := false
	for t := range g.Threads {
		switch g.Threads[t].State.Status {
		case OutOfBound:
			x.stats.OutOfBound++
			return
		case Blocked:
			if !x.genuinelyBlocked(g, t) {
				x.stats.SpuriousBlocked++
				return
			}
			blocked = true
		}
	}
	if x.sample != nil {
		x.sample.executions += x.sample.weight
		return
	}
	x.stats.Executions++
	if blocked {
		x.stats.Blocked++
	}
	if !x.visit(g) {
		x.stopped, x.reason = true, VisitorStopped
		return
	}
	if x.opts.MaxExecutions > 0 && x.stats.Executions >= x.opts.MaxExecutions {
		x.stopped, x.reason = true, MaxExecutions
	}
}

// genuinelyBlocked reports whether thread t waits forever: every read of its final
// spin-wait iteration read the coherence-latest value, so re-reading cannot help.
func (x *explorer) genuinelyBlocked(g *ExecutionGraph, t int) bool { return g.waitsForever(t) }

// waitsForever is genuinelyBlocked. A speculated read counts as reading the latest
// value until its write is chosen (speculate.go checks the complete graph again).
func (g *ExecutionGraph) waitsForever(t int) bool {
	th := &g.Threads[t]
	for i := th.State.AwaitStart; i < int32(len(th.Events)); i++ {
		e := &th.Events[i]
		if e.Kind == KindRead && !e.RF.IsSpeculated() && e.RF != g.CoMax(e.Loc) {
			return false
		}
	}
	return true
}
