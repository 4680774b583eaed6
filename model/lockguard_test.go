package model_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// lockedPlainProgram builds a random program shaped like a kernel critical section
// between load-buffering accesses: each thread may read a marked location, then takes
// lock l and reads or writes g (plain or marked), releases it (or, now and then, never
// does), and writes a marked location or g. Some seeds leave one access to g outside
// the lock (or after it), so g is unguarded and the plain accesses may form cycles that lkmm allows:
// the lock rule (lockguard.go) must then keep them open.
func lockedPlainProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("locked-plain-%d", seed))
	g, l := p.Var("g", 0), p.Var("l", 0)
	xs := []model.Array{p.Var("x", 0), p.Var("y", 0)}
	leak := rng.Intn(3) == 0
	nthreads := 2 + rng.Intn(2)
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		val := func() any { return randomValue(rng, regs, 1) }
		// Mostly P0 reads x and writes y, P1 reads y and writes x: load buffering.
		in, out := xs[ti%2], xs[(ti+1)%2]
		if rng.Intn(4) == 0 {
			in, out = out, in
		}
		if rng.Intn(4) > 0 {
			regs = append(regs, th.ReadOnce(in))
		}
		access := func() {
			switch rng.Intn(5) {
			case 0, 1:
				regs = append(regs, th.Read(g))
			case 2:
				th.Write(g, val())
			case 3:
				regs = append(regs, th.ReadOnce(g))
			case 4:
				th.WriteOnce(g, val())
			}
		}
		switch {
		case leak && ti == nthreads-1 && rng.Intn(2) == 0:
			access() // outside the lock: g is unguarded
		case leak && ti == nthreads-1:
			th.SpinLock(l)
			th.SpinUnlock(l)
			access() // after the unlock: g is unguarded
		default:
			th.SpinLock(l)
			for k := 0; k < 1+rng.Intn(2); k++ {
				access()
			}
			if ti > 0 || rng.Intn(4) > 0 {
				th.SpinUnlock(l)
			}
		}
		switch rng.Intn(3) {
		case 0:
			if len(regs) > 0 {
				r := regs[rng.Intn(len(regs))]
				th.If(model.Eq(r, 1), func() { th.WriteOnce(out, 1) })
				break
			}
			fallthrough
		default:
			th.WriteOnce(out, val())
		}
	}
	return p
}

// A lock orders the accesses it guards (lockguard.go), so fewer reads are speculated;
// Explore must still visit exactly the graphs candidate enumeration visits, each once,
// and the programs must have cycles through critical sections, guarded and unguarded
// locations, and pairs the rules close.
func TestLockGuardMatchesCandidates(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 400
	}
	cyclic, closedByLocks, unguardedCycles := 0, 0, 0
	for _, name := range []string{"lkmm", "lkmm-alpha", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		lo := m.(model.LocalOrder)
		for seed := int64(1); seed <= int64(n); seed++ {
			p := lockedPlainProgram(seed)
			if sizeOf(p) > 11 {
				continue
			}
			plainCycle := false
			for _, g := range sameAsCandidates(t, p, name) {
				if model.HasPorfCycle(g) {
					cyclic++
					plainCycle = plainCycle || hasPlainRead(g)
				}
			}
			if t.Failed() {
				return
			}
			if plainCycle && name == "lkmm" {
				unguardedCycles++
			}
			withLocks, _ := model.OpenPairs(p, lo, model.Options{})
			without, _ := model.OpenPairs(p, markedOnly{lo}, model.Options{})
			if len(withLocks) < len(without) {
				closedByLocks++
			}
		}
	}
	assert.Greater(t, cyclic, 50, "graphs with a po ∪ rf cycle")
	assert.Greater(t, closedByLocks, 30, "programs where the lock rules close pairs")
	assert.Greater(t, unguardedCycles, 0, "lkmm graphs with a cycle and a plain read")
	t.Logf("%d graphs with a cycle; %d programs with pairs closed by locks; lkmm: %d with a plain read in a cycle",
		cyclic, closedByLocks, unguardedCycles)
}

// markedOnly hides a LocalOrder's PlainOrderedByLocks and LockOrdered, for comparison.
type markedOnly struct{ model.LocalOrder }

// hasPlainRead reports whether some read of g is plain.
func hasPlainRead(g *model.ExecutionGraph) bool {
	for t := range g.Threads {
		for _, e := range g.Threads[t].Events {
			if e.Kind == model.KindRead && e.Ann&model.AnnPlain != 0 {
				return true
			}
		}
	}
	return false
}

// The lock rule on the shape it was made for: plain accesses guarded by a lock, between
// marked accesses that could form a load-buffering cycle. Guarded, no read is open
// under lkmm and no graph has a cycle; with the reader's lock removed, the plain read
// is open and lkmm allows the cycle (a data race, which lkmm flags but does not
// forbid).
func TestLockGuardClosesCriticalSections(t *testing.T) {
	build := func(readerLocks bool) *model.Program {
		p := model.NewProgram("lb+locked-plain")
		g, l, x := p.Var("g", 0), p.Var("l", 0), p.Var("x", 0)
		p0 := p.Thread("P0", "cpu")
		if readerLocks {
			p0.SpinLock(l)
		}
		p0.Read(g)
		if readerLocks {
			p0.SpinUnlock(l)
		}
		p0.WriteOnce(x, 1)
		p1 := p.Thread("P1", "cpu")
		p1.ReadOnce(x)
		p1.SpinLock(l)
		p1.Write(g, 1)
		p1.SpinUnlock(l)
		return p
	}
	m, err := barriers.New("lkmm")
	require.NoError(t, err)
	lo := m.(model.LocalOrder)
	cycles := func(p *model.Program) int {
		n := 0
		for _, g := range sameAsCandidates(t, p, "lkmm") {
			if model.HasPorfCycle(g) {
				n++
			}
		}
		return n
	}

	guarded := build(true)
	open, res := model.OpenPairs(guarded, lo, model.Options{})
	require.Equal(t, model.Exhausted, res.Reason)
	assert.Empty(t, open)
	assert.Equal(t, 0, cycles(guarded))
	without, _ := model.OpenPairs(guarded, markedOnly{lo}, model.Options{})
	assert.NotEmpty(t, without, "without the lock rule the plain read is open")
	arm, err := barriers.New("armv8")
	require.NoError(t, err)
	open, _ = model.OpenPairs(guarded, arm.(model.LocalOrder), model.Options{})
	assert.Empty(t, open, "armv8: g is accessed only under l")

	racy := build(false)
	open, _ = model.OpenPairs(racy, lo, model.Options{})
	assert.Equal(t, []model.OpenPair{{Thread: 0, ReadPC: 0, WritePC: 1}, {Thread: 1, ReadPC: 0, WritePC: 2}}, open)
	assert.Equal(t, 1, cycles(racy))
}

// A spin_trylock that fails reads the lock's write (LKW) and goes on, so an rf edge
// from an LKW can leave a segment of a cycle: P0 reads x before taking the lock, P1's
// trylock sees it taken and writes x. Only a spin_lock that reads an LKW ends its
// thread there.
func TestTrylockReadsTheLockWrite(t *testing.T) {
	p := model.NewProgram("lb+trylock")
	x, l := p.Var("x", 0), p.Var("l", 0)
	p0 := p.Thread("P0", "cpu")
	p0.ReadOnce(x)
	p0.SpinLock(l) // never released
	p1 := p.Thread("P1", "cpu")
	p1.SpinTrylock(l)
	p1.SmpMb() // P1's side of the cycle is ordered: only P0's read → lock write is open
	p1.WriteOnce(x, 1)
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		open, _ := model.OpenPairs(p, m.(model.LocalOrder), model.Options{})
		assert.Equal(t, []model.OpenPair{{Thread: 0, ReadPC: 0, WritePC: 1}}, open, name)
		cycles := 0
		for _, g := range sameAsCandidates(t, p, name) {
			if model.HasPorfCycle(g) {
				cycles++
			}
		}
		assert.Equal(t, 1, cycles, name)
	}
}

// A location all of whose accesses hold one lock orders its rf edges by the lock
// under lkmm and armv8 alike, marked accesses included: P0 reads x before its critical
// section and writes g inside it, P1 reads g inside its own and then writes x. The
// cycle would need P1's critical section both after P0's (to read g = 1) and before
// it (for P0 to read x = 1): no pair is open, and no graph has a cycle.
func TestFullGuardClosesMarkedAccesses(t *testing.T) {
	p := model.NewProgram("lb+locked-marked")
	x, g, l := p.Var("x", 0), p.Var("g", 0), p.Var("l", 0)
	p0 := p.Thread("P0", "cpu")
	p0.ReadOnce(x)
	p0.SpinLock(l)
	p0.WriteOnce(g, 1)
	p0.SpinUnlock(l)
	p1 := p.Thread("P1", "cpu")
	p1.SpinLock(l)
	p1.ReadOnce(g)
	p1.SpinUnlock(l)
	p1.WriteOnce(x, 1)
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		lo := m.(model.LocalOrder)
		open, res := model.OpenPairs(p, lo, model.Options{})
		require.Equal(t, model.Exhausted, res.Reason)
		assert.Empty(t, open, name)
		without, _ := model.OpenPairs(p, markedOnly{lo}, model.Options{})
		assert.NotEmpty(t, without, "%s: without the lock rules a pair is open", name)
		for _, gr := range sameAsCandidates(t, p, name) {
			assert.False(t, model.HasPorfCycle(gr), "%s:\n%s", name, gr)
		}
	}
}
