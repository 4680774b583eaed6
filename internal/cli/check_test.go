package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/traces"
)

// --mutant alone selects the variant it applies to.
func TestMutantAloneSelectsItsVariant(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run("check", "--mutant", "no-tgt-lock", "--model", "sc", "--traces", dir, "--quiet")
	require.Equal(t, ExitViolation, code, errs)
	assert.Regexp(t, `v3\.10 +no-tgt-lock +sc +violated +P2 one-queue`, out)
	assert.FileExists(t, filepath.Join(dir, "v3.10+no-tgt-lock", "sc-P2-one-queue.json"))
	assert.Contains(t, out, "1 run: 0 hold, 1 violated, 0 unknown; budget: 4000000 explorer steps per run.")
}

// The JSON report carries the verdicts, counts, steps, traces and the command line.
func TestCheckJSONReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	args := []string{"check", "--variant", "v3.10", "--mutant", "all", "--model", "sc", "--cpus", "2", "--requests", "0:0,1:0",
		"--traces", dir, "--json", path, "--quiet"}
	code, out, errs := run(args...)
	require.Equal(t, ExitViolation, code, errs)
	var rep CheckReport
	readReport(t, path, &rep)
	assert.Equal(t, CheckReportFormat, rep.Format)
	assert.Equal(t, ReportVersion, rep.Version)
	assert.Equal(t, append([]string{"steercheck"}, args[0:]...), rep.Command)
	assert.Equal(t, ExitViolation, rep.ExitCode)
	assert.Equal(t, "cpus=2 targets=1 queues=2 requests=0:0,1:0", rep.Configuration)
	require.Len(t, rep.Runs, 3, out)
	violated := 0
	for _, r := range rep.Runs {
		assert.Equal(t, "v3.10", r.Variant)
		assert.Positive(t, r.Executions, r.Mutant)
		assert.Positive(t, r.Steps, r.Mutant)
		assert.Contains(t, out, r.Mutant)
		if r.Verdict == "violated" {
			violated++
			assert.NotEmpty(t, r.Property)
			assert.FileExists(t, r.Trace)
		}
	}
	assert.Equal(t, violated, rep.Summary.Violated)
	assert.Equal(t, 3, rep.Summary.Runs)
}

// A step budget cuts a run at the same point every time: unknown, exit 3, the same
// count of executions and steps.
func TestStepBudgetIsDeterministic(t *testing.T) {
	var first string
	for i := 0; i < 2; i++ {
		code, out, errs := run("check", "--variant", "v3.17", "--model", "sc", "--max-steps", "5000", "--quiet", "--traces", "")
		require.Equal(t, ExitUnknown, code, errs)
		assert.Regexp(t, `v3\.17 +- +sc +unknown +- +\d+ +5000 `, out)
		assert.Contains(t, out, "budget: 5000 explorer steps per run.")
		row := strings.Fields(strings.Split(out, "\n")[3])
		row = append(row[:7], row[8:]...) // drop the time
		if i == 0 {
			first = strings.Join(row, " ")
		} else {
			assert.Equal(t, first, strings.Join(row, " "))
		}
	}
}

// With stderr not a terminal, a long check still reports progress, a line at a time;
// --quiet silences it.
func TestProgressWhenNotATerminal(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 10 * time.Millisecond
	args := []string{"check", "--variant", "v3.17", "--model", "sc", "--traces", ""}
	code, _, errs := run(args...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Regexp(t, `(?m)^\[ *\d+\.\ds\] \d+ executions \(\d+/s\), [01]/1 runs done`, errs)
	code, _, errs = run(append(args, "--quiet")...)
	require.Equal(t, ExitHolds, code, errs)
	assert.Empty(t, errs)
}

// SIGINT stops check cleanly: the finished run is printed with its trace saved, the
// running one as unknown (interrupted) with its counts, the one not started is
// counted, and the exit code is 130.
func TestCheckInterruptedBySignal(t *testing.T) {
	dir := t.TempDir()
	args := []string{"check", "--variant", "v3.19-seqcount", "--model", "tso,sc,armv8", "--jobs", "1", "--max-steps", "0",
		"--traces", dir, "--json", filepath.Join(dir, "report.json")}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STEERCHECK_CLI_ARGS="+strings.Join(args, "\x1f"))
	var out strings.Builder
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stderr)
	signalled := false
	var progress []string
	for sc.Scan() {
		progress = append(progress, sc.Text())
		if !signalled && strings.Contains(sc.Text(), "1/3 runs done") {
			require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
			signalled = true
		}
	}
	err = cmd.Wait()
	require.True(t, signalled, "no progress line said the first run was done:\n%s", strings.Join(progress, "\n"))
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, out.String())
	assert.Equal(t, ExitInterrupt, ee.ExitCode(), out.String())
	assert.Regexp(t, `v3\.19-seqcount +- +tso +violated +P2 one-queue`, out.String())
	assert.FileExists(t, filepath.Join(dir, "v3.19-seqcount", "tso-P2-one-queue.json"))
	assert.Regexp(t, `v3\.19-seqcount +- +sc +unknown +- +\d+ +\d+ +\S+ +interrupted`, out.String())
	assert.NotContains(t, out.String(), "armv8")
	assert.Contains(t, out.String(), "3 runs: 0 hold, 1 violated, 1 unknown (1 interrupted), 1 not started (interrupted)")
	var rep CheckReport
	readReport(t, filepath.Join(dir, "report.json"), &rep)
	require.Len(t, rep.Runs, 2)
	assert.True(t, rep.Runs[1].Interrupted)
	assert.Equal(t, "canceled", rep.Runs[1].StopReason)
	assert.Equal(t, ExitInterrupt, rep.ExitCode)
}

// replay's exit code says whether the trace's claim reproduces; minimize's too.
func TestReplayAndMinimizeExitCodes(t *testing.T) {
	dir := t.TempDir()
	path := saveCounterexample(t, dir)
	code, out, errs := run("replay", path)
	require.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, out, "reproduced: P1")

	tr, err := traces.ReadFile(path)
	require.NoError(t, err)
	tr.Property, tr.Name = "P5", "deadlock-free"
	edited := filepath.Join(dir, "edited.json")
	require.NoError(t, tr.WriteFile(edited))
	code, out, errs = run("replay", edited)
	assert.Equal(t, ExitNotRepro, code, errs)
	assert.Contains(t, out, "not reproduced: P5 deadlock-free holds")
	assert.Contains(t, out, "other violation: P1")
	code, out, errs = run("minimize", edited)
	assert.Equal(t, ExitNotRepro, code, errs)
	assert.Contains(t, out, "not reproduced")
	assert.NoFileExists(t, filepath.Join(dir, "edited.min.json"))
	code, _, errs = run("explain", edited)
	assert.Equal(t, ExitNotRepro, code, errs)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{}"), 0o644))
	code, _, errs = run("replay", filepath.Join(dir, "bad.json"))
	assert.Equal(t, ExitUsage, code)
	assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
}

// barriers' exit code follows check's: v3.19-seqcount as written is violated.
func TestBarriersExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("an ablation of a whole variant")
	}
	code, _, errs := run("barriers", "--variant", "v3.19-seqcount", "--model", "tso", "--traces", t.TempDir())
	assert.Equal(t, ExitViolation, code, errs)
}

// litmus --json writes a versioned report with herd7's observation and counts.
func TestLitmusJSONReport(t *testing.T) {
	dir := filepath.Join("..", "..", "litmus", "testdata", "kernel", "litmus-tests")
	test := filepath.Join(dir, "MP+pooncerelease+poacquireonce.litmus")
	if _, err := os.Stat(test); err != nil {
		t.Skipf("no kernel litmus test at %s: %v", test, err)
	}
	path := filepath.Join(t.TempDir(), "litmus.json")
	code, out, errs := run("litmus", "--json", path, test)
	require.Equal(t, ExitHolds, code, errs)
	assert.Contains(t, out, "Observation MP+pooncerelease+poacquireonce Never 0 ")
	var rep LitmusReport
	readReport(t, path, &rep)
	assert.Equal(t, LitmusReportFormat, rep.Format)
	assert.Equal(t, ReportVersion, rep.Version)
	assert.Equal(t, "lkmm", rep.Model)
	require.Len(t, rep.Tests, 1)
	tr := rep.Tests[0]
	assert.Equal(t, "Never", tr.Result)
	assert.Equal(t, "exhausted", tr.StopReason)
	assert.Zero(t, tr.Positive)
	assert.Positive(t, tr.Negative)
	assert.NotEmpty(t, tr.States)
}

// readReport decodes the JSON report at path into v.
func readReport(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}
