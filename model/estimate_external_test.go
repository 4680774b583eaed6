package model_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// The stratified Knuth estimator is unbiased: averaged over many paths, the estimate of the number
// of executions comes close to the count Explore gives, under every model, on
// programs with cycles, locks, RMWs and spin-waits; and the same seed gives the same
// estimate.
func TestEstimateApproachesTheCount(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 10
	}
	checked, sampled := 0, 0
	for _, name := range []string{"sc", "tso", "lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		for i := 1; i <= 3*n; i++ {
			seed := int64(i/3 + 1)
			p := []func(int64) *model.Program{loadBufferingProgram, branchyProgram, steeredStoreProgram}[i%3](seed)
			if sizeOf(p) > 12 {
				continue
			}
			res := model.Explore(p, m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
			require.True(t, res.Complete())
			if res.Executions < 4 {
				continue
			}
			checked++
			what := fmt.Sprintf("%s program %d; reproduce: go test ./model -run %s", name, i, t.Name())
			want := float64(res.Executions)
			// Many paths: the level is deep, the count nearly exact.
			est := model.EstimateExploration(p, m, model.Options{}, 2000, seed)
			assert.InDelta(t, want, est.Executions, 4*est.ExecutionsErr+0.1*want, "%s, 2000 paths: estimate %.1f ± %.1f", what, est.Executions, est.ExecutionsErr)
			again := model.EstimateExploration(p, m, model.Options{}, 2000, seed)
			assert.Equal(t, est.Executions, again.Executions, what)
			// Two paths: a shallow level, most of the tree left to the paths, one
			// estimate far off; the mean of many independent ones must approach the
			// count (unbiased), within four standard errors of that mean.
			const k = 60
			var sum, sumSq float64
			for s := int64(0); s < k; s++ {
				e := model.EstimateExploration(p, m, model.Options{}, 2, 1000*seed+s).Executions
				sum += e
				sumSq += e * e
			}
			mean := sum / k
			sd := math.Sqrt(math.Max(sumSq/k-mean*mean, 0))
			if sd > 0 {
				sampled++
			}
			assert.InDelta(t, want, mean, 4*sd/math.Sqrt(k)+0.02*want, "%s, %d estimates from 2 paths: mean %.2f, sd %.2f", what, k, mean, sd)
		}
	}
	assert.Greater(t, sampled, 4, "estimates that sampled below the level")
}
