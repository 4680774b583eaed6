package barriers

import (
	"sort"

	"github.com/steercheck/steercheck/model"
)

// lkmm_flags.go computes LKMM's flags: the .cat's, .bell's and lock.cat's
// `flag ~empty X as name` statements. A flag does not forbid an execution; herd7
// prints "Flag name" under a test when some allowed execution raises it. The one that
// matters most is data-race: in LKMM an execution with a data race has undefined
// behaviour (the compiler may do anything with a racy plain access), so an outcome
// reached by a racy execution tells nothing, and kernel developers read the flag
// first.
//
// The flags, with the sets and relations they use:
//
//	data-race          ww-race ∪ wr-race ∪ rw-race (linux-kernel.cat, "Actual races")
//	mixed-accesses     a plain write and a marked access to the same location, in po
//	                   with no barrier (the .cat's barrier relation) between them
//	unmatched-rcu-lock / unmatched-rcu-unlock   rcu_read_lock/unlock without a partner
//	unmatched-unlock   a spin_unlock with no spin_lock of the same lock before it
//	unpaired-LKR       a lock read without its write (never: the DSL pairs them)
//	mixed-lock-accesses  an ordinary access to a location that lock operations use
//
// lock-final (the final condition tests a lock) depends on the test's final
// condition, so the litmus runner raises it. SRCU's flags are in lkmm_srcu.go.

// Flagger is a memory model with flags (herd7's `flag` statements): Flags lists, in
// alphabetical order (herd7's), the flags the consistent, complete execution g
// raises.
type Flagger interface {
	Flags(g *model.ExecutionGraph) []string
}

// Race is a data race of LKMM: two conflicting accesses of different threads, at
// least one of them plain, that nothing orders. Kind is "ww", "wr" (a write and a read
// that reads it or a co-later write) or "rw" (a read and a write co-after what it
// read), as the .cat names the three kinds; First is the left event of the .cat's pair.
type Race struct {
	Kind          string
	First, Second model.EventRef
}

// Flags implements Flagger.
func (m *LKMM) Flags(g *model.ExecutionGraph) []string {
	var out []string
	races, r, s := m.races(g)
	if len(races) > 0 {
		out = append(out, "data-race")
	}
	if m.mixedAccesses(&s) {
		out = append(out, "mixed-accesses")
	}
	if r != nil {
		out = append(out, m.lockFlags(&s)...)
		out = append(out, m.rcuFlags()...)
		out = append(out, m.srcuFlags(&s)...)
	}
	sort.Strings(out)
	return out
}

// DataRaces lists the data races of the consistent, complete execution g, in node
// order (initial writes, then threads in program order).
func (m *LKMM) DataRaces(g *model.ExecutionGraph) []Race {
	races, _, _ := m.races(g)
	return races
}

// OrderAndRaces is Order and DataRaces of one graph together: g's relations and
// happens-before, which both are judged on, are built once. Under lkmm a property
// checker asks for both of every complete execution (P1 and P2 on the order, P11 on
// the races), and building them twice was a quarter of a run's time.
func (m *LKMM) OrderAndRaces(g *model.ExecutionGraph, o *GlobalOrder) (bool, []Race) {
	s, r, hbAcyclic := m.analyze(g)
	ordered := hbAcyclic && m.fillOrder(&r, o)
	return ordered, m.racesOf(&s, &r)
}

// analyze builds g and computes the relations up to pb, reporting whether hb is
// acyclic.
func (m *LKMM) analyze(g *model.ExecutionGraph) (lkmmSets, lkmmRels, bool) {
	x := &m.x
	x.build(g, cDeps)
	a := &x.a
	s := m.sets()
	var r lkmmRels
	ok := m.happensBefore(&s, &r)
	r.pb = a.restrict(nil, a.seq(r.prop, r.strongFence, a.star(r.hb)), s.Marked)
	return s, r, ok
}

// races builds g and lists its races (the .cat's ww-race, wr-race and rw-race).
func (m *LKMM) races(g *model.ExecutionGraph) ([]Race, *lkmmRels, lkmmSets) {
	s, r, _ := m.analyze(g)
	return m.racesOf(&s, &r), &r, s
}

// growSets returns s with n nil entries.
func growSets(s []set, n int) []set {
	if cap(s) < n {
		return make([]set, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// racesOf lists the races of the graph analyze built.
func (m *LKMM) racesOf(s *lkmmSets, r *lkmmRels) []Race {
	x := &m.x
	a := &x.a
	if s.Plain.empty() {
		return nil
	}
	rb, rcuFence := m.rcu(s, r)
	p := m.plainOrders(s, r, rb, rcuFence)
	preRace := preRace(a, x, s)
	var out []Race
	add := func(kind string, u, v int) {
		out = append(out, Race{Kind: kind, First: x.ref(u), Second: x.ref(v)})
	}
	for k := range m.raceMemo {
		m.raceMemo[k] = growSets(m.raceMemo[k], x.n)
	}
	memo := func(k int, from func(int) set, v int) set {
		if m.raceMemo[k][v] == nil {
			m.raceMemo[k][v] = from(v)
		}
		return m.raceMemo[k][v]
	}
	rwXbstar := func(v int) set { return memo(0, p.rwXbstarFrom, v) }
	wrVis := func(v int) set { return memo(1, p.wrVisFrom, v) }
	wwVis := func(v int) set { return memo(2, p.wwVisFrom, v) }
	// ww-race = (pre-race ∩ co) \ ww-nonrace,
	// ww-nonrace = ww-vis ∩ ((Marked × W) ∪ rw-xbstar) ∩ ((W × Marked) ∪ wr-vis).
	ww := a.inter(preRace, x.co)
	p.eachPair(ww, func(u, v int) {
		nonrace := wwVis(u).has(v) &&
			(s.Marked.has(u) || rwXbstar(u).has(v)) &&
			(s.Marked.has(v) || wrVis(u).has(v))
		if !nonrace {
			add("ww", u, v)
		}
	})
	// wr-race = (pre-race ∩ (co? ; rf)) \ wr-vis \ rw-xbstar⁻¹.
	wr := a.inter(preRace, a.seq(a.opt(x.co), x.rf))
	p.eachPair(wr, func(u, v int) {
		if !wrVis(u).has(v) && !rwXbstar(v).has(u) {
			add("wr", u, v)
		}
	})
	// rw-race = (pre-race ∩ fr) \ rw-xbstar.
	p.eachPair(a.inter(preRace, x.fr), func(u, v int) {
		if !rwXbstar(u).has(v) {
			add("rw", u, v)
		}
	})
	sort.SliceStable(out, func(i, j int) bool {
		ni, nj := x.node(out[i].First), x.node(out[j].First)
		if ni != nj {
			return ni < nj
		}
		return x.node(out[i].Second) < x.node(out[j].Second)
	})
	return out
}

// mixedAccesses is the .cat's mixed-accesses flag:
// ([Plain ∩ W] ; (po-loc \ barrier) ; [Marked]) ∪ ([Marked] ; (po-loc \ barrier) ; [Plain ∩ W]),
// barrier = fencerel(Barrier | Rmb | Wmb | Mb | Sync-rcu | Sync-srcu | Before-atomic |
// After-atomic | Acquire | Release | Rcu-lock | Rcu-unlock | Srcu-lock | Srcu-unlock)
// ∪ (po ; [Release]) ∪ ([Acquire] ; po). Mb holds smp_mb() and the events of fully
// ordered RMWs (the .bell's MB tag), Acquire the lock reads and Release the unlocks
// (lock.cat adds them).
func (m *LKMM) mixedAccesses(s *lkmmSets) bool {
	x := &m.x
	a := &x.a
	plainW := a.setInter(s.Plain, s.W)
	if plainW.empty() {
		return false
	}
	between := a.setUnion(
		x.fences(model.FenceBarrier, model.FenceRmb, model.FenceWmb, model.FenceMb, model.FenceSyncRcu,
			model.FenceBeforeAtomic, model.FenceAfterAtomic, model.FenceRcuLock, model.FenceRcuUnlock),
		s.Mb, s.Acquire, s.Release, m.srcuEvents())
	barrier := a.union(x.fencerel(between), a.restrict(nil, x.po, s.Release), a.restrict(s.Acquire, x.po, nil))
	poloc := a.minus(a.inter(x.po, x.loc), barrier)
	return !a.restrict(plainW, poloc, s.Marked).empty() || !a.restrict(s.Marked, poloc, plainW).empty()
}

// lockFlags are lock.cat's unmatched-unlock, unpaired-LKR and mixed-lock-accesses.
func (m *LKMM) lockFlags(s *lkmmSets) []string {
	x := &m.x
	a := &x.a
	var out []string
	// ALL-LOCKS = LKR | LKW | UL | LF | RU | Srcu-lock | Srcu-unlock | Sync-srcu, where
	// LF includes RL: spin_is_locked's read is one, whatever it returns.
	allLocks := a.setUnion(s.LKR, s.LKW, s.UL, x.setOf(cLockFail, 0), x.setOf(cLockBlocked, 0),
		x.setOf(cIsLocked, 0), m.srcuEvents())
	if allLocks.empty() {
		return nil
	}
	poloc := a.inter(x.po, x.loc)
	critical := a.minus(a.restrict(s.LKW, poloc, s.UL),
		a.seq(poloc, a.id(a.setUnion(s.LKW, s.UL)), poloc))
	if !a.setMinus(s.UL, a.rangeOf(critical)).empty() {
		out = append(out, "unmatched-unlock")
	}
	if !a.setMinus(s.LKR, a.domain(a.restrict(s.LKR, poloc, s.LKW))).empty() {
		out = append(out, "unpaired-LKR")
	}
	ordinary := a.setMinus(a.setMinus(s.M, s.IW), allLocks)
	if !a.restrict(ordinary, x.loc, allLocks).empty() {
		out = append(out, "mixed-lock-accesses")
	}
	return out
}

// rcuFlags are the .bell's unmatched-rcu-lock and unmatched-rcu-unlock: brackets
// rcuReadSections leaves unmatched.
func (m *LKMM) rcuFlags() []string {
	x := &m.x
	a := &x.a
	locks, unlocks := x.fences(model.FenceRcuLock), x.fences(model.FenceRcuUnlock)
	if locks.empty() && unlocks.empty() {
		return nil
	}
	rscs := m.rcuReadSections()
	var out []string
	if !a.setMinus(locks, a.domain(rscs)).empty() {
		out = append(out, "unmatched-rcu-lock")
	}
	if !a.setMinus(unlocks, a.rangeOf(rscs)).empty() {
		out = append(out, "unmatched-rcu-unlock")
	}
	return out
}

// HasDataRaces reports whether m is a model with data races (lkmm, lkmm-alpha): one
// whose DataRaces lists them.
func HasDataRaces(m model.Consistency) bool {
	_, ok := m.(interface {
		DataRaces(*model.ExecutionGraph) []Race
	})
	return ok
}
