package barriers

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// anyGraph accepts every candidate: it lets the tests see the graphs a model rejects.
type anyGraph struct{}

func (anyGraph) Name() string                          { return "any" }
func (anyGraph) Consistent(*model.ExecutionGraph) bool { return true }
func (anyGraph) PorfCycles() bool                      { return true }

// broken lists the axioms the named model says the weak-outcome candidates of p break
// ("" for a candidate it allows).
func broken(t *testing.T, name string, p *model.Program, weak weakFn) []string {
	t.Helper()
	m, err := New(name)
	require.NoError(t, err)
	c := m.(Checker)
	set := map[string]bool{}
	model.ExploreCandidates(p, anyGraph{}, model.Options{}, func(g *model.ExecutionGraph) bool {
		if weak(g) {
			set[c.Violation(g)] = true
		}
		return true
	})
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mpPlain: the data is a plain C access, the flag marked (release/acquire or ONCE).
func mpPlain(sync bool) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p, p0, p1 := twoThreads("MP+plain")
		data, flag := p.Var("data", 0), p.Var("flag", 0)
		p0.Write(data, 1)
		var r0 model.Reg
		if sync {
			p0.StoreRelease(flag, 1)
			r0 = p1.LoadAcquire(flag)
		} else {
			p0.WriteOnce(flag, 1)
			r0 = p1.ReadOnce(flag)
		}
		r1 := p1.Read(data)
		return p, func(g *model.ExecutionGraph) bool { return eq(g, p1, r0, 1) && eq(g, p1, r1, 0) }
	}
}

// lockNest: P0 takes the lock twice; P1's stray unlock would let the second succeed.
func lockNest() (*model.Program, weakFn) {
	p, p0, p1 := twoThreads("lock-nest")
	l := p.Var("l", 0)
	p0.SpinLock(l)
	p0.SpinLock(l)
	p1.SpinUnlock(l)
	return p, func(g *model.ExecutionGraph) bool { return g.Status(p0.ID) == model.Done }
}

// unmatchedLocks: P0 and P2 both take the lock for good, thanks to P1's stray unlock.
func unmatchedLocks() (*model.Program, weakFn) {
	p, p0, p1, p2 := threeThreads("unmatched-locks")
	l := p.Var("l", 0)
	p0.SpinLock(l)
	p1.SpinUnlock(l)
	p2.SpinLock(l)
	return p, func(g *model.ExecutionGraph) bool {
		return g.Status(p0.ID) == model.Done && g.Status(p2.ID) == model.Done
	}
}

func withoutFilter(b func() (*model.Program, weakFn, weakFn)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p, w, _ := b()
		return p, w
	}
}

// Every axiom of every model is the reason some weak outcome is forbidden.
func TestEachAxiomForbidsSomething(t *testing.T) {
	cases := []struct {
		model string
		shape func() (*model.Program, weakFn)
		want  string
	}{
		{"lkmm", coRR, "coherence"},
		{"lkmm", withoutFilter(lbMbCtrl), "happens-before"},
		{"lkmm", sb(fenceZ(model.FenceMb)), "propagation"},
		{"lkmm", withoutFilter(rcuSyncRead), "rcu"},
		{"lkmm", mpPlain(true), "plain-coherence"},
		{"lkmm", lockNest, "lock-nest"},
		{"lkmm", unmatchedLocks, "unmatched-locks"},
		{"lkmm-alpha", mpAddr(readOnce, fence(model.FenceReadBarrierDepend), false), "happens-before"},
		{"tso", coRR, "uniproc"},
		{"tso", mp(nothing, writeOnce, readOnce, nothing), "tso"},
		{"armv8", coRR, "internal"},
		{"armv8", mp(fence(model.FenceWmb), writeOnce, readOnce, fence(model.FenceRmb)), "external"},
	}
	for _, c := range cases {
		p, weak := c.shape()
		got := broken(t, c.model, p, weak)
		require.NotEmpty(t, got, "%s has no weak candidate", p.Name)
		assert.NotContains(t, got, "", "%s under %s: a weak candidate is allowed", p.Name, c.model)
		assert.Contains(t, got, c.want, "%s under %s", p.Name, c.model)
	}
}

// The atomic axiom, on a graph the explorers would never build: P1's increment reads
// the initial value although P0's increment comes between in coherence.
func TestAtomicAxiom(t *testing.T) {
	p, p0, p1 := twoThreads("atomic")
	x := p.Var("x", 0)
	p0.AtomicInc(x)
	p1.AtomicInc(x)
	var bad *model.ExecutionGraph
	model.Explore(p, must(New("sc")), model.Options{}, func(g *model.ExecutionGraph) bool {
		if g.Threads[p1.ID].Events[0].RF == (model.EventRef{Thread: int32(p0.ID), Index: 1}) {
			bad = g.Clone()
		}
		return true
	})
	require.NotNil(t, bad)
	bad.Threads[p1.ID].Events[0].RF = model.InitRef(x.Base)
	want := map[string]string{"tso": "atomic", "lkmm": "atomic", "lkmm-alpha": "atomic", "armv8": "atomic"}
	for name, v := range want {
		assert.Equal(t, v, must(New(name)).(Checker).Violation(bad), name)
	}
}

func must(m Model, err error) Model {
	if err != nil {
		panic(err)
	}
	return m
}

// Plain accesses: a race lets the stale read through (herd7 says Sometimes and flags
// the data race); release/acquire forbids it through plain-coherence.
func TestPlainAccesses(t *testing.T) {
	for _, c := range []struct {
		sync bool
		want verdicts
	}{{false, "NNYYY"}, {true, "NNNNN"}} {
		for i, name := range modelNames {
			p, weak := mpPlain(c.sync)()
			got, _ := explore(t, name, p, weak)
			assert.Equal(t, c.want[i] == 'Y', got, "MP+plain (release/acquire %v) under %s", c.sync, name)
		}
	}
}

// A thread that waits forever for a lock is reported as blocked by every model.
func TestBlockedLockIsVisited(t *testing.T) {
	p, p0, _ := twoThreads("deadlock")
	l := p.Var("l", 0)
	p0.SpinLock(l)
	p0.SpinLock(l)
	for _, name := range modelNames {
		blocked := 0
		model.Explore(p, must(New(name)), model.Options{}, func(g *model.ExecutionGraph) bool {
			if g.Status(p0.ID) == model.Blocked {
				blocked++
			}
			return true
		})
		assert.Equal(t, 1, blocked, name)
	}
}

// Two details of herd7's C semantics the dependency relations follow.
func TestHerdDependencyDetails(t *testing.T) {
	// spin_trylock's result is a constant in herd7, so a store under "if it failed" is
	// not ordered after the failed attempt's read: LB through the lock word is allowed.
	trylock := func() (*model.Program, weakFn) {
		p, p0, p1 := twoThreads("trylock-fail+ctrl")
		l, y := p.Var("l", 0), p.Var("y", 0)
		r := p0.SpinTrylock(l)
		p0.If(model.Eq(r, 0), func() { p0.WriteOnce(y, 1) })
		ry := p1.ReadOnce(y)
		p1.SmpMb()
		p1.SpinLock(l)
		return p, func(g *model.ExecutionGraph) bool { return eq(g, p0, r, 0) && eq(g, p1, ry, 1) }
	}
	// The value xchg stores does not depend on the value it read, while atomic_add's
	// does: only the latter's read is ordered (dep ; rfi) before a later READ_ONCE of
	// its own store.
	rmwThenRead := func(kind model.RMWKind) func() (*model.Program, weakFn) {
		return func() (*model.Program, weakFn) {
			p, p0, p1 := twoThreads("rmw+rfi")
			x, y := p.Var("x", 0), p.Var("y", 0)
			r0 := p0.RMWOp(kind, x, 1, nil, model.AnnRelaxed, false)
			r2 := p0.ReadOnce(x)
			p0.WriteOnce(y, fakeDep(r2, 1))
			ry := p1.ReadOnce(y)
			p1.WriteOnce(x, fakeDep(ry, 2))
			return p, func(g *model.ExecutionGraph) bool { return eq(g, p0, r0, 2) && eq(g, p1, ry, 1) }
		}
	}
	for _, c := range []struct {
		name  string
		shape func() (*model.Program, weakFn)
		lkmm  bool
	}{
		{"trylock-fail+ctrl", trylock, true},
		{"xchg_relaxed+rfi", rmwThenRead(model.RMWXchg), true},
		{"atomic_fetch_add_relaxed+rfi", rmwThenRead(model.RMWAdd), false},
	} {
		p, weak := c.shape()
		got, _ := explore(t, "lkmm", p, weak)
		assert.Equal(t, c.lkmm, got, c.name)
	}
}

// Markers (logical actions) are in no relation: sprinkling them everywhere changes no
// verdict.
func TestMarkersAreInvisible(t *testing.T) {
	mark := func(th *model.Thread) { th.Mark("m", 1) }
	for _, c := range []struct {
		name  string
		shape func() (*model.Program, weakFn)
		want  verdicts
	}{
		{"MP+marks", mp(mark, writeOnce, readOnce, mark), "NNYYY"},
		{"SB+marks", sb(func(th *model.Thread, _ model.Array) { th.Mark("m") }), "NYYYY"},
		{"MP+wmb+rmb+marks", mp(func(th *model.Thread) { mark(th); th.SmpWmb(); mark(th) }, writeOnce, readOnce,
			func(th *model.Thread) { mark(th); th.SmpRmb(); mark(th) }), "NNNNN"},
	} {
		for i, name := range modelNames {
			p, weak := c.shape()
			got, _ := explore(t, name, p, weak)
			assert.Equal(t, c.want[i] == 'Y', got, "%s under %s", c.name, name)
		}
	}
}
