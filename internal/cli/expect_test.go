package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// Every variant and every mutant has an expected verdict under every model.
func TestExpectationsCoverEveryRun(t *testing.T) {
	for _, j := range verdictJobs(barriers.Names()) {
		v, why, ok := expectedVerdict(j.variant, j.mutant, j.model)
		if assert.True(t, ok, "no expectation for %s/%s under %s (internal/cli/expect.go)", j.variant, j.mutant, j.model) {
			assert.Regexp(t, `^(holds|unknown|P\d+)$`, v)
			if v != "holds" {
				assert.NotEmpty(t, why, "%s/%s under %s: say why %s is expected", j.variant, j.mutant, j.model, v)
			}
		}
	}
	assert.Len(t, expectations, len(steering.Variants())+len(steering.Mutants()))
}

// The expectations are docs/VERDICTS.md's main tables: reviewed together.
func TestExpectationsMatchVerdictsDoc(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "VERDICTS.md"))
	require.NoError(t, err)
	main, _, _ := strings.Cut(string(doc), "## Weak models at two CPUs")
	models := barriers.Names()
	cell := regexp.MustCompile(`^(holds|unknown|violated (P\d+)) `)
	rows := 0
	for _, line := range strings.Split(main, "\n") {
		m := regexp.MustCompile("^\\| `([^`]+)`(?: \\(([^)]+)\\))? \\| (.*) \\|$").FindStringSubmatch(line)
		if m == nil {
			continue
		}
		variant, mutant := m[1], ""
		if m[2] != "" {
			variant, mutant = m[2], m[1]
		}
		cells := strings.Split(m[3], " | ")
		require.Len(t, cells, len(models), line)
		for i, c := range cells {
			cm := cell.FindStringSubmatch(c)
			require.NotNil(t, cm, "cell %q", c)
			got := cm[1]
			if cm[2] != "" {
				got = cm[2]
			}
			want, _, _ := expectedVerdict(variant, mutant, models[i])
			assert.Equal(t, want, got, "%s/%s under %s: docs/VERDICTS.md and internal/cli/expect.go disagree (regenerate with `make verdicts`, review, update the expectations)", variant, mutant, models[i])
		}
		rows++
	}
	assert.Equal(t, len(expectations), rows, "rows of docs/VERDICTS.md's main tables")
}

func row(variant, mutant, modelName, verdict, prop string) tableRow {
	return tableRow{variant: variant, mutant: mutant, model: modelName, verdict: verdict, prop: prop}
}

func TestCompareExpected(t *testing.T) {
	var b bytes.Buffer
	code := compareExpected(&b, []tableRow{row("single", "", "sc", "holds", ""), row("v2-2012", "", "lkmm", "holds", ""),
		row("v3.19-seqcount", "", "tso", "violated", "P2")})
	assert.Equal(t, ExitHolds, code, b.String())
	assert.Contains(t, b.String(), "Expected verdicts other than holds (not failures):")
	assert.Contains(t, b.String(), "v3.19-seqcount under tso (violated P2):")
	assert.Contains(t, b.String(), "the kernel fixed it in 4.17")
	assert.Contains(t, b.String(), "All 3 verdicts are the expected ones.")

	b.Reset()
	code = compareExpected(&b, []tableRow{row("single", "", "sc", "violated", "P1"), row("v3.10", "", "sc", "unknown", "")})
	assert.Equal(t, ExitViolation, code)
	assert.Contains(t, b.String(), "single under sc: violated P1 where holds was expected")
	assert.Contains(t, b.String(), "v3.10 under sc: unknown")

	b.Reset()
	r := row("v3.10", "", "sc", "unknown", "")
	r.result.Reason = model.StepBudget
	code = compareExpected(&b, []tableRow{r})
	assert.Equal(t, ExitUnknown, code)
	assert.Contains(t, b.String(), "v3.10 under sc: unknown (stopped: step budget) where holds was expected")
}
