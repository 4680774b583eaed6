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

// sameLocationProgram builds a random program whose threads read, then write, mostly
// the locations they read: relaxed RMWs (atomic_inc, whose read armv8 orders before no
// later write of the thread), ONCE reads and writes, and an array element chosen by a
// read value, so that one instruction pair may access one location on some paths and
// two on others. The rest is as in loadBufferingProgram: dependencies, writes under an
// if, a spin-wait now and then.
func sameLocationProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("same-loc-%d", seed))
	x := []model.Array{p.Var("x", 0), p.Var("y", 0)}
	a := p.ArrayOf("a", 2, 0)
	nthreads := 2 + rng.Intn(2)
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		var touched []model.Addr
		loc := func() model.Addr {
			switch k := rng.Intn(6); {
			case k < 2 && len(touched) > 0:
				return touched[rng.Intn(len(touched))] // the location read before, often
			case k == 2 && len(regs) > 0:
				return a.Idx(model.Mod(regs[rng.Intn(len(regs))], 2))
			case k == 3:
				return a.At(rng.Intn(2))
			default:
				return x[rng.Intn(len(x))]
			}
		}
		for s, n := 0, 1+rng.Intn(2); s < n; s++ {
			l := loc()
			touched = append(touched, l)
			switch rng.Intn(5) {
			case 0, 1:
				regs = append(regs, th.RMWOp(model.RMWAdd, l, 1, nil, model.AnnRelaxed, true))
			case 2:
				th.Await(func() model.Expr { return model.Ge(th.ReadOnce(l), 1) })
			default:
				regs = append(regs, th.ReadOnce(l))
			}
		}
		for s, n := 0, 1+rng.Intn(2); s < n; s++ {
			l := loc()
			switch {
			case rng.Intn(3) == 0:
				th.AtomicAdd(l, 1)
			case len(regs) > 0 && rng.Intn(4) == 0:
				r := regs[rng.Intn(len(regs))]
				th.If(model.Eq(r, 1), func() { th.WriteOnce(l, randomValue(rng, regs, 0)) })
			default:
				th.WriteOnce(l, randomValue(rng, regs, 0))
			}
		}
	}
	return p
}

// withoutCoherence hides a model's CoherenceOrdered: its open pairs as they were
// before the coherence rule.
type withoutCoherence struct{ model.LocalOrder }

// Under armv8 a read and a later write of the same location are no open pair
// (porfcycle.go, CoherenceOrdered): Explore must still visit exactly the graphs
// candidate enumeration visits, on programs where that rule closes many pairs, some of
// whose instructions meet on one location on some paths only.
func TestCoherenceClosedPairsMatchCandidates(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 200
	}
	m, err := barriers.New("armv8")
	require.NoError(t, err)
	lo := m.(model.LocalOrder)
	closed, emptied, cyclic := 0, 0, 0
	for seed := int64(1); seed <= int64(n); seed++ {
		p := sameLocationProgram(seed)
		if sizeOf(p) > 9 {
			continue
		}
		before, res := model.OpenPairs(p, withoutCoherence{lo}, model.Options{})
		require.Equal(t, model.Exhausted, res.Reason)
		after, res := model.OpenPairs(p, lo, model.Options{})
		require.Equal(t, model.Exhausted, res.Reason)
		require.Subset(t, before, after)
		closed += len(before) - len(after)
		if len(before) > 0 && len(after) == 0 {
			emptied++
		}
		what := fmt.Sprintf("armv8 seed %d; reproduce: go test ./model -run %s", seed, t.Name())
		a := visitedOnce(t, p, m, fingerprint, what)
		b := candidateKeys(p, m, fingerprint, func(g *model.ExecutionGraph) {
			if model.HasPorfCycle(g) {
				cyclic++
			}
		})
		if !assert.Equal(t, keys(b), keys(a), "%s\n%s", what, p) {
			return
		}
	}
	// The rule must close pairs, leave some programs without any, and the programs
	// must still have consistent cycles through the pairs it keeps.
	assert.Greater(t, closed, 50, "pairs closed by coherence")
	assert.Greater(t, emptied, 5, "programs left without an open pair")
	assert.Greater(t, cyclic, 20, "graphs with a po ∪ rf cycle")
	t.Logf("%d pairs closed by coherence, %d programs left without one, %d graphs with a cycle", closed, emptied, cyclic)
}
