package steering_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/internal/cli"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// check --estimate with its default paths (cli.EstimateWithDefaultPaths) comes within
// 2× of the count that Explore gives, on every steering variant at the default
// configuration (3 CPUs), with and without symmetry. Issue 17 asks the same at 4 CPUs,
// where a count takes minutes: bench's BenchmarkEstimate -args -estimate.big measures
// it. With -short only seed 1 of the variants without the seqcount, whose count takes
// seconds (one of them under the race detector). At 3 CPUs the default counts most of
// the tree exactly, so this test checks the claim, not the sampler: a seeded bug in
// the sampler's weights (each branching factor one too small) passed it, and failed
// model's TestEstimateApproachesTheCount.
func TestEstimatesAgreeWithTheCounts(t *testing.T) {
	variants, seeds := steering.VariantNames(), []int64{1, 2, 3}
	if testing.Short() {
		variants, seeds = []string{"single", "v2-2012", "v3.10", "v3.17"}, []int64{1}
	}
	if testing.Short() && raceEnabled {
		variants = []string{"v3.10"}
	}
	m, err := barriers.New("sc")
	require.NoError(t, err)
	for _, v := range variants {
		sc, err := steering.Build(v, "", steering.DefaultConfig())
		require.NoError(t, err, v)
		for _, symmetry := range []bool{false, true} {
			opts := model.Options{Symmetry: symmetry}
			res := model.Explore(sc.Program, m, opts, func(*model.ExecutionGraph) bool { return true })
			require.True(t, res.Complete(), v)
			want := float64(res.Executions)
			for _, seed := range seeds {
				est := cli.EstimateWithDefaultPaths(sc.Program, m, opts, seed)
				what := fmt.Sprintf("%s, symmetry %v, seed %d: estimate %.0f ± %.0f for %d executions; reproduce: "+
					"bin/steercheck check --variant %s --model sc --estimate --seed %d (--symmetry)", v, symmetry, seed,
					est.Executions, est.ExecutionsErr, res.Executions, v, seed)
				assert.GreaterOrEqual(t, est.Executions, want/2, what)
				assert.LessOrEqual(t, est.Executions, 2*want, what)
			}
		}
	}
}
