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

// symmetrySubject is a variant as written or one of its mutants.
type symmetrySubject struct{ variant, mutant string }

func symmetrySubjects() []symmetrySubject {
	var out []symmetrySubject
	for _, v := range steering.VariantNames() {
		out = append(out, symmetrySubject{variant: v})
	}
	for _, m := range steering.Mutants() {
		out = append(out, symmetrySubject{variant: m.Variant, mutant: m.Name})
	}
	return out
}

// groupOrder is how many arrangements p's symmetry classes have.
func groupOrder(p *model.Program) int64 {
	n := int64(1)
	for _, c := range p.SymmetryClasses() {
		for k := 2; k <= len(c); k++ {
			n *= int64(k)
		}
	}
	return n
}

// Symmetry reduction keeps every verdict (-short leaves out the seqcount variants,
// v3.19-seqcount and v4.x, and their mutants; make proptest runs them): every variant and every mutant, at three CPUs
// under sc (and tso) and at two CPUs on one queue (so that both are interchangeable)
// under sc, lkmm and armv8, gets the same verdict with Options.Symmetry as without, and
// a violation found with it breaks a property the full run finds broken. It visits at
// most the full run's executions and at least their share of one per arrangement.
func TestSymmetryVerdictsAgree(t *testing.T) {
	type setup struct {
		name   string
		cfg    steering.Config
		models []string
	}
	three := steering.DefaultConfig()
	two := steering.Config{CPUs: 2, Targets: 1, Queues: 1, Requests: []steering.Request{{CPU: 0}, {CPU: 1}}}
	setups := []setup{{"3cpu", three, []string{"sc", "tso"}}, {"2cpu-1q", two, []string{"sc", "lkmm", "armv8"}}}
	if testing.Short() {
		setups[0].models = []string{"sc"}
		setups[1].models = []string{"lkmm", "armv8"}
	}
	const budget = 3_000_000
	compared, reduced := 0, 0
	for _, s := range setups {
		for _, subj := range symmetrySubjects() {
			if testing.Short() && (subj.variant == "v3.19-seqcount" || subj.variant == "v4.x") {
				continue // seconds each, minutes under -race: the full run has them
			}
			for _, mn := range s.models {
				name := fmt.Sprintf("%s/%s+%s/%s", s.name, subj.variant, subj.mutant, mn)
				sc, err := steering.Build(subj.variant, subj.mutant, s.cfg)
				require.NoError(t, err, name)
				full := properties.Verify(sc, newModel(t, mn), model.Options{MaxSteps: budget}, nil)
				sym := properties.Verify(sc, newModel(t, mn), model.Options{MaxSteps: budget, Symmetry: true}, nil)
				if full.Verdict == properties.Unknown || sym.Verdict == properties.Unknown {
					continue // the budget decides nothing here
				}
				compared++
				repro := fmt.Sprintf("go test ./properties -run TestSymmetryVerdictsAgree (%s)", name)
				if !assert.Equal(t, full.Verdict, sym.Verdict, repro) {
					continue
				}
				if len(sc.Program.SymmetryClasses()) > 0 {
					reduced++
				}
				if full.Verdict == properties.Holds {
					assert.LessOrEqual(t, sym.Result.Executions, full.Result.Executions, repro)
					assert.LessOrEqual(t, full.Result.Executions, sym.Result.Executions*groupOrder(sc.Program), repro)
					continue
				}
				if sym.Violation.Property.ID != full.Violation.Property.ID {
					// The first violation met may differ; the full run must break it too.
					again := properties.Verify(sc, newModel(t, mn), model.Options{MaxSteps: budget}, []string{sym.Violation.Property.ID})
					assert.Equal(t, properties.Violated, again.Verdict, "%s: --symmetry found %s, which the full run does not break", repro, sym.Violation)
				}
			}
		}
	}
	// The test shows nothing unless most runs are decided and have symmetric threads
	// (measured: 100 and 95 in full, 36 and 36 with -short).
	min := 80
	if testing.Short() {
		min = 30
	}
	assert.Greater(t, compared, min, "runs decided with and without symmetry")
	assert.Greater(t, reduced, min-5, "of which with interchangeable threads")
	t.Logf("%d runs compared, %d of them with interchangeable threads", compared, reduced)
}
