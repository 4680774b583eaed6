package bench

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// vq explores exactly GenMC's number of executions under every model
// (../shared/bench/README.md; the counts are in vq.go). The larger sizes run in the
// benchmarks (vq_bench_test.go), which check the counts too.
func TestVQCountsEqualGenMC(t *testing.T) {
	type run struct {
		n          int
		afterQueue bool
		models     []string
	}
	all := []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"}
	runs := []run{
		{2, true, all}, {3, true, []string{"sc", "tso", "lkmm", "armv8"}}, {4, true, []string{"sc"}},
		{2, false, all}, {3, false, []string{"sc", "tso", "lkmm", "armv8"}}, {4, false, []string{"sc"}},
	}
	if !testing.Short() {
		runs = append(runs, run{3, true, []string{"lkmm-alpha"}}, run{3, false, []string{"lkmm-alpha"}},
			run{4, true, []string{"tso", "lkmm", "armv8"}}, run{4, false, []string{"tso", "lkmm", "armv8"}})
	}
	for _, r := range runs {
		want := VQExecutions[r.n]
		variant := "after-queue"
		if !r.afterQueue {
			want, variant = VQLiteralExecutions[r.n], "literal"
		}
		for _, name := range r.models {
			m, err := barriers.New(name)
			require.NoError(t, err)
			res := model.Explore(VQ(r.n, r.afterQueue), m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
			assert.True(t, res.Complete(), "vq %s N=%d under %s: %s", variant, r.n, name, res.Reason)
			assert.Equal(t, want, res.Executions, "vq %s N=%d under %s: GenMC explores %d executions; reproduce: go test ./bench -run TestVQCountsEqualGenMC",
				variant, r.n, name, want)
		}
	}
}
