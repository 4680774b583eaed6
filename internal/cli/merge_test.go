package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// n shards of a check, merged, give the whole run's verdicts and counts: a run that
// holds (every shard explores part of it), and a mutant's violation that only some
// shards find.
func TestShardsMergeToTheWholeRun(t *testing.T) {
	dir := t.TempDir()
	common := []string{"--variant", "v3.10", "--mutant", "all", "--model", "sc,lkmm", "--cpus", "2", "--requests", "0:0,1:0",
		"--traces", dir, "--quiet", "--no-minimize"}
	whole := filepath.Join(dir, "whole.json")
	code, out, errs := run(append([]string{"check", "--json", whole}, common...)...)
	require.Equal(t, ExitViolation, code, errs)
	var want CheckReport
	readReport(t, whole, &want)
	for _, n := range []int{2, 5} {
		var files []string
		for i := n - 1; i >= 0; i-- { // any order
			f := filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d.json", i, n))
			c, _, e := run(append([]string{"check", "--shard", fmt.Sprintf("%d/%d", i, n), "--json", f}, common...)...)
			require.Contains(t, []int{ExitHolds, ExitViolation}, c, e)
			files = append(files, f)
		}
		merged := filepath.Join(dir, fmt.Sprintf("merged-%d.json", n))
		c, mout, e := run(append([]string{"merge", "--json", merged}, files...)...)
		require.Equal(t, ExitViolation, c, e)
		var got CheckReport
		readReport(t, merged, &got)
		require.Len(t, got.Runs, len(want.Runs))
		for j, w := range want.Runs {
			g := got.Runs[j]
			what := fmt.Sprintf("%d shards: %s+%s under %s", n, w.Variant, w.Mutant, w.Model)
			assert.Equal(t, w.Verdict, g.Verdict, what)
			// The merged counterexample is the lowest shard's, of the kind the whole
			// run reports: an ordering violation before a data race.
			assert.Equal(t, w.Property == "P11", g.Property == "P11", what)
			assert.Equal(t, w.Property == "", g.Property == "", what)
			if w.Verdict == "holds" {
				assert.Equal(t, w.Executions, g.Executions, what)
				assert.Equal(t, w.LockOrder, g.LockOrder, what)
				// Steps are summed over the shards, and every shard walks the tree
				// above the level the shards split (the level depends on n), which
				// the whole run walks once: the sum exceeds the whole run's by n-1
				// such walks, all alike (docs/runs/issue17/README.md: 7 × 3,729 at
				// 8 shards).
				extra := g.Steps - w.Steps
				assert.GreaterOrEqual(t, extra, int64(0), what)
				assert.Zero(t, extra%int64(n-1), "%s: %d steps more than the whole run, not n-1 walks alike", what, extra)
			}
		}
		assert.Equal(t, want.Summary, got.Summary, "%d shards", n)
		assert.Equal(t, want.Build, got.Build, "a merged report keeps its shards' build")
		assert.Contains(t, mout, "merged: every shard of the run", out)
	}
}

// merge refuses reports that are not the shards of one check: a missing shard, a
// shard twice, a whole run's report, shards of different checks, a file that is not a
// report.
func TestMergeRefusesWhatIsNotOneCheck(t *testing.T) {
	dir := t.TempDir()
	shard := func(name string, args ...string) string {
		f := filepath.Join(dir, name)
		base := []string{"check", "--variant", "v3.10", "--model", "sc", "--cpus", "2", "--requests", "0:0,1:0", "--quiet", "--json", f}
		c, _, e := run(append(base, args...)...)
		require.Equal(t, ExitHolds, c, e)
		return f
	}
	s0, s1 := shard("s0.json", "--shard", "0/2"), shard("s1.json", "--shard", "1/2")
	third := shard("third.json", "--shard", "1/3")
	wholeRun := shard("whole.json")
	other := shard("other.json", "--shard", "1/2", "--max-steps", "123456")
	symmetric := shard("symmetric.json", "--shard", "1/2", "--symmetry")
	otherBuild := filepath.Join(dir, "other-build.json")
	b, err := os.ReadFile(s1)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(otherBuild, []byte(strings.Replace(string(b), `"tool": "steercheck `, `"tool": "steercheck 0.0.9 `, 1)), 0o644))
	// Two builds with the same version line (uncommitted changes, or no VCS
	// information): only the executable's hash tells them apart.
	var rep CheckReport
	require.NoError(t, json.Unmarshal(b, &rep))
	require.NotEmpty(t, rep.Build, "a report records the executable's hash")
	otherHash := filepath.Join(dir, "other-hash.json")
	require.NoError(t, os.WriteFile(otherHash, []byte(strings.Replace(string(b), `"build": "`+rep.Build, `"build": "sha256:0000000000000000`, 1)), 0o644))
	noHash := filepath.Join(dir, "no-hash.json")
	require.NoError(t, os.WriteFile(noHash, []byte(strings.Replace(string(b), `"build": "`+rep.Build+`",`, ``, 1)), 0o644))
	notJSON := filepath.Join(dir, "x.json")
	require.NoError(t, os.WriteFile(notJSON, []byte("{"), 0o644))
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{s0}, "1 reports for 2 shards: missing 1/2 (every shard 0/2 to 1/2 is needed once)"},
		{[]string{s0, s0}, "2 reports for 2 shards: missing 1/2; more than once: 0/2"},
		{[]string{s1, s1, s0}, "3 reports for 2 shards: more than once: 1/2"},
		{[]string{s0, third}, "shard 1/3 is one of 3 shards, shard 0/2 one of 2"},
		{[]string{s0, wholeRun}, "a whole run's report"},
		{[]string{s0, other}, "is of another check"},
		{[]string{s0, symmetric}, "is of another check"},
		{[]string{s0, otherBuild}, "must come from one build of steercheck"},
		{[]string{s0, otherHash}, "shard 1/2 was written by build sha256:0000000000000000, shard 0/2 by build " + rep.Build},
		{[]string{s0, noHash}, "shard 1/2 was written by build (none recorded)"},
		{[]string{notJSON}, "not a check report"},
	} {
		code, out, errs := run(append([]string{"merge"}, c.files...)...)
		assert.Equal(t, ExitUsage, code, c.want)
		assert.Empty(t, out, c.want)
		assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
		assert.Contains(t, errs, c.want)
	}
	code, _, errs := run("merge", s1, s0)
	assert.Equal(t, ExitHolds, code, errs)
}

// shardSetProblem names missing and repeated shards in ranges.
func TestShardSetProblem(t *testing.T) {
	shards := func(n int, idx ...int) []model.Shard {
		out := make([]model.Shard, len(idx))
		for i, k := range idx {
			out[i] = model.Shard{Index: k, Count: n}
		}
		return out
	}
	assert.Equal(t, "", shardSetProblem(shards(3, 2, 0, 1), 3))
	assert.Equal(t, "missing 1/8 to 3/8, 6/8", shardSetProblem(shards(8, 0, 4, 5, 7), 8))
	assert.Equal(t, "missing 3/4; more than once: 0/4 to 1/4", shardSetProblem(shards(4, 0, 0, 1, 1, 2), 4))
}

// A run that some shard left unknown is unknown, and the note and the report name the
// shards to run again.
func TestMergeNamesUnknownShards(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := 0; i < 3; i++ {
		f := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		c, _, e := run("check", "--variant", "v3.10", "--model", "sc", "--max-steps", "50", "--quiet",
			"--shard", fmt.Sprintf("%d/3", i), "--json", f)
		require.Equal(t, ExitUnknown, c, e)
		files = append(files, f)
	}
	merged := filepath.Join(dir, "merged.json")
	code, out, errs := run(append([]string{"merge", "--json", merged}, files...)...)
	assert.Equal(t, ExitUnknown, code, errs)
	assert.Contains(t, out, "stopped: step budget in shards 0/3 to 2/3")
	b, err := os.ReadFile(merged)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"unknown_shards": [`)
	assert.Contains(t, string(b), `"2/3"`)
}

// P5's lock-order graph spans a run, and each shard sees its part: merge judges the
// union of the shards' graphs, and reports a cycle that no shard saw whole as a P5
// violation of the merged run (a shard's own violation stands). A malformed edge is
// an error.
func TestMergeFindsLockOrderInversionAcrossShards(t *testing.T) {
	shard := func(i int, verdict string, edges ...string) CheckReport {
		r := RunReport{Variant: "v", Model: "sc", Verdict: verdict, Executions: 10, StopReason: "exhausted", LockOrder: edges}
		if verdict == "violated" {
			r.Property, r.PropertyName, r.Message = "P2", "one-queue", "found here"
		}
		return CheckReport{Format: CheckReportFormat, Version: ReportVersion, Tool: "t", Build: "b", Configuration: "c",
			Budget: "x", Shard: fmt.Sprintf("%d/3", i), Runs: []RunReport{r}}
	}
	got, err := MergeShards([]CheckReport{shard(2, "holds", "c → a"), shard(0, "holds", "a → b"), shard(1, "holds", "a → b", "b → c")})
	require.NoError(t, err)
	r := got.Runs[0]
	assert.Equal(t, "violated", r.Verdict)
	assert.Equal(t, "P5", r.Property)
	assert.Equal(t, "lock order inversion across shards: a → b (shard 0/3), b → c (shard 1/3), c → a (shard 2/3) "+
		"(no trace: no one execution took every edge; the unsharded run finds it where the cycle closes)", r.Message)
	assert.Equal(t, []string{"a → b", "b → c", "c → a"}, r.LockOrder)
	assert.Equal(t, int64(30), r.Executions)
	assert.Equal(t, 1, got.Summary.Violated)

	got, err = MergeShards([]CheckReport{shard(0, "holds", "a → b"), shard(1, "holds", "a → b", "b → c"), shard(2, "holds")})
	require.NoError(t, err)
	assert.Equal(t, "holds", got.Runs[0].Verdict, "no cycle")

	got, err = MergeShards([]CheckReport{shard(0, "holds", "a → b"), shard(1, "violated", "b → a"), shard(2, "holds")})
	require.NoError(t, err)
	assert.Equal(t, "P2", got.Runs[0].Property, "a shard's violation stands")

	_, err = MergeShards([]CheckReport{shard(0, "holds", "a->b"), shard(1, "holds"), shard(2, "holds")})
	assert.ErrorContains(t, err, `lock-order edge "a->b"`)
}
