package model

// coherence.go: what the explorer checks when it adds an event: the coherence floor
// below which a new read or write may not go, and the memory model's consistency
// (whole, or incremental after one event), with RMW atomicity.

// PorfCoherent is implemented by memory models in which no read reads from, and no
// write is placed coherence-before, a write that is coherence-before something its
// po ∪ rf prefix wrote or read: SC is one. The explorer then skips those choices
// without asking the model.
type PorfCoherent interface{ PorfCoherent() bool }

// coherenceFloor is the lowest coherence position (-1: the initial write) the next
// event of thread t may read from at location l: the latest write to l that the po∪rf
// prefix of the thread's last event (under PorfCoherent models) or the thread itself
// (under every model) wrote or read.
func (x *explorer) coherenceFloor(g *ExecutionGraph, t int, l LocID) int {
	if len(g.Threads[t].Events) == 0 {
		return -1
	}
	if !x.porfCoherent {
		return poLocFloor(g, t, l)
	}
	if cap(x.pre) < len(g.Threads) {
		x.pre = make([]int32, len(g.Threads))
	}
	pre := x.pre[:len(g.Threads)]
	for i := range pre {
		pre[i] = 0
	}
	x.porfPrefix(g, EventRef{int32(t), int32(len(g.Threads[t].Events) - 1)}, pre)
	floor := -1
	for u := range g.Threads {
		if f := floorOf(g, u, pre[u], l); f > floor {
			floor = f
		}
	}
	return floor
}

// poLocFloor is the coherence floor every model shares: per-location coherence
// (acyclic po-loc ∪ com, the CoRR/CoWR/CoRW/CoWW shapes) forbids the next event of
// thread t from reading, or being placed, before what t itself already wrote or read
// at l.
func poLocFloor(g *ExecutionGraph, t int, l LocID) int {
	return floorOf(g, t, int32(len(g.Threads[t].Events)), l)
}

// floorOf is the latest coherence position among the writes to l that the first n
// events of thread u wrote or read from.
func floorOf(g *ExecutionGraph, u int, n int32, l LocID) int {
	floor := -1
	evs := g.Threads[u].Events
	for i := int32(0); i < n; i++ {
		e := &evs[i]
		if e.Loc != l || (e.Kind != KindRead && e.Kind != KindWrite) {
			continue
		}
		w := EventRef{int32(u), i}
		if e.Kind == KindRead {
			if e.RF.IsSpeculated() {
				continue // its write is not chosen yet: it constrains nothing so far
			}
			w = e.RF
		}
		if c := g.CoIndex(w); c > floor {
			floor = c
		}
	}
	return floor
}
func (x *explorer) consistent(g *ExecutionGraph) bool {
	if !atomicityHolds(g) || !x.model.Consistent(g) {
		x.stats.Pruned++
		return false
	}
	return true
}

// IncrementalConsistency is implemented by models that can judge a graph faster when
// told it was consistent before one event was added at the end of its thread.
type IncrementalConsistency interface {
	ConsistentWith(g *ExecutionGraph, added EventRef) bool
}

// consistentAdded checks g after the event added was pushed onto a consistent graph.
func (x *explorer) consistentAdded(g *ExecutionGraph, added EventRef) bool {
	if x.incremental == nil {
		return x.consistent(g)
	}
	e := g.Event(added)
	if e.Kind == KindWrite && !atomicityHoldsAt(g, e.Loc) || !x.incremental.ConsistentWith(g, added) {
		x.stats.Pruned++
		return false
	}
	return true
}

// atomicityHolds checks that no write comes between the two halves of an RMW in
// coherence order: the write half must immediately follow the write its read half read.
func atomicityHolds(g *ExecutionGraph) bool {
	for l := range g.Co {
		if !atomicityHoldsAt(g, LocID(l)) {
			return false
		}
	}
	return true
}

func atomicityHoldsAt(g *ExecutionGraph, l LocID) bool {
	{
		co := g.Co[l]
		for i, w := range co {
			e := g.Event(w)
			if e.Ann&AnnRMW == 0 {
				continue
			}
			rd := g.Event(EventRef{w.Thread, w.Index - 1})
			if rd.RF.IsSpeculated() {
				continue // checked once the read half's write is chosen
			}
			var pred EventRef
			if i == 0 {
				pred = InitRef(e.Loc)
			} else {
				pred = co[i-1]
			}
			if rd.RF != pred {
				return false
			}
		}
	}
	return true
}

// orderingOnlyForward reports whether an event added last in its thread cannot make a
// consistent graph inconsistent: a marker is in no relation, and a fence only orders
// what comes before it against what comes after it, and nothing comes after yet. RCU
// fences and synchronize_srcu are excluded: closing a read-side critical section
// changes what it covers, and a grace period is itself the end of gp's edges.
func orderingOnlyForward(e *Event) bool {
	if e.Kind == KindMarker {
		return true
	}
	switch e.Fence {
	case FenceRcuLock, FenceRcuUnlock, FenceSyncRcu, FenceSyncSrcu:
		return false
	}
	return true
}
