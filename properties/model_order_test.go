package properties_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

const tsoOrder = "[judged on tso ppo∪mfence∪implied∪rfe∪co∪fr]"

// Under tso, v3.19-seqcount's first violation is the real P2 (write_seqcount_begin's
// increment is only followed by smp_wmb before atomic_read(&reqs): x86 lets the load
// pass the buffered store), judged on x86-TSO's own order; the P1 the (po∪rf)+
// fallback reported on the same execution is gone, since TSO orders what po∪rf
// does not (the locked increments of reqs drain the store buffer).
func TestSeqcountUnderTSOJudgedOnModelOrder(t *testing.T) {
	s, err := steering.Build("v3.19-seqcount", "", steering.DefaultConfig())
	require.NoError(t, err)
	tso, err := barriers.New("tso")
	require.NoError(t, err)
	rep := properties.Verify(s, tso, model.Options{}, nil)
	require.Equal(t, properties.Violated, rep.Verdict)
	assert.Equal(t, "P2", rep.Violation.Property.ID, "%s", rep.Violation)
	assert.Contains(t, rep.Violation.Message, tsoOrder)

	// The execution on which the fallback judges P1 violated is not a P1 violation
	// on TSO's order.
	old := properties.NewChecker(s, []string{"P1"})
	judged := properties.NewCheckerFor(s, tso, []string{"P1"})
	fresh, _ := barriers.New("tso")
	found := false
	model.Explore(s.Program, fresh, model.Options{}, func(g *model.ExecutionGraph) bool {
		if len(old.Check(g)) == 0 {
			return true
		}
		found = true
		assert.Empty(t, judged.Check(g))
		return false
	})
	assert.True(t, found, "the fallback no longer reports P1 on any execution")
}

// Under sc, NewCheckerFor judges as NewChecker does and allocates as little.
func TestNewCheckerForSCIsNewChecker(t *testing.T) {
	s, err := steering.Build("v3.19-seqcount", steering.MutNoSeqRetry, steering.DefaultConfig())
	require.NoError(t, err)
	a, b := properties.NewChecker(s, nil), properties.NewCheckerFor(s, sc(t), nil)
	a.Porcupine, b.Porcupine = false, false
	var last *model.ExecutionGraph
	model.Explore(s.Program, sc(t), model.Options{MaxExecutions: 2000}, func(g *model.ExecutionGraph) bool {
		require.Equal(t, a.Check(g), b.Check(g))
		last = g.Clone()
		return true
	})
	require.NotNil(t, last)
	allocs := testing.AllocsPerRun(100, func() { b.Check(last) })
	assert.LessOrEqual(t, allocs, 1.0)
}

// Every model's global order is a strict order (its closure irreflexive) on the
// executions the model allows.
func TestModelOrdersAreAcyclic(t *testing.T) {
	s, err := steering.Build("v3.19-seqcount", "", steering.DefaultConfig())
	require.NoError(t, err)
	for _, name := range []string{"sc", "tso", "armv8", "lkmm", "lkmm-alpha"} {
		t.Run(name, func(t *testing.T) {
			m, err := barriers.New(name)
			require.NoError(t, err)
			om, err := barriers.New(name)
			require.NoError(t, err)
			o := om.(barriers.Ordered)
			var gord barriers.GlobalOrder
			n := 0
			model.Explore(s.Program, m, model.Options{MaxExecutions: 50}, func(g *model.ExecutionGraph) bool {
				require.True(t, o.Order(g, &gord))
				for t2 := range g.Threads {
					for i := range g.Threads[t2].Events {
						e := model.EventRef{Thread: int32(t2), Index: int32(i)}
						require.False(t, gord.Before(e, e))
					}
				}
				n++
				return true
			})
			assert.Positive(t, n)
		})
	}
}
