package properties_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// Workers do not change a report (the runs are split however small: no sequential
// trial): every variant and every mutant, under every model,
// gets from 2 and 3 workers the verdict, the counts, the steps, the violation and its
// execution, and the race that one worker gets, with or without a step budget.
func TestWorkersGiveTheSequentialReport(t *testing.T) {
	subjects := variantsAndMutants()
	models := []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"}
	configs := []steering.Config{twoCPUs}
	if !testing.Short() {
		configs = append(configs, steering.DefaultConfig())
	}
	for _, cfg := range configs {
		for _, s := range subjects {
			sc, err := steering.Build(s.variant, s.mutant, cfg)
			require.NoError(t, err)
			for _, name := range models {
				if cfg.CPUs > 2 && name != "sc" {
					continue // the weak models at 3 CPUs take minutes under -race
				}
				if testing.Short() && (s.mutant != "" && name != "sc" || s.variant == "v2-2012" && strings.HasPrefix(name, "lkmm")) {
					continue // -short: v2-2012's second phase under lkmm takes 20 s at 2 CPUs
				}
				start := time.Now()
				what := fmt.Sprintf("%s+%s under %s at %s; reproduce: go test ./properties -run %s", s.variant, s.mutant, name, cfg, t.Name())
				want := properties.Verify(sc, newModel(t, name), model.Options{}, nil)
				budgets := []int64{0}
				if steps := want.Result.Steps(); steps > 10 {
					budgets = append(budgets, steps/2)
				}
				for _, b := range budgets {
					if b > 0 {
						want = properties.Verify(sc, newModel(t, name), model.Options{MaxSteps: b}, nil)
					}
					for _, workers := range []int{2, 3} {
						w := fmt.Sprintf("%s, budget %d, %d workers", what, b, workers)
						got := properties.Verify(sc, newModel(t, name), model.Options{MaxSteps: b, Workers: workers, TrialSteps: -1}, nil)
						assert.Equal(t, want.Verdict, got.Verdict, w)
						assert.Equal(t, want.Result.Reason, got.Result.Reason, w)
						assert.Equal(t, want.Result.Executions, got.Result.Executions, w)
						assert.Equal(t, want.Result.Steps(), got.Result.Steps(), w)
						assert.Equal(t, violationOf(want), violationOf(got), w)
					}
				}
				if el := time.Since(start); el > time.Second {
					t.Logf("%s %s %s: %v", s.variant, s.mutant, name, el)
				}
			}
		}
	}
}

// subject is a steering variant, with a mutant applied or not ("").
type subject struct{ variant, mutant string }

// variantsAndMutants is every steering variant, then every mutant (with its variant).
func variantsAndMutants() []subject {
	var out []subject
	for _, v := range steering.Variants() {
		out = append(out, subject{v.Name, ""})
	}
	for _, m := range steering.Mutants() {
		out = append(out, subject{m.Variant, m.Name})
	}
	return out
}

// violationOf is what a report says about its violation and race: property,
// message, and the execution's fingerprint.
func violationOf(r properties.Report) string {
	s := ""
	if r.Violation != nil {
		s = r.Violation.Property.ID + " " + r.Violation.Message + " " + r.Graph.Fingerprint()
	}
	if r.Race != nil {
		s += " race: " + r.Race.Message
	}
	return s
}
