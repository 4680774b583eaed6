package barriers

import "github.com/steercheck/steercheck/model"

// lkmm_srcu.go holds the SRCU parts of LKMM that are not fences: the read-side critical
// sections (the .bell's srcu-rscs) and the .bell's SRCU flags. The grace period
// (Sync-srcu in gp and rcu-order), smp_mb__after_srcu_read_unlock (a term of mb) and
// carry-dep's exclusion of Srcu-unlock are in lkmm.go.
//
// The kernel's .def spells srcu_read_lock(X) as __load{srcu-lock}(*X) and
// srcu_read_unlock(X,Y) as __store{srcu-unlock}(*X,Y): a marked read of the srcu_struct
// that returns the value read, and a marked write of the index. An SRCU read-side
// critical section is therefore not bracketed by program order, as rcu_read_lock's is,
// but by values: the unlock must be given what the lock returned, passed through
// registers or through memory (srcu_down_read in one task, srcu_up_read in another):
//
//	carry-srcu-data = (data ; [~Srcu-unlock] ; rf)*
//	srcu-rscs       = ([Srcu-lock] ; carry-srcu-data ; data ; [Srcu-unlock]) & loc
//
// data here is the raw one (the .bell defines srcu-rscs before it redefines data with
// carry-dep). The flags:
//
//	unmatched-srcu-lock     Srcu-lock \ domain(srcu-rscs)
//	unmatched-srcu-unlock   Srcu-unlock \ range(srcu-rscs)
//	multiple-srcu-matches   (srcu-rscs⁻¹ ; srcu-rscs) \ id: a lock matched by two unlocks
//	invalid-sleep           rcu-rscs ∩ (po ; [Sync-srcu] ; po): synchronize_srcu inside
//	                        an RCU read-side critical section
//	srcu-bad-value-match    different-values(srcu-rscs): the unlock writes another value
//	                        than the lock read

// srcuEvents is the .bell's Srcu: Srcu-lock | Srcu-unlock | Sync-srcu.
func (m *LKMM) srcuEvents() set {
	x := &m.x
	return x.a.setUnion(x.setOf(cSrcuLock, 0), x.setOf(cSrcuUnlock, 0), x.fences(model.FenceSyncSrcu))
}

// srcuReadSections is srcu-rscs: each Srcu-lock to the Srcu-unlock of the same
// srcu_struct whose value its value flows into.
func (m *LKMM) srcuReadSections(s *lkmmSets) *rel {
	x := &m.x
	a := &x.a
	if s.SrcuLock.empty() || s.SrcuUnlock.empty() {
		return a.newRel()
	}
	carry := a.star(a.seq(a.restrict(nil, x.data, a.complement(s.SrcuUnlock)), x.rf))
	return a.inter(a.restrict(s.SrcuLock, a.seq(carry, x.data), s.SrcuUnlock), x.loc)
}

// srcuFlags are the .bell's SRCU flags (see the file comment).
func (m *LKMM) srcuFlags(s *lkmmSets) []string {
	x := &m.x
	a := &x.a
	if s.SrcuLock.empty() && s.SrcuUnlock.empty() && s.SyncSrcu.empty() {
		return nil
	}
	var out []string
	rscs := m.srcuReadSections(s)
	if !a.setMinus(s.SrcuLock, a.domain(rscs)).empty() {
		out = append(out, "unmatched-srcu-lock")
	}
	if !a.setMinus(s.SrcuUnlock, a.rangeOf(rscs)).empty() {
		out = append(out, "unmatched-srcu-unlock")
	}
	if !withoutID(a, a.seq(a.inv(rscs), rscs)).empty() {
		out = append(out, "multiple-srcu-matches")
	}
	if !s.SyncSrcu.empty() {
		sleeps := a.seq(x.po, a.id(s.SyncSrcu), x.po)
		if !a.inter(m.rcuReadSections(), sleeps).empty() {
			out = append(out, "invalid-sleep")
		}
	}
	bad := false
	for u := 0; u < x.n && !bad; u++ {
		forEach(rscs.row(u), func(v int) {
			if x.value(u) != x.value(v) {
				bad = true
			}
		})
	}
	if bad {
		out = append(out, "srcu-bad-value-match")
	}
	return out
}

// value is the value node v read or wrote.
func (x *execution) value(v int) model.Value {
	in := x.info[v]
	if in.thread == model.InitThread {
		return x.g.Prog.Locs[in.index].Init
	}
	return x.g.Threads[in.thread].Events[in.index].Val
}
