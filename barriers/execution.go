package barriers

import "github.com/steercheck/steercheck/model"

// execution.go turns an execution graph into nodes, event classes and the base
// relations every model here is written in.
//
// Nodes. The graph's initial writes are implicit; here each location the graph touches
// (a read, a write, or synchronize_srcu, whose event names its srcu_struct) gets one
// initial-write node (IW), numbered first, then every thread's events in
// program order. A read whose RF IsInit reads its location's IW node; IW is
// coherence-first (the graph's Co lists exclude it). Markers (logical actions with no
// memory effect) are nodes in no relation at all, so no model sees them.
//
// Base relations, as herd7 defines them:
//
//	po       program order: same thread, earlier index (never IW, never markers)
//	loc      same location (memory events, IW and synchronize_srcu included: herd7's loc
//	         relates every event with a location)
//	intr     same thread (reflexive); ext is its complement (IW is external to all)
//	rf       write → read that reads it
//	co       coherence: IW before Co[loc][0] before Co[loc][1] …, transitive
//	fr       read → every write coherence-after the one it reads (rf⁻¹ ; co)
//	addr     read → access whose address is computed from it   (Event.Addr)
//	data     read → write whose value is computed from it      (Event.Data)
//	ctrl     read → event a branch on it controls: under herd7's C semantics
//	         (cDeps: lkmm) the events of the if's blocks, up to the join (Event.Ctrl);
//	         under the hardware's (hwDeps: armv8) every later event (Event.CtrlAll)
//	rmw      read half → write half of a successful read-modify-write
//
// Dependencies follow herd7's C semantics in two details: spin_trylock's result is a
// constant in herd7 (it is not computed from the lock word), so reads of lock
// operations are the source of no dependency; and the write half of xchg, cmpxchg and
// lock operations stores a value that does not depend on the read half, so only the
// arithmetic RMWs (add, and, or) have a data edge from their read to their write.
type execution struct {
	a     algebra
	g     *model.ExecutionGraph
	n     int
	nIW   int
	iw    []int32 // node of each location's initial write, or -1 when untouched
	off   []int   // node of each thread's first event
	info  []nodeInfo
	class []evClass

	po, loc, intr, rf, co, fr, rmw *rel
	addr, data, ctrl               *rel // only when built with deps
}

// nodeInfo locates a node in the graph.
type nodeInfo struct {
	thread int32 // model.InitThread for IW
	index  int32 // index in the thread, or the location for IW
	loc    int32 // -1 for fences and markers
}

// evClass is what an event is, as far as ordering goes.
type evClass uint32

// Event classes. An event has several.
const (
	cRead        evClass = 1 << iota // a load, any kind (lock reads and failed RMWs included)
	cWrite                           // a store, any kind (IW included)
	cInit                            // an initial write
	cFence                           // a barrier event
	cMarker                          // a logical action: in no relation
	cPlain                           // an unmarked C access
	cAcquire                         // a read with acquire semantics (never a failed RMW)
	cRelease                         // a write with release semantics (never a failed RMW)
	cMb                              // either half of a successful fully ordered RMW
	cRMWInstr                        // an event of an RMW instruction (xchg, atomic_*), even failed
	cRMWRead                         // read half of a successful or still pending RMW or lock
	cRMWWrite                        // write half of an RMW or lock
	cPending                         // an RMW read whose write half is not in the graph yet
	cFailedRMW                       // the lone read of a failed cmpxchg
	cNoReturn                        // read half of a void atomic (atomic_inc)
	cLockRead                        // LKR: the read of spin_lock / successful spin_trylock
	cLockWrite                       // LKW: the write of spin_lock / successful spin_trylock
	cUnlock                          // UL: spin_unlock
	cLockFail                        // LF: the read of a failed spin_trylock
	cLockBlocked                     // a spin_lock read that saw the lock taken (its thread waits)
	cDeref                           // rcu_dereference
	cIsLocked                        // spin_is_locked's read (lock.cat's RL/RU: a lock event for the flags only)
	cSrcuLock                        // Srcu-lock: the read of srcu_read_lock / srcu_down_read
	cSrcuUnlock                      // Srcu-unlock: the write of srcu_read_unlock / srcu_up_read
)

// depKind says whether and how an execution's dependencies are built.
type depKind uint8

const (
	noDeps depKind = iota // models that ignore dependencies (sc, tso)
	cDeps                 // herd7's C front end: ctrl ends at the if's join (lkmm)
	hwDeps                // the hardware: a branch controls every later event (armv8)
)

// build numbers g's events and computes the base relations; deps says whether and
// how addr, data and ctrl are added.
func (x *execution) build(g *model.ExecutionGraph, deps depKind) {
	x.g = g
	x.iw = resizeInt32(x.iw, len(g.Prog.Locs))
	for l := range x.iw {
		x.iw[l] = -1
	}
	n := 0
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.HasLoc() && x.iw[e.Loc] < 0 {
				x.iw[e.Loc] = int32(n)
				n++
			}
		}
	}
	x.nIW = n
	x.off = x.off[:0]
	for t := range g.Threads {
		x.off = append(x.off, n)
		n += len(g.Threads[t].Events)
	}
	x.n = n
	x.a.reset(n)
	if cap(x.info) < n {
		x.info = make([]nodeInfo, n)
		x.class = make([]evClass, n)
	}
	x.info, x.class = x.info[:n], x.class[:n]
	for l, v := range x.iw {
		if v >= 0 {
			x.info[v] = nodeInfo{thread: model.InitThread, index: int32(l), loc: int32(l)}
			x.class[v] = cWrite | cInit
		}
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			v := x.off[t] + i
			e := &g.Threads[t].Events[i]
			x.info[v] = nodeInfo{thread: int32(t), index: int32(i), loc: -1}
			if e.HasLoc() {
				x.info[v].loc = int32(e.Loc)
			}
			x.class[v] = x.classify(t, i)
		}
	}
	x.buildOrder()
	x.buildCom()
	if deps != noDeps {
		x.buildDeps(deps)
	} else {
		x.addr, x.data, x.ctrl = nil, nil, nil
	}
}

func resizeInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// node is the node of a graph event (IW for an initial write).
func (x *execution) node(r model.EventRef) int {
	if r.IsInit() {
		return int(x.iw[r.Index])
	}
	return x.off[r.Thread] + int(r.Index)
}

// ref is the event of node v (an initial write's is model.InitRef of its location).
func (x *execution) ref(v int) model.EventRef {
	in := x.info[v]
	return model.EventRef{Thread: in.thread, Index: in.index}
}

// classify computes the classes of event i of thread t from its kind, its annotations
// and the instruction that produced it.
func (x *execution) classify(t, i int) evClass { return classify(x.g, t, i) }

// classify computes the classes of event i of thread t of g. Only cPending depends on
// the events after it (whether an RMW read's write half is in g yet).
func classify(g *model.ExecutionGraph, t, i int) evClass {
	evs := g.Threads[t].Events
	e := &evs[i]
	op := g.Prog.Threads[t].Code[e.PC].Op
	switch e.Kind {
	case model.KindFence:
		return cFence
	case model.KindMarker:
		return cMarker
	}
	var c evClass
	if e.Kind == model.KindRead {
		c = cRead
	} else {
		c = cWrite
	}
	const marking = model.AnnOnce | model.AnnAcquire | model.AnnRelease | model.AnnRelaxed |
		model.AnnMb | model.AnnRMW | model.AnnLock | model.AnnUnlock | model.AnnDeref | model.AnnNoReturn |
		model.AnnIsLocked | model.AnnSrcuLock | model.AnnSrcuUnlock
	isRMWOp := op == model.OpRMW || op == model.OpLock || op == model.OpTrylock
	if e.Ann&marking == 0 && !isRMWOp {
		c |= cPlain
	}
	if e.Ann&model.AnnDeref != 0 {
		c |= cDeref
	}
	if e.Ann&model.AnnIsLocked != 0 {
		c |= cIsLocked
	}
	if e.Ann&model.AnnSrcuLock != 0 && e.Kind == model.KindRead {
		c |= cSrcuLock
	}
	if e.Ann&model.AnnSrcuUnlock != 0 && e.Kind == model.KindWrite {
		c |= cSrcuUnlock
	}
	if op == model.OpRMW {
		c |= cRMWInstr
	}
	if e.Kind == model.KindRead && isRMWOp && e.Ann&model.AnnRMW == 0 {
		// The interpreter strips AnnRMW (and the ordering) from a failed cmpxchg/trylock.
		if op == model.OpTrylock {
			return c | cLockFail
		}
		return c | cFailedRMW
	}
	if e.Ann&model.AnnRMW != 0 {
		if e.Kind == model.KindRead {
			partner := i+1 < len(evs) && evs[i+1].Kind == model.KindWrite && evs[i+1].Ann&model.AnnRMW != 0
			switch {
			case partner:
				c |= cRMWRead
			case op == model.OpLock && e.Val != 0:
				return c | cLockBlocked // waits forever: a plain marked read
			default:
				c |= cRMWRead | cPending
			}
		} else {
			c |= cRMWWrite
		}
		if e.Ann&model.AnnMb != 0 {
			c |= cMb
		}
		if e.Ann&model.AnnNoReturn != 0 && e.Kind == model.KindRead {
			c |= cNoReturn
		}
	}
	if e.Ann&model.AnnLock != 0 {
		if e.Kind == model.KindRead {
			c |= cLockRead | cAcquire
		} else {
			c |= cLockWrite
		}
		return c
	}
	if e.Ann&model.AnnUnlock != 0 {
		return c | cUnlock | cRelease
	}
	if e.Kind == model.KindRead && e.Ann&model.AnnAcquire != 0 {
		c |= cAcquire
	}
	if e.Kind == model.KindWrite && e.Ann&model.AnnRelease != 0 {
		c |= cRelease
	}
	return c
}

// buildOrder computes po, intr and loc.
func (x *execution) buildOrder() {
	a := &x.a
	x.po, x.intr, x.loc = a.newRel(), a.newRel(), a.newRel()
	mask := a.newSet()
	for t := range x.g.Threads {
		clear(mask)
		lo, hi := x.off[t], x.off[t]+len(x.g.Threads[t].Events)
		for v := lo; v < hi; v++ {
			if x.class[v]&cMarker == 0 {
				mask.add(v)
			}
		}
		for v := lo; v < hi; v++ {
			if x.class[v]&cMarker != 0 {
				continue
			}
			copy(x.intr.row(v), mask)
			po := x.po.row(v)
			copy(po, mask)
			for k := 0; k <= v>>6; k++ { // keep only the events after v
				if k < v>>6 {
					po[k] = 0
				} else {
					po[k] &^= 1<<(uint(v)&63+1) - 1
				}
			}
		}
	}
	for l, iw := range x.iw {
		if iw < 0 {
			continue
		}
		clear(mask)
		for v := 0; v < x.n; v++ {
			if x.info[v].loc == int32(l) {
				mask.add(v)
			}
		}
		for v := 0; v < x.n; v++ {
			if x.info[v].loc == int32(l) {
				copy(x.loc.row(v), mask)
			}
		}
	}
}

// buildCom computes rf, co, fr and rmw.
func (x *execution) buildCom() {
	a := &x.a
	g := x.g
	x.rf, x.co, x.fr, x.rmw = a.newRel(), a.newRel(), a.newRel(), a.newRel()
	for l, co := range g.Co {
		if x.iw[l] < 0 {
			continue
		}
		prev := int(x.iw[l])
		chain := x.co.row(prev)
		for _, w := range co {
			chain[x.node(w)>>6] |= 1 << (uint(x.node(w)) & 63)
		}
		for i, w := range co {
			v := x.node(w)
			row := x.co.row(v)
			for _, w2 := range co[i+1:] {
				row[x.node(w2)>>6] |= 1 << (uint(x.node(w2)) & 63)
			}
		}
	}
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			e := &evs[i]
			v := x.off[t] + i
			if e.Kind != model.KindRead {
				continue
			}
			if !e.RF.IsSpeculated() { // a speculated read has no write yet
				w := x.node(e.RF)
				x.rf.add(w, v)
				copy(x.fr.row(v), x.co.row(w))
			}
			if x.class[v]&cRMWRead != 0 && x.class[v]&cPending == 0 {
				x.rmw.add(v, v+1)
			}
		}
	}
}

// buildDeps computes addr, data and ctrl from the events' dependency sets.
func (x *execution) buildDeps(kind depKind) {
	a := &x.a
	g := x.g
	x.addr, x.data, x.ctrl = a.newRel(), a.newRel(), a.newRel()
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			e := &evs[i]
			v := x.off[t] + i
			if x.class[v]&cMarker != 0 {
				continue
			}
			if kind == hwDeps {
				x.addDeps(x.ctrl, t, i, e.CtrlAll)
			} else {
				x.addDeps(x.ctrl, t, i, e.Ctrl)
			}
			if x.info[v].loc < 0 {
				continue
			}
			x.addDeps(x.addr, t, i, e.Addr)
			if e.Kind == model.KindWrite {
				x.addDeps(x.data, t, i, e.Data)
			}
		}
	}
}

// addDeps adds to r an edge to event i of thread t from every read of d that may be
// the source of a dependency.
func (x *execution) addDeps(r *rel, t, i int, d model.DepSet) {
	v := x.off[t] + i
	src := depSources(x.g, t, i, d, r == x.data)
	forEach(src[:], func(j int) { r.add(x.off[t]+j, v) })
}

// depSources is the part of d (indices of earlier events of thread t) that may be the
// source of a dependency into event i: reads, except those of lock operations, and
// (for a data dependency, isData) except the read half of an xchg or cmpxchg into its
// own write half.
func depSources(g *model.ExecutionGraph, t, i int, d model.DepSet, isData bool) model.DepSet {
	evs := g.Threads[t].Events
	code := g.Prog.Threads[t].Code
	var out model.DepSet
	forEach(d[:], func(j int) {
		if j >= i || evs[j].Kind != model.KindRead {
			return
		}
		switch code[evs[j].PC].Op {
		case model.OpLock, model.OpTrylock:
			return // herd7: spin_trylock returns a constant
		}
		if isData && j == i-1 && evs[i].Kind == model.KindWrite && evs[i].Ann&model.AnnRMW != 0 {
			if in := &code[evs[i].PC]; in.RMW == model.RMWXchg || in.RMW == model.RMWCmpxchg {
				return // the value stored does not depend on the value read
			}
		}
		out.Add(j)
	})
	return out
}
