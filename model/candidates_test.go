package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// Both explorers visit each consistent graph exactly once, so under the same model
// they must visit the same set of graphs.
func TestCandidatesMatchTruSt(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 100
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		if sizeOf(p) > 9 {
			continue // candidate enumeration is exponential: keep to litmus sizes
		}
		m, err := barriers.New("sc")
		require.NoError(t, err)
		a := map[string]bool{}
		model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			a[g.Fingerprint()] = true
			return true
		})
		b := map[string]bool{}
		dup := false
		res := model.ExploreCandidates(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			fp := g.Fingerprint()
			dup = dup || b[fp]
			b[fp] = true
			return true
		})
		require.Equal(t, model.Exhausted, res.Reason)
		require.False(t, dup, "seed %d: candidate enumeration visited a graph twice", seed)
		if !assert.Equal(t, keys(a), keys(b), "seed %d\n%s", seed, p) {
			return
		}
	}
}

// sizeOf counts the instructions that make events.
func sizeOf(p *model.Program) int {
	n := 0
	for _, t := range p.Threads {
		for _, in := range t.Code {
			switch in.Op {
			case model.OpLoad, model.OpStore, model.OpRMW, model.OpLock, model.OpUnlock, model.OpTrylock:
				n++
			}
		}
	}
	return n
}

// Under models with po∪rf cycles, Explore runs the graph explorer for the acyclic
// graphs and candidates for the rest: together they must visit exactly the graphs
// candidate enumeration alone visits, each once. This also checks that the weak
// models are prefix-closed on the graphs the explorer builds.
func TestTwoPhaseMatchesCandidates(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 60
	}
	for _, name := range []string{"lkmm", "lkmm-alpha", "armv8"} {
		for seed := int64(1); seed <= int64(n); seed++ {
			p := randomProgram(seed)
			if sizeOf(p) > 8 {
				continue
			}
			m, err := barriers.New(name)
			require.NoError(t, err)
			a := map[string]bool{}
			dup := false
			res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
				fp := g.Fingerprint()
				dup = dup || a[fp]
				a[fp] = true
				return true
			})
			require.Equal(t, model.Exhausted, res.Reason)
			require.False(t, dup, "%s seed %d: a graph visited twice", name, seed)
			b := map[string]bool{}
			model.ExploreCandidates(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
				b[g.Fingerprint()] = true
				return true
			})
			if !assert.Equal(t, keys(b), keys(a), "%s seed %d\n%s", name, seed, p) {
				return
			}
		}
	}
}

// The second phase completes the weak-model exploration of a steering scenario: the
// single-queue variant with two submitters under lkmm and armv8, cyclic executions
// included (about 8 s under lkmm, 0.3 s under armv8 with speculated reads; candidate
// enumeration took 4 s each).
func TestWeakModelsCompleteOnSingleQueueSteering(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds per model")
	}
	cfg := steering.Config{CPUs: 2, Targets: 1, Queues: 2, Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}}
	sc, err := steering.Build("single", "", cfg)
	require.NoError(t, err)
	scm, err := barriers.New("sc")
	require.NoError(t, err)
	base := model.Explore(sc.Program, scm, model.Options{}, func(*model.ExecutionGraph) bool { return true })
	require.Equal(t, model.Exhausted, base.Reason)
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		res := model.Explore(sc.Program, m, model.Options{MaxSteps: 2_000_000_000}, func(*model.ExecutionGraph) bool { return true })
		assert.Equal(t, model.Exhausted, res.Reason, name)
		assert.GreaterOrEqual(t, res.Executions, base.Executions, "%s allows every SC execution", name)
	}
}
