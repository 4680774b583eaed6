package barriers

import (
	"math/bits"

	"github.com/steercheck/steercheck/model"
)

// lkmm_incremental.go is the incremental check of lkmm and lkmm-alpha
// (incremental.go): the relations of lkmm.go kept in a mirror of the graph, one
// node's row and column at a time, and the axioms checked for what the added event can
// change.
//
// Why adding a node e (last of its thread, read by nothing) changes no edge between
// earlier nodes of any relation kept here: the fences, po-rel, acq-po, rmb, wmb, gp,
// the dependencies (carried through plain memory too: data ; rfi needs a reader of e)
// and po-unlock-lock-po all point forward in program order or end at e; rmw-sequence
// (rf ; rmw)* would need a reader of e to go on after it; cumul-fence is built of those
// and ends with rmw-sequence, so e is a sink of cumul-fence* as well. prop =
// overwrite-ext? ; cumul-fence* ; rfe? can reach e by any of its three steps but leave
// it only by the first, overwrite-ext, so e is an end of every prop edge it lies on;
// prop ; strong-fence leaves e only after a strong fence following it, of which there is
// none. hb's parts (ppo, rfe, prop ∩ int) are single steps of those. What changes are
// e's edges: into e from everything before it, and out of e through overwrite (the
// coherence-later writes, when e is not the coherence-latest), which makes e the
// source of prop, prop ∩ int (hb) and prop ; strong-fence edges.
//
// The axioms, given that the graph without e was consistent:
//
//   - coherence, atomic: the cycles through e, the RMWs of e's location.
//   - value-cycle, acyclic(rf ∪ data): e has no successor in either.
//   - lock-nest, unmatched-locks: the pairs ending at e, and the acquisitions of e's
//     thread if it just stopped (the axiom counts only threads that have).
//   - happens-before: the cycles through e of hb.
//   - propagation: acyclic(pb), pb = prop ; strong-fence ; hb* ; [Marked]. With hb
//     acyclic, pb has a cycle exactly when hb ∪ (prop ; strong-fence ; [Marked]) has
//     one through an edge of the second kind (a pb edge is one of those followed by hb
//     steps): so the cycles through e of that union.
//   - rcu: judged in full whenever the program has an RCU primitive.
//   - plain-coherence: each racing pair must not be related backwards by rw-xbstar,
//     wr-vis or ww-vis, which are built of the relations above and xbstar = (hb ∪ pb)*.
//     New pairs have e at one end; an old pair can only become incoherent through a
//     new xbstar path, which needs e to have an hb or pb successor (every other relation
//     they use has e as a sink). So the pairs with e are checked, and all pairs when e
//     has such a successor (lkmm_plain_incremental.go).

// lkmmInc is lkmm's mirror and the relations it keeps over the mirror's nodes. Names
// ending in T are transposed (row j: the predecessors of j).
type lkmmInc struct {
	mirror
	alpha bool
	plain set // the plain accesses; every other node (fences and initial writes too) is Marked

	addr   grel // the .bell's addr, carried through plain memory (alpha: restricted)
	fence  grel // fence
	sf     grel // strong-fence
	postR  grel // the optional step of r-post-bounded
	preW   grel // of w-pre-bounded: addr ∪ fence
	preR   grel // of r-pre-bounded
	poULpo grel // po-unlock-lock-po
	rmwSeq grel // rmw-sequence, (rf ; rmw)*
	rmwSeqT,
	innerT grel // [Marked] ; (A-cumul ∪ wmb ∪ po-unlock-lock-po) ; [Marked], transposed
	cs, csT grel // cumul-fence*
	q, qT   grel // [Marked] ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
	owT     grel // [Marked] ; overwrite-ext, transposed
	propT   grel // prop
	hb      grel // hb
	ps      grel // prop ; strong-fence ; [Marked]

	hbRels, pbRels []*grel
}

func (m *lkmmInc) start() {
	m.init(cDeps, m.addNode, []*grel{&m.addr, &m.fence, &m.sf, &m.postR, &m.preW, &m.preR, &m.poULpo,
		&m.rmwSeq, &m.rmwSeqT, &m.innerT, &m.cs, &m.csT, &m.q, &m.qT, &m.owT, &m.propT, &m.hb, &m.ps},
		[]*set{&m.plain})
	m.hbRels = []*grel{&m.hb}
	m.pbRels = []*grel{&m.hb, &m.ps}
}

// ConsistentWith implements model.IncrementalConsistency.
func (m *LKMM) ConsistentWith(g *model.ExecutionGraph, added model.EventRef) bool {
	e := g.Event(added)
	if e.Kind == model.KindFence && judgedInFull(e.Fence) || m.usesRCU(g) {
		// The rcu axiom orders by critical sections and grace periods, not by
		// po ∪ rf ∪ co ∪ fr alone: an srcu_read_unlock with no way out may still
		// close a critical section that a grace period contradicts.
		return m.Violation(g) == ""
	}
	if e.Kind == model.KindWrite && !atomicAt(g, e.Loc) || !lockAxiomsAt(g, added) {
		return false
	}
	if noWayOut(g, added) {
		return true
	}
	mi := m.mirrorOf(g)
	if mi == nil {
		return m.Violation(g) == ""
	}
	j := mi.node(added)
	if mi.consistentAt(j) {
		// The graph without the event added was consistent (the explorer's
		// promise), and no cycle goes through it: all of the mirror is.
		mi.sound = mi.n
		return true
	}
	mi.truncate(j)
	return false
}

// consistentAt reports whether no axiom that the mirror checks (coherence, happens-
// before, propagation, plain-coherence) is broken by a cycle or pair through node j.
func (m *lkmmInc) consistentAt(j int) bool {
	return m.uniprocAt(j) && !m.reachesBack(j, m.hbRels, nil) && !m.reachesBack(j, m.pbRels, nil) &&
		m.plainCoherentAt(j)
}

// mirrorOf returns a mirror holding g, or nil when g has a po ∪ rf cycle or its
// program an RCU primitive.
func (m *LKMM) mirrorOf(g *model.ExecutionGraph) *lkmmInc {
	if m.usesRCU(g) {
		return nil
	}
	i := m.pool.pickFor(g, func(i int) *mirror {
		m.inc[i].alpha = m.alpha
		m.inc[i].start()
		return &m.inc[i].mirror
	})
	if i < 0 {
		return nil
	}
	return &m.inc[i]
}

// usesRCU reports whether g's program has an RCU or SRCU primitive (hasRCU), once
// per program.
func (m *LKMM) usesRCU(g *model.ExecutionGraph) bool {
	if m.rcuUse.prog != g.Prog {
		m.rcuUse.prog, m.rcuUse.has = g.Prog, hasRCU(g.Prog)
	}
	return m.rcuUse.has
}

// consistent checks every axiom but rcu on the whole of g, which the mirror holds:
// value-cycle holds as g has no po ∪ rf cycle (data edges follow po). The first
// m.sound nodes are a consistent graph, so a cycle or an incoherent pair must go
// through a node after them: each of those is checked as the incremental check does
// (consistentAt), with every node present, which finds every cycle through it; all
// racing pairs are checked at once when one of them leads on (plainCoherentAt).
func (m *lkmmInc) consistent(g *model.ExecutionGraph) bool {
	if !atomicEverywhere(g) || !lockAxioms(g) {
		return false
	}
	all := false
	for j := m.sound; j < m.n; j++ {
		if !m.uniprocAt(j) || m.reachesBack(j, m.hbRels, nil) || m.reachesBack(j, m.pbRels, nil) {
			return false
		}
		all = all || m.leadsOn(j)
	}
	if !m.plain.empty() {
		if all && !m.allPairsCoherent() {
			return false
		}
		for j := m.sound; j < m.n && !all; j++ {
			if !m.pairsCoherentAt(j) {
				return false
			}
		}
	}
	m.sound = m.n
	return true
}

// hasRCU reports whether p uses an RCU or SRCU primitive: rcu_read_lock,
// rcu_read_unlock, synchronize_rcu, srcu_read_lock/unlock (and their down/up forms),
// synchronize_srcu or smp_mb__after_srcu_read_unlock. The mirror has no rcu axiom, so
// such a program is judged by the whole relations.
func hasRCU(p *model.Program) bool {
	for _, t := range p.Threads {
		for _, in := range t.Code {
			if in.Op == model.OpFence && judgedInFull(in.Fence) || in.Ann == model.AnnSrcuLock || in.Ann == model.AnnSrcuUnlock {
				return true
			}
		}
	}
	return false
}

// lockAxiomsAt checks lock.cat's lock-nest and unmatched-locks for what the event
// added can change: a lock read after an acquisition of the same lock by its thread
// with no unlock between, and, when its thread has just stopped, two acquisitions of
// one lock never released by stopped threads.
func lockAxiomsAt(g *model.ExecutionGraph, added model.EventRef) bool {
	t := int(added.Thread)
	return lockNestAt(g, t, int(added.Index)) && (g.Status(t) == model.Running || unmatchedLocksOK(g))
}

// lockAxioms checks lock-nest and unmatched-locks on the whole of g.
func lockAxioms(g *model.ExecutionGraph) bool {
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if !lockNestAt(g, t, i) {
				return false
			}
		}
	}
	return unmatchedLocksOK(g)
}

// lockNestAt reports whether event i of thread t is not a lock read after an
// acquisition of the same lock by its thread with no release between.
func lockNestAt(g *model.ExecutionGraph, t, i int) bool {
	evs := g.Threads[t].Events
	if evs[i].Kind != model.KindRead || classify(g, t, i)&cLockRead == 0 {
		return true
	}
	for k := i - 1; k >= 0; k-- {
		if evs[k].Kind != model.KindWrite || evs[k].Loc != evs[i].Loc {
			continue
		}
		if c := classify(g, t, k); c&cLockWrite != 0 {
			return false
		} else if c&cUnlock != 0 {
			return true
		}
	}
	return true
}

// unmatchedLocksOK reports whether no two acquisitions of one lock by threads that
// have stopped are never released. An acquisition is matched when the first
// acquisition or release of the same lock after it in its thread is a release.
func unmatchedLocksOK(g *model.ExecutionGraph) bool {
	for t1 := range g.Threads {
		if g.Status(t1) == model.Running {
			continue
		}
		evs := g.Threads[t1].Events
		for i := range evs {
			if !unmatchedLock(g, t1, i) {
				continue
			}
			for t2 := t1; t2 < len(g.Threads); t2++ {
				if g.Status(t2) == model.Running {
					continue
				}
				for k := range g.Threads[t2].Events {
					if (t2 > t1 || k > i) && g.Threads[t2].Events[k].Loc == evs[i].Loc && unmatchedLock(g, t2, k) {
						return false
					}
				}
			}
		}
	}
	return true
}

// unmatchedLock reports whether event i of thread t acquires a lock that its thread
// does not release after.
func unmatchedLock(g *model.ExecutionGraph, t, i int) bool {
	evs := g.Threads[t].Events
	if evs[i].Kind != model.KindWrite || classify(g, t, i)&cLockWrite == 0 {
		return false
	}
	for k := i + 1; k < len(evs); k++ {
		if evs[k].Kind != model.KindWrite || evs[k].Loc != evs[i].Loc {
			continue
		}
		c := classify(g, t, k)
		if c&cUnlock != 0 {
			return false
		}
		if c&cLockWrite != 0 {
			return true
		}
	}
	return true
}

// marked is s minus the plain accesses, in place.
func (m *lkmmInc) marked(s set) set {
	for k := range s {
		s[k] &^= m.plain[k]
	}
	return s
}

// isMarked reports whether node v is Marked.
func (m *lkmmInc) isMarked(v int) bool { return !m.plain.has(v) }

// union adds the members of t to s.
func union(s, t set) {
	for k, x := range t {
		s[k] |= x
	}
}

// addNode extends every relation by node j (see the file comment for why only j's row
// and column change).
func (m *lkmmInc) addNode(g *model.ExecutionGraph, j int) {
	c := m.class[j]
	if c&cMarker != 0 {
		return
	}
	if c&cPlain != 0 {
		m.plain.add(j)
	}
	mark := m.nTmp
	defer m.freeTmp(mark)
	r := m.ref[j]
	t := int(r.Thread)
	m.carryDeps(g, j)
	d := &m.deps[j]

	// The fences into j, and the local parts of ppo, found walking back from j.
	f := m.localColumns(g, j)

	// ppo into j.
	isR, isW := c&cRead != 0, c&cWrite != 0
	ppo := m.tmp()
	if isW {
		m.depSet(t, d.addrC, ppo) // rwdep
		m.depSet(t, d.dataC, ppo)
		m.depSet(t, d.ctrlC, ppo)
	}
	if isR {
		m.depSet(t, d.addrC, ppo) // addr ; [R]
		if v := int(m.rfOf[j]); v >= m.nIW && int(m.ref[v].Thread) == t && m.isMarked(v) {
			m.depSet(t, m.deps[v].addrC, ppo) // dep ; [Marked] ; rfi
			m.depSet(t, m.deps[v].dataC, ppo)
		}
	}
	if isW { // overwrite ∩ int
		for _, u := range m.nodes[t][:r.Index] {
			if m.has(&m.co_, int(u), j) || m.has(&m.fr, int(u), j) {
				ppo.add(int(u))
			}
		}
	}
	union(ppo, f.plainWmb)
	union(ppo, f.fence)
	for k := range ppo {
		ppo[k] |= f.poULpo[k] & m.thr[t][k]
	}

	m.addOverwriteExt(j)

	// rmw-sequence into j.
	rs := m.row(&m.rmwSeqT, j)
	rs.add(j)
	if c&cRMWWrite != 0 {
		if w := int(m.rfOf[m.nodes[t][r.Index-1]]); w >= 0 {
			union(rs, m.row(&m.rmwSeqT, w))
		}
	}
	m.setCol(&m.rmwSeq, j, rs)

	// cumul-fence's inner part into j: A-cumul = rfe? ; (strong-fence ∪ po-rel), wmb,
	// po-unlock-lock-po, between Marked events.
	if m.isMarked(j) {
		in := m.row(&m.innerT, j)
		union(in, f.sf)
		union(in, f.poRel)
		// A-cumul's rfe? step: the writes of other threads that the Marked reads
		// ordered before j read from (only reads are visited, so a write added here
		// is not taken for one of them).
		forEachMember(m.reads, func(y int) {
			if in.has(y) && m.isMarked(y) {
				if w := int(m.rfOf[y]); w >= 0 && m.external(w, y) {
					in.add(w)
				}
			}
		})
		union(in, f.wmb)
		union(in, f.poULpo)
		m.marked(in)
	}
	// cumul-fence* into j.
	cs := m.row(&m.csT, j)
	cs.add(j)
	forEachMember(rs, func(z int) {
		if m.isMarked(z) {
			forEachMember(m.row(&m.innerT, z), func(x int) { union(cs, m.row(&m.csT, x)) })
		}
	})
	m.setCol(&m.cs, j, cs)

	// [Marked] ; cumul-fence* ; [Marked] ; rfe? ; [Marked] into j (its row is {j}).
	q := m.row(&m.qT, j)
	if m.isMarked(j) {
		union(q, cs)
		if w := int(m.rfOf[j]); w >= 0 && m.isMarked(w) && m.external(w, j) {
			union(q, m.row(&m.csT, w))
		}
		m.marked(q)
	}
	m.setCol(&m.q, j, q)

	// prop into and out of j.
	propIn := m.row(&m.propT, j)
	propOut := m.tmp()
	if m.isMarked(j) {
		union(propIn, q)
		forEachMember(q, func(s int) { union(propIn, m.row(&m.owT, s)) })
		propOut.add(j)
		own := m.ownThread(j)
		for k := 0; k < m.w; k++ {
			y := (m.co_.b[j*m.w+k] | m.fr.b[j*m.w+k]) &^ own[k]
			for y != 0 {
				s := k<<6 | bits.TrailingZeros64(y)
				y &= y - 1
				union(propOut, m.row(&m.q, s))
			}
		}
		m.setCol(&m.propT, j, propOut)
	}

	// The po-local relations plain-coherence follows, and strong-fence.
	m.setCol(&m.sf, j, f.sf)
	m.setCol(&m.fence, j, f.fence)
	m.setCol(&m.postR, j, f.postR)
	m.setCol(&m.preR, j, f.preR)
	m.setCol(&m.poULpo, j, f.poULpo)
	addr := m.depSet(t, d.addrC, m.tmp())
	m.setCol(&m.addr, j, addr)
	union(addr, f.fence)
	m.setCol(&m.preW, j, addr)

	if !m.isMarked(j) {
		return // hb, pb: between Marked events only
	}
	// prop ; strong-fence ; [Marked].
	psIn := m.tmp()
	forEachMember(f.sf, func(z int) { union(psIn, m.row(&m.propT, z)) })
	m.setCol(&m.ps, j, psIn)
	psOut := m.row(&m.ps, j)
	forEachMember(propOut, func(z int) { union(psOut, m.row(&m.sf, z)) })
	m.marked(psOut)

	// hb = [Marked] ; (ppo ∪ rfe ∪ ((prop \ id) ∩ int)) ; [Marked].
	own := m.ownThread(j)
	hbIn := ppo
	if w := int(m.rfOf[j]); w >= 0 && m.external(w, j) {
		hbIn.add(w)
	}
	for k := range hbIn {
		hbIn[k] |= propIn[k] & own[k]
	}
	hbIn[j>>6] &^= 1 << (uint(j) & 63)
	m.setCol(&m.hb, j, m.marked(hbIn))
	hbOut := m.row(&m.hb, j)
	for k := range hbOut {
		hbOut[k] = propOut[k]&own[k] | (m.co_.b[j*m.w+k]|m.fr.b[j*m.w+k])&own[k] // prop ∩ int, overwrite ∩ int
	}
	hbOut[j>>6] &^= 1 << (uint(j) & 63)
	m.marked(hbOut)
}

// ownThread is the set of node j's thread (empty for an initial write).
func (m *lkmmInc) ownThread(j int) set {
	if j < m.nIW {
		return m.tmp()
	}
	return m.thr[m.ref[j].Thread]
}

// addOverwriteExt extends [Marked] ; overwrite-ext by node j: the Marked accesses of
// other threads coherence- or from-read-before j when j is a write, and j before the
// writes of other threads coherence-after it (or after what it reads) when j is Marked.
func (m *lkmmInc) addOverwriteExt(j int) {
	c := m.class[j]
	if c&(cRead|cWrite) == 0 {
		return
	}
	l := int(m.loc[j])
	if c&cWrite != 0 {
		row := m.row(&m.owT, j)
		row.add(l) // the initial write
		for _, w := range m.co[l] {
			if m.has(&m.co_, int(w), j) && m.external(int(w), j) && m.isMarked(int(w)) {
				row.add(int(w))
			}
		}
		for _, r := range m.readsAt[l] {
			if m.has(&m.fr, int(r), j) && m.external(int(r), j) && m.isMarked(int(r)) {
				row.add(int(r))
			}
		}
	}
	if !m.isMarked(j) {
		return
	}
	for _, s := range m.co[l] {
		if (m.has(&m.co_, j, int(s)) || m.has(&m.fr, j, int(s))) && m.external(j, int(s)) {
			m.addEdge(&m.owT, int(s), j)
		}
	}
}

// forEachMember calls f for every member of s.
func forEachMember(s set, f func(int)) {
	for k, x := range s {
		for x != 0 {
			f(k<<6 | bits.TrailingZeros64(x))
			x &= x - 1
		}
	}
}

// carryDeps computes node j's dependencies with those carried through plain memory
// folded in, as the .bell's carry-dep = (data ; rfi)* has it: a read that reads a
// write of its own thread carries the dependencies of that write's data. lkmm-alpha
// then keeps, of the address dependencies into a read, those whose source is an
// rcu_dereference or is separated from the read by smp_read_barrier_depends.
func (m *lkmmInc) carryDeps(g *model.ExecutionGraph, j int) {
	d := &m.deps[j]
	r := m.ref[j]
	t := int(r.Thread)
	if m.class[j]&cRead != 0 {
		d.carry = model.DepSet{}
		d.carry.Add(int(r.Index))
		if w := int(m.rfOf[j]); w >= m.nIW && int(m.ref[w].Thread) == t {
			m.carried(t, m.deps[w].data, &d.carry)
		}
	}
	d.addrC, d.dataC, d.ctrlC = model.DepSet{}, model.DepSet{}, model.DepSet{}
	m.carried(t, d.addr, &d.addrC)
	m.carried(t, d.data, &d.dataC)
	m.carried(t, d.ctrl, &d.ctrlC)
	if !m.alpha || m.class[j]&cRead == 0 {
		return
	}
	evs := g.Threads[t].Events
	var kept model.DepSet
	rbd := false
	for i := int(r.Index) - 1; i >= 0; i-- {
		if evs[i].Kind == model.KindFence && evs[i].Fence == model.FenceReadBarrierDepend {
			rbd = true
		}
		if d.addrC.Has(i) && (rbd || m.class[m.nodes[t][i]]&cDeref != 0) {
			kept.Add(i)
		}
	}
	d.addrC = kept
}

// carried adds to out every read of thread t from which a read of d carries a value.
func (m *lkmmInc) carried(t int, d model.DepSet, out *model.DepSet) {
	for k, x := range d {
		for x != 0 {
			i := k<<6 | bits.TrailingZeros64(x)
			x &= x - 1
			out.Union(m.deps[m.nodes[t][i]].carry)
		}
	}
}
