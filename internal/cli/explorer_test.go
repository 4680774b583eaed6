package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// twoCPUs is a configuration small enough for HMC in a test (BARRIERS.md's).
var twoCPUs = []string{"--cpus", "2", "--requests", "0:0,1:0"}

// rowOf is check's table row of variant (and mutant, "-" for none) under modelName:
// its verdict, property and executions columns.
func rowOf(t *testing.T, out, variant, mutant, modelName string) (verdict, property, executions string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(variant) + ` +` + regexp.QuoteMeta(mutant) + ` +` +
		regexp.QuoteMeta(modelName) + ` +(\S+) +(\S+(?: \S+)?) +(\d+) `).FindStringSubmatch(out)
	require.NotNil(t, m, "no row for %s %s %s in:\n%s", variant, mutant, modelName, out)
	return m[1], m[2], m[3]
}

// stepsOf is the steps column of check's row for variant as written under modelName.
func stepsOf(t *testing.T, out, variant, modelName string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(variant) + ` +- +` + regexp.QuoteMeta(modelName) +
		` +\S+ +\S+ +\d+ +(\d+) `).FindStringSubmatch(out)
	require.NotNil(t, m, "no row for %s under %s in:\n%s", variant, modelName, out)
	return m[1]
}

// check --explorer hmc reaches the verdicts and the execution counts of the
// two-phase explorer by its own construction, says which explorer ran (in the output
// and the JSON report), and bounds its runs by its own default budget.
func TestCheckExplorerHMCAgreesWithTwoPhase(t *testing.T) {
	models := "sc,armv8"
	if !testing.Short() {
		models = "sc,tso,lkmm,armv8" // lkmm: 22,470 HMC steps, a few seconds (more under -race)
	}
	dir := t.TempDir()
	base := append([]string{"check", "--variant", "v2-2012", "--model", models, "--quiet", "--traces", dir}, twoCPUs...)
	code, two, errs := run(base...)
	require.Equal(t, ExitHolds, code, errs)
	path := filepath.Join(dir, "hmc.json")
	code, hmc, errs := run(append(base, "--explorer", "hmc", "--json", path)...)
	require.Equal(t, ExitHolds, code, errs)
	sc, err := steering.Build("v2-2012", "", steering.Config{CPUs: 2, Targets: 1, Queues: 2,
		Requests: []steering.Request{{CPU: 0}, {CPU: 1}}})
	require.NoError(t, err)
	for _, m := range strings.Split(models, ",") {
		v2, _, n2 := rowOf(t, two, "v2-2012", "-", m)
		vh, _, nh := rowOf(t, hmc, "v2-2012", "-", m)
		assert.Equal(t, "holds", v2, m)
		assert.Equal(t, v2, vh, m)
		assert.Equal(t, n2, nh, "executions under %s", m)
		// The steps say which explorer ran: those of model.ExploreHMC on the same run.
		mm, err := barriers.New(m)
		require.NoError(t, err)
		want := properties.Verify(sc, mm, model.Options{HMC: true, MaxSteps: HMCSteps}, nil)
		require.Equal(t, properties.Holds, want.Verdict, m)
		assert.Equal(t, fmt.Sprint(want.Result.Steps()), stepsOf(t, hmc, "v2-2012", m), "HMC's steps under %s", m)
	}
	assert.Contains(t, hmc, hmcNote)
	assert.NotContains(t, two, hmcNote)
	assert.Contains(t, hmc, "budget: 500000 explorer steps per run")
	var rep CheckReport
	readReport(t, path, &rep)
	assert.Equal(t, "hmc", rep.Explorer)

	// --max-steps overrides HMC's default budget, and a run it cuts is unknown.
	code, out, errs := run("check", "--variant", "v2-2012", "--model", "armv8", "--quiet", "--explorer", "hmc",
		"--max-steps", "1000", "--cpus", "2", "--requests", "0:0,1:0")
	require.Equal(t, ExitUnknown, code, errs)
	verdict, _, _ := rowOf(t, out, "v2-2012", "-", "armv8")
	assert.Equal(t, "unknown", verdict)
	assert.Contains(t, out, "budget: 1000 explorer steps per run")
}

// Under --explorer hmc a mutant is still violated, and the trace it saves replays:
// the trace format does not depend on the explorer that found the execution.
func TestCheckExplorerHMCFindsMutantsAndSavesReplayableTraces(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(append([]string{"check", "--variant", "v2-2012", "--mutant", "write-outside-lock", "--model", "armv8",
		"--quiet", "--explorer", "hmc", "--traces", dir}, twoCPUs...)...)
	require.Equal(t, ExitViolation, code, errs)
	verdict, prop, _ := rowOf(t, out, "v2-2012", "write-outside-lock", "armv8")
	assert.Equal(t, "violated", verdict)
	assert.Equal(t, "P2 one-queue", prop)
	path := filepath.Join(dir, "v2-2012+write-outside-lock", "armv8-P2-one-queue.json")
	require.FileExists(t, path)
	code, out, errs = run("replay", path)
	assert.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, out, "reproduced: P2")
}

// What --explorer hmc cannot honour is a usage error, never silently ignored.
func TestCheckExplorerUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--explorer", "dpor"},
		{"--explorer", ""},
		{"--explorer", "hmc", "--symmetry"},
		{"--explorer", "hmc", "--workers", "2"},
		{"--explorer", "hmc", "--shard", "0/2"},
		{"--explorer", "hmc", "--resume", filepath.Join(t.TempDir(), "r")},
		{"--explorer", "hmc", "--estimate"},
	} {
		code, out, errs := run(append([]string{"check", "--variant", "v2-2012", "--model", "sc", "--quiet"}, args...)...)
		assert.Equal(t, ExitUsage, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: %s", args, errs)
		assert.Contains(t, errs, "explorer", "%v", args)
	}
	code, _, errs := run("litmus", "--explorer", "herd", "x.litmus")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errs, `--explorer "herd": must be two-phase or hmc`)
}

// litmus --explorer hmc prints what the two-phase explorer prints on load-buffering
// shapes (the executions with po∪rf cycles the two build differently), and its report
// names the explorer.
func TestLitmusExplorerHMCAgreesWithTwoPhase(t *testing.T) {
	dir := filepath.Join("..", "..", "litmus", "testdata", "generated", "cycles")
	files := []string{filepath.Join(dir, "C00069.litmus"), filepath.Join(dir, "C00107.litmus"), filepath.Join(dir, "C01072.litmus")}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no generated litmus test at %s: %v", f, err)
		}
	}
	code, two, errs := run(append([]string{"litmus", "--show"}, files...)...)
	require.Equal(t, ExitHolds, code, errs)
	path := filepath.Join(t.TempDir(), "hmc.json")
	code, hmc, errs := run(append([]string{"litmus", "--show", "--explorer", "hmc", "--json", path}, files...)...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Equal(t, two, hmc)
	assert.Contains(t, hmc, "Observation C00069 Sometimes")
	var rep LitmusReport
	readReport(t, path, &rep)
	assert.Equal(t, "hmc", rep.Explorer)
	assert.Equal(t, "500000 explorer steps per test", rep.Budget)
}

// A flag that --explorer hmc refuses is accepted at its default value: it asks for
// nothing HMC cannot do.
func TestCheckExplorerHMCAcceptsDefaults(t *testing.T) {
	args := append([]string{"check", "--variant", "v2-2012", "--model", "sc", "--quiet", "--explorer", "hmc",
		"--estimate=false", "--symmetry=false", "--workers", "1"}, twoCPUs...)
	code, out, errs := run(args...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Contains(t, out, hmcNote)
}

// litmus --explorer hmc runs model.ExploreHMC, not the two-phase explorer: at a step
// budget one of the two explorers finishes within and the other does not, the
// command's result is HMC's.
func TestLitmusExplorerHMCRunsHMC(t *testing.T) {
	f := filepath.Join("..", "..", "litmus", "testdata", "generated", "cycles", "C00069.litmus")
	if _, err := os.Stat(f); err != nil {
		t.Skipf("no generated litmus test at %s: %v", f, err)
	}
	lt, err := litmus.ParseFile(f)
	require.NoError(t, err)
	complete := func(hmc bool, steps int64) bool {
		r, err := litmus.Run(lt, "lkmm", model.Options{HMC: hmc, MaxSteps: steps})
		require.NoError(t, err)
		return r.Complete()
	}
	// The smallest budget at which the two differ.
	var k int64
	for k = 1; k < 100_000 && complete(true, k) == complete(false, k); k++ {
	}
	require.Less(t, k, int64(100_000), "the two explorers finish C00069 within the same step budgets")
	hmcDone := complete(true, k)
	for _, hmc := range []bool{false, true} {
		args := []string{"litmus", "--max-steps", fmt.Sprint(k), f}
		if hmc {
			args = append(args[:1], append([]string{"--explorer", "hmc"}, args[1:]...)...)
		}
		code, out, errs := run(args...)
		done := hmc == hmcDone
		if done {
			assert.Equal(t, ExitHolds, code, "hmc=%v at %d steps: %s%s", hmc, k, out, errs)
		} else {
			assert.NotEqual(t, ExitHolds, code, "hmc=%v at %d steps: %s%s", hmc, k, out, errs)
			assert.Contains(t, out, "Unknown", "hmc=%v at %d steps", hmc, k)
		}
	}
}
