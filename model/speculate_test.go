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

// loadBufferingProgram builds a random program shaped to have po ∪ rf cycles under the
// weak models: each thread mostly reads before it writes, with relaxed accesses, data
// and control dependencies, writes after the join of an if on a read (which LKMM
// leaves unordered and the hardware orders), relaxed RMWs, writes of the initial value
// and a spin-wait now and then, so that the second phase meets speculated reads that
// read the initial write, that several cycles share, that are deleted by backward
// revisits, and that end a spin-wait.
func loadBufferingProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("lb-%d", seed))
	locs, lock, nthreads := randomLocations(rng, p)
	nloc := len(locs)
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		locked := false
		val := func() any { return randomValue(rng, regs, 0) } // 0 is the initial value
		reads := 1 + rng.Intn(2)
		for s := 0; s < reads; s++ {
			l := locs[rng.Intn(nloc)]
			switch rng.Intn(6) {
			case 5:
				if !locked {
					th.SpinLock(lock) // released at the end, or never: a thread may then wait forever
					locked = true
					break
				}
				fallthrough
			case 0:
				regs = append(regs, th.RMWOp(model.RMWAdd, l, 1, nil, model.AnnRelaxed, true))
			case 1:
				th.Await(func() model.Expr { return model.Ge(th.ReadOnce(l), 1) })
			default:
				regs = append(regs, th.ReadOnce(l))
			}
		}
		writes := 1 + rng.Intn(2)
		for s := 0; s < writes; s++ {
			l := locs[rng.Intn(nloc)]
			if len(regs) > 0 && rng.Intn(4) == 0 {
				r := regs[rng.Intn(len(regs))]
				th.If(model.Eq(r, 1), func() { th.WriteOnce(l, val()) })
				continue
			}
			if len(regs) > 0 && rng.Intn(4) == 0 { // after the join: ctrl ends there under lkmm
				r := regs[rng.Intn(len(regs))]
				other := locs[rng.Intn(nloc)]
				th.If(model.Eq(r, 1), func() { th.WriteOnce(other, 2) })
				th.WriteOnce(l, val())
				continue
			}
			if locked && rng.Intn(2) == 0 {
				th.Write(l, val()) // plain: lkmm's acquire orders only marked accesses
				continue
			}
			th.WriteOnce(l, val())
		}
		if locked && rng.Intn(2) == 0 {
			th.SpinUnlock(lock)
		}
	}
	return p
}

// Explore's second phase (speculated reads) visits exactly the graphs with a po ∪ rf
// cycle that candidate enumeration visits, each once, on programs built to have many.
func TestSpeculationMatchesCandidatesOnLoadBuffering(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 150
	}
	cyclic, blocked, postJoin := 0, 0, 0
	matchesCandidates(t, n, 9, loadBufferingProgram, fingerprint, func(g *model.ExecutionGraph) {
		if model.HasPorfCycle(g) {
			cyclic++
			if postJoinWriteReadByOthers(g) {
				postJoin++
			}
			for u := range g.Threads {
				if g.Status(u) == model.Blocked {
					blocked++
					break
				}
			}
		}
	})
	// The programs must give the second phase work, or this test shows nothing.
	assert.Greater(t, cyclic, 100, "graphs with a po ∪ rf cycle among the programs")
	assert.Greater(t, blocked, 0, "graphs with a po ∪ rf cycle and a thread blocked in a spin-wait")
	assert.Greater(t, postJoin, 0, "graphs with a po ∪ rf cycle and a write after an if's join read by another thread")
	t.Logf("%d graphs with a cycle, %d of them with a blocked thread, %d with a post-join write read by another thread", cyclic, blocked, postJoin)
}

// matchesCandidates checks, under lkmm, lkmm-alpha and armv8, on gen's programs for
// seeds 1 to n with at most maxSize memory instructions, that Explore visits each
// graph once and exactly the graphs candidate enumeration visits (compared by key);
// each is called on every candidate graph. lkmm-alpha differs from lkmm only on
// address-dependent accesses, so it runs on the programs that have one. It stops at
// the first program that differs.
func matchesCandidates(t *testing.T, n, maxSize int, gen func(seed int64) *model.Program, key func(*model.ExecutionGraph) string, each func(*model.ExecutionGraph)) {
	t.Helper()
	for _, name := range []string{"lkmm", "lkmm-alpha", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		if !matchesCandidatesUnder(t, m, n, maxSize, gen, key, each) {
			return
		}
	}
}

// matchesCandidatesUnder is matchesCandidates under one model; it reports whether
// every program agreed.
func matchesCandidatesUnder(t *testing.T, m model.Consistency, n, maxSize int, gen func(seed int64) *model.Program, key func(*model.ExecutionGraph) string, each func(*model.ExecutionGraph)) bool {
	t.Helper()
	for seed := int64(1); seed <= int64(n); seed++ {
		p := gen(seed)
		if sizeOf(p) > maxSize || m.Name() == "lkmm-alpha" && !hasAddressDependency(p) {
			continue
		}
		what := fmt.Sprintf("%s seed %d; reproduce: go test ./model -run %s", m.Name(), seed, t.Name())
		a := visitedOnce(t, p, m, key, what)
		b := candidateKeys(p, m, key, each)
		if !assert.Equal(t, keys(b), keys(a), "%s\n%s", what, p) {
			return false
		}
	}
	return true
}

// fingerprint keys a graph by its events, reads-from and coherence.
func fingerprint(g *model.ExecutionGraph) string { return g.Fingerprint() }

// visitedOnce runs Explore on p under m to the end and returns the keys of the graphs
// it visited; a graph visited twice fails the test (what names the run).
func visitedOnce(t *testing.T, p *model.Program, m model.Consistency, key func(*model.ExecutionGraph) string, what string) map[string]bool {
	t.Helper()
	a := map[string]bool{}
	dup := ""
	res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		k := key(g)
		if a[k] && dup == "" {
			dup = g.String()
		}
		a[k] = true
		return true
	})
	require.Equal(t, model.Exhausted, res.Reason, what)
	require.Empty(t, dup, "%s: a graph visited twice\n%s", what, p)
	return a
}

// candidateKeys returns the keys of the graphs candidate enumeration visits on p under
// m, calling each on every one.
func candidateKeys(p *model.Program, m model.Consistency, key func(*model.ExecutionGraph) string, each func(*model.ExecutionGraph)) map[string]bool {
	b := map[string]bool{}
	model.ExploreCandidates(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		b[key(g)] = true
		each(g)
		return true
	})
	return b
}

// sameAsCandidates checks that Explore visits under model name exactly the graphs
// candidate enumeration visits, each once, and returns them.
func sameAsCandidates(t *testing.T, p *model.Program, name string) []*model.ExecutionGraph {
	t.Helper()
	m, err := barriers.New(name)
	require.NoError(t, err)
	a, b := map[string]bool{}, map[string]bool{}
	var gs []*model.ExecutionGraph
	res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		fp := g.Fingerprint()
		assert.False(t, a[fp], "visited twice:\n%s", g)
		a[fp] = true
		gs = append(gs, g.Clone())
		return true
	})
	require.Equal(t, model.Exhausted, res.Reason)
	model.ExploreCandidates(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		b[g.Fingerprint()] = true
		return true
	})
	assert.Equal(t, keys(b), keys(a), "%s\n%s", name, p)
	return gs
}

// A thread that waits forever for a lock whose read was speculated, beside a load
// buffering cycle: the explorer must not take the wait for a stale read before the
// read has a write. It also needs lkmm's unmatched-locks axiom to spare running
// threads: P1 takes the lock while P0, which never releases it, already holds it in
// coherence order, and releases it later.
func TestSpeculatedLockWaitsForever(t *testing.T) {
	p := model.NewProgram("lb+lock-held")
	x, y, z, l := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0), p.Var("l", 0)
	p0 := p.Thread("P0", "cpu")
	p0.SpinLock(l) // never released
	p0.ReadOnce(x)
	p0.Write(y, 1)
	p1 := p.Thread("P1", "cpu")
	p1.SpinLock(l)
	p1.Write(z, 1)
	p1.SpinUnlock(l)
	p2 := p.Thread("P2", "cpu")
	p2.ReadOnce(y)
	p2.ReadOnce(z)
	p2.WriteOnce(x, 1)
	blocked, bothLocked := 0, 0
	for _, g := range sameAsCandidates(t, p, "lkmm") {
		if !model.HasPorfCycle(g) {
			continue
		}
		switch g.Status(1) {
		case model.Blocked:
			blocked++
		case model.Done:
			bothLocked++
		}
	}
	assert.Positive(t, blocked, "P1 waits for the lock while P0 and P2 form a cycle")
	assert.Positive(t, bothLocked, "P1 takes and releases the lock before P0 takes it, in a cycle")
}

// The write half of an RMW whose read was speculated has no fixed place in coherence
// order yet: when it revisits a read, it must be tried before the writes that stay,
// not only last. Here P2's increment reads P3's x = 7 (a cycle through z) and P1
// reads the increment, while P0's x = 5 comes last in coherence order.
func TestSpeculatedRMWRevisitsInEveryPosition(t *testing.T) {
	p := model.NewProgram("lb+rmw-revisit")
	x, z := p.Var("x", 0), p.Var("z", 0)
	p.Thread("P0", "cpu").WriteOnce(x, 5)
	p.Thread("P1", "cpu").ReadOnce(x)
	p2 := p.Thread("P2", "cpu")
	p2.RMWOp(model.RMWAdd, x, 1, nil, model.AnnRelaxed, true)
	p2.WriteOnce(z, 1)
	p3 := p.Thread("P3", "cpu")
	p3.ReadOnce(z)
	p3.WriteOnce(x, 7)
	found := false
	for _, g := range sameAsCandidates(t, p, "lkmm") {
		co := g.Co[0]
		found = found || model.HasPorfCycle(g) && len(co) == 3 && co[2].Thread == 0 && g.Threads[1].Events[0].Val == 8
	}
	assert.True(t, found, "x = 7, 8, 5 in coherence order, P1 reading 8")
}
