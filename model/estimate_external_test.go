package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Knuth's estimator is unbiased: averaged over many paths, the estimate of the number
// of executions comes close to the count Explore gives, under every model, on
// programs with cycles, locks, RMWs and spin-waits; and the same seed gives the same
// estimate.
func TestEstimateApproachesTheCount(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 10
	}
	checked := 0
	for _, name := range []string{"sc", "tso", "lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		for seed := int64(1); seed <= int64(n); seed++ {
			p := loadBufferingProgram(seed)
			if sizeOf(p) > 10 {
				continue
			}
			res := model.Explore(p, m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
			require.True(t, res.Complete())
			if res.Executions < 4 {
				continue
			}
			checked++
			est := model.EstimateExploration(p, m, model.Options{}, 2000, seed)
			what := fmt.Sprintf("%s seed %d; reproduce: go test ./model -run %s", name, seed, t.Name())
			got, want := est.Executions, float64(res.Executions)
			assert.InDelta(t, want, got, 4*est.ExecutionsErr+0.1*want, "%s: estimate %.1f ± %.1f", what, got, est.ExecutionsErr)
			again := model.EstimateExploration(p, m, model.Options{}, 2000, seed)
			assert.Equal(t, est.Executions, again.Executions, what)
		}
	}
	assert.Greater(t, checked, 8, "programs with enough executions to estimate")
}
