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

// races builds g and lists its races (the .cat's ww-race, wr-race and rw-race).
func (m *LKMM) races(g *model.ExecutionGraph) ([]Race, *lkmmRels, lkmmSets) {
	x := &m.x
	x.build(g, cDeps)
	a := &x.a
	s := m.sets()
	var r lkmmRels
	m.happensBefore(&s, &r)
	r.pb = a.restrict(nil, a.seq(r.prop, r.strongFence, a.star(r.hb)), s.Marked)
	if s.Plain.empty() {
		return nil, &r, s
	}
	rb, rcuFence := m.rcu(&s, &r)
	p := m.plainOrders(&s, &r, rb, rcuFence)
	preRace := preRace(a, x, &s)
	var out []Race
	add := func(kind string, u, v int) {
		out = append(out, Race{Kind: kind, First: x.ref(u), Second: x.ref(v)})
	}
	// ww-race = (pre-race ∩ co) \ ww-nonrace,
	// ww-nonrace = ww-vis ∩ ((Marked × W) ∪ rw-xbstar) ∩ ((W × Marked) ∪ wr-vis).
	ww := a.inter(preRace, x.co)
	p.eachPair(ww, func(u, v int) {
		nonrace := p.wwVisFrom(u).has(v) &&
			(s.Marked.has(u) || p.rwXbstarFrom(u).has(v)) &&
			(s.Marked.has(v) || p.wrVisFrom(u).has(v))
		if !nonrace {
			add("ww", u, v)
		}
	})
	// wr-race = (pre-race ∩ (co? ; rf)) \ wr-vis \ rw-xbstar⁻¹.
	wr := a.inter(preRace, a.seq(a.opt(x.co), x.rf))
	p.eachPair(wr, func(u, v int) {
		if !p.wrVisFrom(u).has(v) && !p.rwXbstarFrom(v).has(u) {
			add("wr", u, v)
		}
	})
	// rw-race = (pre-race ∩ fr) \ rw-xbstar.
	p.eachPair(a.inter(preRace, x.fr), func(u, v int) {
		if !p.rwXbstarFrom(u).has(v) {
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
	return out, &r, s
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
