package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// timeColumn matches the TIME column of check's table, the only thing --workers may
// change.
var timeColumn = regexp.MustCompile(`\d+(\.\d+)?(µs|ms|s|m)[\dm.s]*`)

// spaces are the runs of spaces that align the table's columns.
var spaces = regexp.MustCompile(` +`)

// --workers changes no row, no count and no trace: v3.10's mutants at 2 CPUs (two
// violated, one equivalent), with 1 and 3 workers, under sc and lkmm, with and
// without a step budget that cuts the runs. Without the sequential trial, so that
// these small runs are split.
func TestWorkersChangeNoVerdict(t *testing.T) {
	defer func(s int64) { trialSteps = s }(trialSteps)
	trialSteps = -1
	dir := filepath.Join(t.TempDir(), "traces")
	for _, budget := range []string{"0", "400"} {
		var first, firstTrace string
		for _, workers := range []string{"1", "3"} {
			require.NoError(t, os.RemoveAll(dir))
			code, out, errs := run("check", "--variant", "v3.10", "--mutant", "all", "--model", "sc,lkmm", "--cpus", "2",
				"--requests", "0:0,1:0", "--max-steps", budget, "--workers", workers, "--traces", dir, "--quiet", "--jobs", "1")
			require.Contains(t, []int{ExitViolation, ExitUnknown}, code, errs)
			out = spaces.ReplaceAllString(timeColumn.ReplaceAllString(out, "T"), " ")
			trace, err := os.ReadFile(filepath.Join(dir, "v3.10+no-tgt-lock", "sc-P2-one-queue.json"))
			if budget == "0" {
				require.NoError(t, err, out)
			}
			if workers == "1" {
				first, firstTrace = filepath.ToSlash(out), string(trace)
				continue
			}
			assert.Equal(t, first, filepath.ToSlash(out), "budget %s", budget)
			assert.Equal(t, firstTrace, string(trace), "budget %s", budget)
		}
	}
}

// --workers takes 1 to 1024, and a shard runs in one goroutine.
func TestWorkersFlag(t *testing.T) {
	for _, bad := range [][]string{{"--workers", "0"}, {"--workers", "-2"}, {"--workers", "x"}, {"--workers", "2", "--shard", "0/2"}} {
		code, _, errs := run(append([]string{"check", "--variant", "v3.10", "--model", "sc"}, bad...)...)
		assert.Equal(t, ExitUsage, code, bad)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: %q", bad, errs)
	}
}

// check --estimate prints a row per run with the estimate and the paths sampled, the
// same for the same seed, and exits 0.
func TestCheckEstimate(t *testing.T) {
	args := []string{"check", "--estimate", "--variant", "v3.10", "--model", "sc,tso", "--paths", "200", "--seed", "7"}
	code, out, errs := run(args...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Contains(t, out, "estimates with --paths 200, seed 7:")
	assert.Regexp(t, `(?m)^v3\.10 +- +sc +[\d.]+(k|e\+\d+)? +[\d.]+(k|e\+\d+)? +\S+ +\d+ +\S+$`, out)
	_, again, _ := run(args...)
	assert.Equal(t, rows(out), rows(again))
	// The default: 10,000 paths (v3.10 at 3 CPUs is far below a million executions).
	code, out, errs = run("check", "--estimate", "--variant", "v3.10", "--model", "sc")
	require.Equal(t, ExitHolds, code, errs)
	assert.Contains(t, out, "estimates with 10000 paths (40000 for a run estimated above 1000000 executions, 160000 above 10000000), seed 1:")
	assert.Regexp(t, `(?m)^v3\.10 +- +sc +\S+ +\S+ +\S+ +1\d{4} +\S+$`, out, "at least 10,000 paths")
	assert.NotContains(t, out, "standard error is more than half")
}

// An estimate whose standard error is more than half of it says so, and how many paths
// to ask for. Two paths per level leave v4.x's at 11.1k ± 8.89k (seed 1), against
// 37,992 executions.
func TestCheckEstimateSaysWhenUnreliable(t *testing.T) {
	code, out, errs := run("check", "--estimate", "--variant", "v4.x", "--model", "sc", "--paths", "2", "--seed", "1")
	require.Equal(t, ExitHolds, code, errs)
	assert.Contains(t, out, "v4.x under sc: the standard error is more than half the estimate")
	assert.Contains(t, out, "--paths 8 or more")
	assert.True(t, Unreliable(model.Estimate{Executions: 100, ExecutionsErr: 51}))
	assert.False(t, Unreliable(model.Estimate{Executions: 100, ExecutionsErr: 50}))
}

// rows are the estimate table's rows without the times (estimated and taken).
func rows(out string) []string {
	var rs []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 8 && strings.HasPrefix(l, "v3.10") {
			rs = append(rs, strings.Join(append(f[:5:5], f[6]), " "))
		}
	}
	return rs
}

// Progress says how long the running runs may still take once they have an estimate:
// the executions estimated and not yet explored, at the rate so far.
func TestProgressEstimatesTheTimeLeft(t *testing.T) {
	defer func(d time.Duration) { estimateAfter = d }(estimateAfter)
	estimateAfter = 0
	p := newProgress(io.Discard, 2, true)
	update := p.callback(0, "v3.10", "", "sc")
	p.estimateWith(0, func() float64 { return 1000 })
	update(model.Stats{Executions: 200})
	first := p.line(10 * time.Second) // starts the estimate
	assert.NotContains(t, first, "left")
	for done := false; !done; runtime.Gosched() { // the estimate runs in its own goroutine
		p.mu.Lock()
		done = p.est[0] == 1000
		p.mu.Unlock()
	}
	assert.Contains(t, p.line(10*time.Second), "200 executions (20/s), 0/2 runs done, ~40s left (estimated); running: v3.10 under sc")
	update(model.Stats{Executions: 1200}) // past the estimate: no time left, but says so
	past := p.line(10 * time.Second)
	assert.NotContains(t, past, "left (estimated)")
	assert.Contains(t, past, "1200 executions (120/s), 0/2 runs done, past the estimate of v3.10 under sc (1k): no time left to give; running: v3.10 under sc")
}

// The default paths grow by stages: 10,000; 40,000 above a million executions or when
// unreliable; 160,000 above ten million or when unreliable again.
func TestDefaultPathsStages(t *testing.T) {
	defer func(f func(*model.Program, model.Consistency, model.Options, int, int64) model.Estimate) {
		sampleTree = f
	}(sampleTree)
	for _, c := range []struct {
		name      string
		estimates map[int]model.Estimate // by paths
		asked     []int
	}{
		{"small", map[int]model.Estimate{EstimatePaths: {Executions: 5e5, ExecutionsErr: 1e4}}, []int{EstimatePaths}},
		{"small but unreliable", map[int]model.Estimate{EstimatePaths: {Executions: 5e5, ExecutionsErr: 3e5},
			LargeTreePaths: {Executions: 6e5, ExecutionsErr: 1e4}}, []int{EstimatePaths, LargeTreePaths}},
		{"large", map[int]model.Estimate{EstimatePaths: {Executions: 2e6}, LargeTreePaths: {Executions: 3e6}}, []int{EstimatePaths, LargeTreePaths}},
		{"huge", map[int]model.Estimate{EstimatePaths: {Executions: 2e7}, LargeTreePaths: {Executions: 1.5e7},
			HugeTreePaths: {Executions: 2.1e7}}, []int{EstimatePaths, LargeTreePaths, HugeTreePaths}},
		{"large but unreliable", map[int]model.Estimate{EstimatePaths: {Executions: 2e6}, LargeTreePaths: {Executions: 3e6, ExecutionsErr: 2e6},
			HugeTreePaths: {Executions: 4e6}}, []int{EstimatePaths, LargeTreePaths, HugeTreePaths}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var asked []int
			sampleTree = func(_ *model.Program, _ model.Consistency, _ model.Options, paths int, _ int64) model.Estimate {
				asked = append(asked, paths)
				e := c.estimates[paths]
				e.Elapsed = time.Second
				return e
			}
			est, last := estimateWithDefaultPaths(nil, nil, model.Options{}, 1)
			assert.Equal(t, c.asked, asked)
			assert.Equal(t, c.asked[len(c.asked)-1], last)
			assert.Equal(t, c.estimates[last].Executions, est.Executions)
			assert.Equal(t, time.Duration(len(c.asked))*time.Second, est.Elapsed, "the time of every stage")
		})
	}
}

// Estimates print with three significant digits and a unit, never an exponent.
func TestRoundCountHasNoExponent(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 0.5: "0.5", 49.63: "49.6", 999: "999", 999.6: "1k", 1000: "1k", 1949.7: "1.95k",
		14319: "14.3k", 999_999: "1M", 16_300_000: "16.3M", 145e6: "145M", 2.5e9: "2.5G", 3e12: "3T",
	} {
		assert.Equal(t, want, roundCount(v), "%v", v)
	}
}

// A resumed check's progress counts the executions of the pieces it skipped, which an
// earlier check explored, but leaves them out of the rate, and so out of the time left:
// counted in, the first lines of a check that skipped most of its pieces gave a rate
// many times the real one and a time left far too short.
func TestProgressOfAResumedCheckRatesOnlyWhatItExplores(t *testing.T) {
	defer func(d time.Duration) { estimateAfter = d }(estimateAfter)
	estimateAfter = 0
	p := newProgress(io.Discard, 1, true)
	p.setResumed(func() (int, int, int64) { return 17, 2, 1000 })
	update := p.callback(0, "v3.10", "", "sc")
	p.estimateWith(0, func() float64 { return 2000 })
	update(model.Stats{Executions: 1200}) // 1000 of them from the skipped pieces
	p.line(10 * time.Second)              // starts the estimate
	for done := false; !done; runtime.Gosched() {
		p.mu.Lock()
		done = p.est[0] == 2000
		p.mu.Unlock()
	}
	assert.Contains(t, p.line(10*time.Second),
		"1200 executions (1000 from earlier checks; 20/s), 0/1 runs done, ~40s left (estimated); --resume: 17 pieces skipped, 2 recorded; running: v3.10 under sc")
}
