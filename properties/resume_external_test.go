package properties_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// A resumed check is the uninterrupted one (model/resume.go): every variant and
// mutant at two CPUs, under sc and lkmm, handed the records of an earlier run of
// itself, gets from 1 and 2 workers the verdict, the counts, the steps, the violation
// and its execution, and the race of a plain run. A piece whose checker found a
// violation or a race is not recorded, so a resumed run finds them again.
func TestResumedVerifyGivesTheSameReport(t *testing.T) {
	subjects := variantsAndMutants()
	skipped, withFindings := 0, 0
	for _, s := range subjects {
		sc, err := steering.Build(s.variant, s.mutant, twoCPUs)
		require.NoError(t, err)
		for _, name := range []string{"sc", "lkmm"} {
			if testing.Short() && name != "sc" && s.mutant != "" {
				continue
			}
			what := fmt.Sprintf("%s+%s under %s at %s; reproduce: go test ./properties -run %s", s.variant, s.mutant, name, twoCPUs, t.Name())
			want := properties.Verify(sc, newModel(t, name), model.Options{}, nil)
			log := map[[2]int]model.PieceRecord{}
			rec := &model.Resume{Finished: func(r model.PieceRecord) { log[[2]int{r.Split, r.Piece}] = r }}
			first := properties.Verify(sc, newModel(t, name), model.Options{Workers: 2, TrialSteps: -1, Resume: rec}, nil)
			require.Equal(t, violationOf(want), violationOf(first), what)
			if want.Violation != nil {
				withFindings++
			}
			for _, workers := range []int{1, 2} {
				done := &model.Resume{Done: func(split, piece int) (model.PieceRecord, bool) {
					r, ok := log[[2]int{split, piece}]
					if ok {
						skipped++
					}
					return r, ok
				}}
				got := properties.Verify(sc, newModel(t, name), model.Options{Workers: workers, TrialSteps: -1, Resume: done}, nil)
				w := fmt.Sprintf("%s, %d workers, %d pieces recorded", what, workers, len(log))
				assert.Equal(t, want.Verdict, got.Verdict, w)
				assert.Equal(t, want.Result.Reason, got.Result.Reason, w)
				assert.Equal(t, want.Result.Executions, got.Result.Executions, w)
				assert.Equal(t, want.Result.Steps(), got.Result.Steps(), w)
				assert.Equal(t, violationOf(want), violationOf(got), w)
			}
		}
	}
	// Records must have been used, and runs with findings met, or this shows nothing.
	assert.Greater(t, skipped, 100, "pieces skipped")
	assert.Greater(t, withFindings, 5, "runs with a violation")
}
