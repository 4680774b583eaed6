package model_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/steercheck/steercheck/model"
)

// branchyProgram builds a random program in which what a thread writes after a read
// depends on the value read, the shape of v2-2012's submission path: each thread reads
// (READ_ONCE, a relaxed atomic_inc_return, a relaxed cmpxchg, or a READ_ONCE inside a
// spin_lock), then writes in one arm of an if/else and maybe in the other, sometimes
// after a second read or a spin-wait. The narrow rule (model/narrow.go) speculates
// such reads only with the values whose arm writes what another thread reads.
func branchyProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("branchy-%d", seed))
	locs, lock, nthreads := randomLocations(rng, p)
	loc := func() model.Array { return locs[rng.Intn(len(locs))] }
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var r model.Reg
		locked := false
		switch rng.Intn(4) {
		case 0:
			r = th.RMWOp(model.RMWAdd, loc(), 1, nil, model.AnnRelaxed, true)
		case 1:
			r = th.RMWOp(model.RMWCmpxchg, loc(), 0, 2, model.AnnRelaxed, false)
		case 2:
			th.SpinLock(lock)
			locked = true
			r = th.ReadOnce(loc())
		default:
			r = th.ReadOnce(loc())
		}
		// lkmm's hb leaves plain accesses out, so a plain write after a branch on r is
		// not ordered after r: the load-buffering window of v2-2012's req_vq store.
		write := func(l model.Array, v any) {
			if rng.Intn(3) == 0 {
				th.WriteOnce(l, v)
			} else {
				th.Write(l, v)
			}
		}
		then := func() { write(loc(), 1) }
		var els func()
		switch rng.Intn(5) {
		case 0:
			els = func() { write(loc(), model.Add(r, 1)) }
		case 1:
			els = func() {
				r2 := th.ReadOnce(loc())
				th.If(model.Eq(r2, 0), func() { write(loc(), 2) })
			}
		case 2:
			els = func() { th.Await(func() model.Expr { return model.Ge(th.ReadOnce(loc()), 1) }) }
		case 3:
			els = func() {
				r2 := th.ReadOnce(loc())
				th.If(model.Eq(r2, 0), func() { th.WriteOnce(loc(), 2) }, func() { write(loc(), 3) })
			}
		}
		th.If(model.Ne(r, 0), then, els)
		if locked {
			th.SpinUnlock(lock)
		}
		if rng.Intn(3) == 0 {
			write(loc(), 2)
		}
	}
	return p
}

// Explore visits exactly the graphs candidate enumeration visits, each once, on
// programs whose reads decide what their thread writes.
func TestNarrowRuleMatchesCandidates(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 120
	}
	cyclic := 0
	matchesCandidates(t, n, 10, branchyProgram, fingerprint, func(g *model.ExecutionGraph) {
		if model.HasPorfCycle(g) {
			cyclic++
		}
	})
	assert.Greater(t, cyclic, 50, "graphs with a po ∪ rf cycle among the programs")
	t.Logf("%d graphs with a cycle", cyclic)
}

// A read at a narrow instruction taken from the coherence-latest write must be kept
// even when its thread then writes what the read pairs with: a later write may revisit
// it. Here P1 first reads P0's x = 1 (and would write y), and only a revisit by P2's
// x = 0, which comes after P2's load-buffering cycle with P3, gives the graph where P1
// writes nothing.
func TestNarrowRuleKeepsTheLatestRead(t *testing.T) {
	p := model.NewProgram("narrow+revisit")
	x, y, z, u := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0), p.Var("u", 0)
	p.Thread("P0", "cpu").WriteOnce(x, 1)
	p1 := p.Thread("P1", "cpu")
	r1 := p1.ReadOnce(x)
	p1.If(model.Ne(r1, 0), func() { p1.Write(y, 1) })
	p2 := p.Thread("P2", "cpu")
	p2.ReadOnce(z)
	p2.Write(u, 1)
	p2.WriteOnce(x, 0)
	p3 := p.Thread("P3", "cpu")
	p3.ReadOnce(u)
	p3.ReadOnce(y)
	p3.WriteOnce(z, 1)
	found := false
	for _, g := range sameAsCandidates(t, p, "lkmm") {
		rd := g.Threads[1].Events[0]
		found = found || model.HasPorfCycle(g) && rd.RF == model.EventRef{Thread: 2, Index: 2}
	}
	assert.True(t, found, "P1 reading P2's x = 0 in a graph with a cycle")
}
