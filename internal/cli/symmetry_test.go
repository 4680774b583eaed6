package cli

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// executionsOf reads the executions column of check's row for variant under sc.
func executionsOf(t *testing.T, out, variant string) int64 {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(variant) + ` +- +sc +holds +- +(\d+) `).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	n, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(t, err)
	return n
}

// check --symmetry visits one execution per family of interchangeable submitters (at
// the default configuration cpu0 and cpu2 share queue 0: half the executions), says
// so, records it in the JSON report, gives the same count with any number of workers
// and summed over shards, and still finds the mutants' violations.
func TestCheckSymmetry(t *testing.T) {
	dir := t.TempDir()
	base := []string{"check", "--variant", "v3.10", "--model", "sc", "--quiet", "--traces", dir}
	code, out, errs := run(base...)
	require.Equal(t, ExitHolds, code, errs)
	full := executionsOf(t, out, "v3.10")
	path := filepath.Join(dir, "sym.json")
	code, out, errs = run(append(base, "--symmetry", "--json", path)...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Equal(t, full/2, executionsOf(t, out, "v3.10"))
	assert.Contains(t, out, "--symmetry: executions are counted one per family")
	var rep CheckReport
	readReport(t, path, &rep)
	assert.True(t, rep.Symmetry)
	code, out, errs = run(append(base, "--symmetry", "--workers", "2")...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Equal(t, full/2, executionsOf(t, out, "v3.10"), "with two workers")
	var sum int64
	for i := 0; i < 3; i++ {
		f := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		code, _, errs = run(append(base, "--symmetry", "--shard", fmt.Sprintf("%d/3", i), "--json", f)...)
		require.Equal(t, ExitHolds, code, errs)
		var s CheckReport
		readReport(t, f, &s)
		sum += s.Runs[0].Executions
	}
	assert.Equal(t, full/2, sum, "summed over three shards")
	code, out, errs = run("merge", filepath.Join(dir, "s0.json"), filepath.Join(dir, "s1.json"), filepath.Join(dir, "s2.json"))
	require.Equal(t, ExitHolds, code, errs)
	assert.Equal(t, full/2, executionsOf(t, out, "v3.10"), "merged")
	assert.Contains(t, out, "--symmetry: executions are counted one per family")
	code, out, errs = run(append(base, "--symmetry", "--estimate")...)
	require.Equal(t, ExitHolds, code, errs)
	m := regexp.MustCompile(`v3\.10 +- +sc +([0-9.]+[kMGT]?) `).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	est := parseRoundCount(t, m[1])
	assert.InDelta(t, float64(full/2), est, float64(full/2)/2, "the estimate is of the reduced run")
	code, out, errs = run("check", "--mutant", "no-tgt-lock", "--model", "sc", "--quiet", "--traces", dir, "--symmetry")
	require.Equal(t, ExitViolation, code, errs)
	assert.Regexp(t, `v3\.10 +no-tgt-lock +sc +violated +P2 one-queue`, out)
}

// parseRoundCount reads back what roundCount printed ("1.05k").
func parseRoundCount(t *testing.T, s string) float64 {
	t.Helper()
	scale := 1.0
	for _, u := range countUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, scale = strings.TrimSuffix(s, u.suffix), u.size
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v * scale
}
