package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// lbProgram is load buffering: each thread reads one location and then writes the
// other, so under lkmm and armv8 one graph has a po ∪ rf cycle (both read 1).
func lbProgram() *model.Program {
	p := model.NewProgram("lb")
	x, y := p.Var("x", 0), p.Var("y", 0)
	p0 := p.Thread("P0", "cpu")
	p0.ReadOnce(x)
	p0.WriteOnce(y, 1)
	p1 := p.Thread("P1", "cpu")
	p1.ReadOnce(y)
	p1.WriteOnce(x, 1)
	return p
}

// When the analysis that begins the second phase reaches its own bound, the run is
// not complete and says why: AnalysisBound, not StepBudget (the user may have asked
// for no step bound at all), and check --estimate says that it estimated the first
// phase only.
func TestAnalysisBoundIsNamed(t *testing.T) {
	p := lbProgram()
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		res := model.Explore(p, m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
		require.True(t, res.Complete(), name)
		assert.Equal(t, int64(4), res.Executions, name)
		est := model.EstimateExploration(p, m, model.Options{}, 100, 1)
		assert.Equal(t, model.Exhausted, est.SecondPhase, name)
		assert.InDelta(t, 4, est.Executions, 0.01, name)

		restore := model.SetOpenPairSteps(1)
		res = model.Explore(p, m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
		est = model.EstimateExploration(p, m, model.Options{}, 100, 1)
		restore()
		assert.False(t, res.Complete(), name)
		assert.Equal(t, model.AnalysisBound, res.Reason, name)
		assert.Equal(t, "second phase's analysis bound", res.Reason.String(), name)
		assert.Equal(t, int64(3), res.Executions, "%s: the first phase's graphs, without a cycle", name)
		assert.Equal(t, model.AnalysisBound, est.SecondPhase, name)
		assert.InDelta(t, 3, est.Executions, 0.01, "%s: the first phase only", name)
	}
}
