package barriers

import "github.com/steercheck/steercheck/model"

// incremental.go is what the incremental checks of tso, armv8, lkmm and lkmm-alpha
// (model.IncrementalConsistency) share. The explorer calls ConsistentWith(g, added)
// when g was consistent before added was put at the end of its thread; added is then
// read by nothing and has no event after it in program order. Its only way out, in every
// base relation, is coherence order (a write not placed last) or from-read (a read of a
// write that is not the coherence-latest). Every relation these models are written in
// is built from the base relations by union, sequence and closure, and every axiom asks
// for the acyclicity or emptiness of one of them, or (lkmm's plain-coherence, lock and
// rcu axioms) for a pair of events not to be related by one: so a violation that was
// not there before needs a new pair, and every new pair has added at one end or on a
// path through it. When added has no way out it can only be the last event of such a
// path, which leaves the axioms checked pair by pair, for the pairs ending at added:
// atomicity at its location, lkmm's lock axioms, and lkmm's rcu axiom, whose
// rcu_read_unlock closes a read-side critical section over earlier events (those
// fences are judged in full). Otherwise the model's mirror (mirror.go) brings its
// relations up to date with g and the cycles through added are looked for.

// noWayOut reports whether the event added has no successor in po, rf, co or fr (see
// the file comment).
func noWayOut(g *model.ExecutionGraph, added model.EventRef) bool {
	e := g.Event(added)
	switch e.Kind {
	case model.KindWrite:
		return g.CoMax(e.Loc) == added
	case model.KindRead:
		return e.RF.IsSpeculated() || g.CoMax(e.Loc) == e.RF
	}
	return true
}

// atomicAt is the atomic axiom, empty(rmw ∩ (fre ; coe)), on the read-modify-writes of
// location l: no write of another thread comes between the write an RMW's read half
// read and its write half in coherence order.
func atomicAt(g *model.ExecutionGraph, l model.LocID) bool {
	co := g.Co[l]
	for i, w := range co {
		if g.Event(w).Ann&model.AnnRMW == 0 {
			continue
		}
		r := model.EventRef{Thread: w.Thread, Index: w.Index - 1}
		from := g.Event(r).RF
		if from.IsSpeculated() {
			continue // no rf, no fr: nothing is between
		}
		lo := -1
		if !from.IsInit() {
			lo = g.CoIndex(from)
		}
		for k := lo + 1; k < i; k++ {
			if co[k].Thread != r.Thread {
				return false
			}
		}
	}
	return true
}

// atomicEverywhere is the atomic axiom on every location.
func atomicEverywhere(g *model.ExecutionGraph) bool {
	for l := range g.Co {
		if !atomicAt(g, model.LocID(l)) {
			return false
		}
	}
	return true
}

// judgedInFull reports whether the fence kind is one the incremental checks leave to
// the whole-graph check: synchronize_rcu and synchronize_srcu (which tso and armv8
// refuse, and which are grace periods for lkmm), lkmm's rcu_read_lock/unlock and
// smp_mb__after_srcu_read_unlock (which orders through an srcu-unlock).
func judgedInFull(k model.FenceKind) bool {
	switch k {
	case model.FenceSyncRcu, model.FenceRcuLock, model.FenceRcuUnlock, model.FenceSyncSrcu, model.FenceAfterSrcuReadUnlock:
		return true
	}
	return false
}

// orderChecks are the incremental and whole-graph checks of a model whose axioms are
// uniproc, atomic and the acyclicity of one order (tso, armv8), kept on a pool of
// mirrors. extend adds a node's column of the order's local part: its edges from
// earlier events of its thread (and for armv8, through internal rf and co), which is
// all that adding a node changes of it (see the models' files); the rest of the
// order is rf, co and fr, all of whose edges count (coFrAll: tso's co and fr) or only
// those between threads.
type orderChecks struct {
	name    string
	lim     limited
	deps    depKind
	coFrAll bool
	extend  func(mi *orderMirror, g *model.ExecutionGraph, j int)
	inc     [mirrorPoolSize]orderMirror
	pool    mirrorPool
	// srcuFence caches, per program, whether it has smp_mb__after_srcu_read_unlock:
	// a full fence only after an srcu-unlock earlier in its thread, which the local
	// extensions do not follow, so such programs are judged by the whole relations.
	srcuFence struct {
		prog *model.Program
		has  bool
	}
}

// hasFence reports whether p has a fence of kind k.
func hasFence(p *model.Program, k model.FenceKind) bool {
	for _, t := range p.Threads {
		for _, in := range t.Code {
			if in.Op == model.OpFence && in.Fence == k {
				return true
			}
		}
	}
	return false
}

// orderMirror is a mirror with the local part of the order over its nodes, and the
// order as the cycle search takes it: every edge of all, the external edges of ext.
type orderMirror struct {
	mirror
	local    grel
	all, ext []*grel
}

// consistentWith is ConsistentWith (see the file comment); full is the whole-relation
// check, for graphs no mirror can hold.
func (c *orderChecks) consistentWith(g *model.ExecutionGraph, added model.EventRef, full func() bool) bool {
	e := g.Event(added)
	if e.Kind == model.KindFence && e.Fence == model.FenceSyncRcu {
		refuseUnsupported(c.name, c.lim, g)
	}
	if e.Kind == model.KindWrite && !atomicAt(g, e.Loc) {
		return false
	}
	if noWayOut(g, added) {
		return true
	}
	mi := c.mirrorOf(g)
	if mi == nil {
		return full()
	}
	j := mi.node(added)
	if mi.uniprocAt(j) && !mi.reachesBack(j, mi.all, mi.ext) {
		return true
	}
	mi.truncate(j)
	return false
}

// consistent is Consistent: the whole of g on a mirror, or full when no mirror can
// hold it.
func (c *orderChecks) consistent(g *model.ExecutionGraph, full func() bool) bool {
	refuseUnsupported(c.name, c.lim, g)
	mi := c.mirrorOf(g)
	if mi == nil {
		return full()
	}
	return atomicEverywhere(g) && mi.acyclic(mi.uniproc, nil) && mi.acyclic(mi.all, mi.ext)
}

// mirrorOf returns a mirror holding g, or nil when g has a po ∪ rf cycle or its
// program an smp_mb__after_srcu_read_unlock.
func (c *orderChecks) mirrorOf(g *model.ExecutionGraph) *orderMirror {
	if c.srcuFence.prog != g.Prog {
		c.srcuFence.prog, c.srcuFence.has = g.Prog, hasFence(g.Prog, model.FenceAfterSrcuReadUnlock)
	}
	if c.srcuFence.has {
		return nil
	}
	i := c.pool.pickFor(g, func(i int) *mirror {
		mi := &c.inc[i]
		mi.init(c.deps, func(g *model.ExecutionGraph, j int) { c.extend(mi, g, j) }, []*grel{&mi.local}, nil)
		mi.all = []*grel{&mi.local}
		mi.ext = []*grel{&mi.rf}
		if c.coFrAll {
			mi.all = append(mi.all, &mi.co_, &mi.fr)
		} else {
			mi.ext = append(mi.ext, &mi.co_, &mi.fr)
		}
		return &mi.mirror
	})
	if i < 0 {
		return nil
	}
	return &c.inc[i]
}

// ConsistentWith implements model.IncrementalConsistency: uniproc and tso, checked for
// the cycles through added only (see the file comment); ghb's edges between earlier
// events do not change when added joins, as each of its parts (ppo, mfence, implied,
// rfe, co, fr) is one step of a base relation.
func (m *TSO) ConsistentWith(g *model.ExecutionGraph, added model.EventRef) bool {
	return m.orderChecks().consistentWith(g, added, func() bool { return m.Violation(g) == "" })
}

func (m *TSO) orderChecks() *orderChecks {
	if m.checks.extend == nil {
		m.checks = orderChecks{name: "tso", lim: m, deps: noDeps, coFrAll: true, extend: tsoLocal}
	}
	return &m.checks
}

// tsoLocal extends ppo ∪ mfence ∪ implied by node j: every earlier access of its
// thread is before it, except a write before a read, unless an smp_mb lies between
// them or one of them is locked.
func tsoLocal(mi *orderMirror, g *model.ExecutionGraph, j int) {
	if mi.class[j]&(cRead|cWrite) == 0 {
		return
	}
	const locked = cRMWRead | cRMWWrite | cFailedRMW
	toRead := mi.class[j]&cRead != 0 && mi.class[j]&locked == 0
	r := mi.ref[j]
	mb := false
	evs := g.Threads[r.Thread].Events
	for i := int(r.Index) - 1; i >= 0; i-- {
		u := int(mi.nodes[r.Thread][i])
		c := mi.class[u]
		if c&cFence != 0 && evs[i].Fence == model.FenceMb {
			mb = true
		}
		if c&(cRead|cWrite) == 0 {
			continue
		}
		if toRead && c&cWrite != 0 && c&locked == 0 && !mb {
			continue // the store buffer
		}
		mi.addEdge(&mi.local, u, j)
	}
}
