package barriers

import "github.com/steercheck/steercheck/model"

// localorder.go gives lkmm, lkmm-alpha and armv8 their model.LocalOrder: the order each
// keeps between the events of one thread whatever the other threads do, from program
// order, dependencies, annotations and fences alone. The explorer uses it to show that
// most po ∪ rf cycles are inconsistent before enumerating any (model/porfcycle.go).
//
// Each local order is a subset of a relation whose union with rfe the model requires
// to be acyclic:
//
//   - lkmm, lkmm-alpha: hb = [Marked] ; (ppo ∪ rfe ∪ …) ; [Marked]. The local order is
//     ppo without its rf and co terms (dep ; rfi, and carry-dep through rfi, left out),
//     with overwrite ∩ int replaced by what coherence forces on every consistent graph:
//     a read or write followed in po by a write to the same location is fr- or
//     co-before it. po-unlock-lock-po only links an unlock and a lock of the same thread
//     (po, not rf). Restricted to Marked, as hb is.
//   - armv8: ob ⊇ rfe. The local order is dob ∪ aob ∪ bob without the terms through
//     coi or rfi. ob holds coe too (model.CoherenceOrdered), which closes the pairs
//     of one location that the local order leaves open (model/porfcycle.go).
//
// Leaving terms out only makes the order smaller, so a pair it relates is ordered in
// every consistent graph that contains the thread's path; the explorer treats every
// other pair as possibly reordered.

// UnorderedReadWrites implements model.LocalOrder.
func (m *LKMM) UnorderedReadWrites(g *model.ExecutionGraph, t int) [][2]int32 {
	return m.x.unorderedReadWrites(t, m.localOrder(g))
}

// UnorderedReadWritesAll implements model.LocalOrderAll.
func (m *LKMM) UnorderedReadWritesAll(g *model.ExecutionGraph) [][][2]int32 {
	return m.x.unorderedReadWritesAll(m.localOrder(g))
}

// localOrder builds g into m.x and returns lkmm's local order on it (see the file
// comment).
func (m *LKMM) localOrder(g *model.ExecutionGraph) *rel {
	x := &m.x
	x.build(g, cDeps)
	a := &x.a
	s := m.sets()
	addr := x.addr
	if m.alpha {
		addr = m.alphaAddr(&s, addr)
	}
	f := m.fenceRels(&s, addr, x.data, x.ctrl, x.po)
	overwrite := a.restrict(s.M, a.inter(x.po, x.loc), s.W)
	ppo := a.union(f.addrR, f.rwdep, overwrite, f.plainWmb, f.fence, f.poUnlockLockPo)
	return a.plus(a.restrict(s.Marked, ppo, s.Marked))
}

// PlainOrderedByLocks implements model.PlainOrderedByLocks: hb leaves plain accesses
// out, but a lock acquire is an acquire (LKR ∈ Acquire, acq-po), an unlock a release
// (UL ∈ Release, po-rel), lock.cat totally orders critical sections, and
// plain-coherence (wr-incoh) forbids a plain access to read against that order.
func (m *LKMM) PlainOrderedByLocks() bool { return true }

// LocksOrderCriticalSections implements model.LockOrdered: lock.cat's critical
// sections are ordered by hb (UL -rfe-> LKR, acq-po, po-rel), and a marked rf edge
// against that order would close an hb cycle, a plain one be wr-incoh.
func (m *LKMM) LocksOrderCriticalSections() bool { return true }

// LocksOrderCriticalSections implements model.LockOrdered: spin_lock's read is an
// acquire (A) and spin_unlock a release (L), so ob orders a lock's critical sections
// (L;po;A and A;po, po;L in bob, rfe) and every event inside them.
func (m *ARMv8) LocksOrderCriticalSections() bool { return true }

// OrdersExternalCoherence implements model.CoherenceOrdered: the internal axiom makes
// coherence per-location SC, and ob, which external requires to be acyclic, holds
// obs = rfe ∪ fre ∪ coe besides the local order (dob ∪ aob ∪ bob).
func (m *ARMv8) OrdersExternalCoherence() bool { return true }

// UnorderedReadWrites implements model.LocalOrder.
func (m *ARMv8) UnorderedReadWrites(g *model.ExecutionGraph, t int) [][2]int32 {
	return m.x.unorderedReadWrites(t, m.localOrderOf(g))
}

// UnorderedReadWritesAll implements model.LocalOrderAll.
func (m *ARMv8) UnorderedReadWritesAll(g *model.ExecutionGraph) [][][2]int32 {
	return m.x.unorderedReadWritesAll(m.localOrderOf(g))
}

// localOrderOf builds g into m.x and returns armv8's local order on it, transitively
// closed.
func (m *ARMv8) localOrderOf(g *model.ExecutionGraph) *rel {
	refuseUnsupported("armv8", m, g)
	x := &m.x
	x.build(g, hwDeps)
	return x.a.plus(m.localOrder(m.classes()))
}

// unorderedReadWritesAll is unorderedReadWrites for every thread, from one build.
func (x *execution) unorderedReadWritesAll(order *rel) [][][2]int32 {
	out := make([][][2]int32, len(x.g.Threads))
	for t := range out {
		out[t] = x.unorderedReadWrites(t, order)
	}
	return out
}

// unorderedReadWrites lists the read → later write pairs of thread t that order does
// not relate.
func (x *execution) unorderedReadWrites(t int, order *rel) [][2]int32 {
	var out [][2]int32
	n := len(x.g.Threads[t].Events)
	for i := 0; i < n; i++ {
		u := x.off[t] + i
		if x.class[u]&cRead == 0 {
			continue
		}
		for j := i + 1; j < n; j++ {
			v := x.off[t] + j
			if x.class[v]&cWrite != 0 && !order.has(u, v) {
				out = append(out, [2]int32{int32(i), int32(j)})
			}
		}
	}
	return out
}
