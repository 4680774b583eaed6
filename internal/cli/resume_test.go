package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resumeNote matches check's line about its resume file.
var resumeNote = regexp.MustCompile(`(?m)^--resume \S+: (\d+) pieces skipped \(finished by an earlier check\), (\d+) recorded by this one\.\n`)

// table is check's output without the TIME column and the resume line: what an
// uninterrupted and a resumed check must agree on.
func table(out string) string {
	out = resumeNote.ReplaceAllString(out, "")
	return spaces.ReplaceAllString(timeColumn.ReplaceAllString(out, "T"), " ")
}

// A check given its own resume file again, whole or cut anywhere (a check stopped
// after some pieces, a line cut short by a kill), prints the table and saves the
// traces of the uninterrupted check, skipping the pieces the file records. v3.10 and
// its mutants at 2 CPUs under sc and lkmm, split without the sequential trial; a
// violated run records only the pieces before its violation's, so the resumed run
// finds it again.
func TestResumedCheckIsTheUninterruptedCheck(t *testing.T) {
	defer func(s int64) { trialSteps = s }(trialSteps)
	trialSteps = -1
	for _, workers := range []string{"1", "2"} {
		dir := t.TempDir()
		file := filepath.Join(dir, "resume.jsonl")
		traces := filepath.Join(dir, "traces")
		args := []string{"check", "--variant", "v3.10", "--mutant", "all", "--model", "sc,lkmm", "--cpus", "2",
			"--requests", "0:0,1:0", "--traces", traces, "--quiet", "--jobs", "1", "--workers", workers}
		code, plain, errs := run(args...)
		require.Equal(t, ExitViolation, code, errs)
		trace := func() string {
			b, err := os.ReadFile(filepath.Join(traces, "v3.10+no-tgt-lock", "sc-P2-one-queue.json"))
			require.NoError(t, err)
			return string(b)
		}
		plainTrace := trace()

		resumed := append(args, "--resume", file)
		code, out, errs := run(resumed...)
		require.Equal(t, ExitViolation, code, errs)
		assert.Equal(t, table(plain), table(out), "%s workers", workers)
		m := resumeNote.FindStringSubmatch(out)
		require.NotNil(t, m, out)
		assert.Equal(t, "0", m[1], "nothing to skip the first time")
		recorded := atoi(t, m[2])
		require.Greater(t, recorded, 4)

		b, err := os.ReadFile(file)
		require.NoError(t, err)
		lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
		for _, keep := range []int{len(lines) - 1, (len(lines) - 1) / 2, 1} {
			// The header and keep records, and half a line after them.
			cut := strings.Join(lines[:1+keep], "")
			if !strings.HasSuffix(cut, "\n") {
				cut += "\n"
			}
			if keep < len(lines)-1 {
				cut += lines[1+keep][:len(lines[1+keep])/2]
			}
			w := fmt.Sprintf("%s workers, %d records kept", workers, keep)
			require.NoError(t, os.WriteFile(file, []byte(cut), 0o644))
			require.NoError(t, os.RemoveAll(traces))
			code, out, errs := run(resumed...)
			require.Equal(t, ExitViolation, code, errs)
			assert.Equal(t, table(plain), table(out), w)
			assert.Equal(t, plainTrace, trace(), w)
			m := resumeNote.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			if workers == "1" {
				// In order, one piece at a time: a violated run records exactly the
				// pieces before its violation's, every time.
				assert.Equal(t, keep, atoi(t, m[1]), "every record kept is used: %s", w)
				assert.Equal(t, recorded, keep+atoi(t, m[2]), "the others are recorded again: %s", w)
			}
		}
		// The file holds each piece once, and the half line was dropped.
		b, err = os.ReadFile(file)
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(string(b), "\n"))
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")[1:] {
			var r resumeRecord
			require.NoError(t, json.Unmarshal([]byte(line), &r), line)
			k := fmt.Sprintf("%s+%s %s %d/%d", r.Variant, r.Mutant, r.Model, r.Split, r.Piece)
			assert.False(t, seen[k], "%s recorded twice", k)
			seen[k] = true
		}
		if workers == "1" {
			assert.Len(t, seen, recorded)
		}
	}
}

// atoi is strconv.Atoi for a number the test's regexp matched.
func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// A resume file of another check, or not a resume file at all, is refused with one
// line and exit code 2, and left as it was; so are the flags --resume cannot go with.
func TestResumeRefusesAnotherCheck(t *testing.T) {
	defer func(s int64) { trialSteps = s }(trialSteps)
	trialSteps = -1
	dir := t.TempDir()
	file := filepath.Join(dir, "resume.jsonl")
	base := []string{"check", "--variant", "v3.10", "--model", "sc", "--cpus", "2", "--requests", "0:0,1:0", "--quiet", "--resume", file}
	code, _, errs := run(base...)
	require.Equal(t, ExitHolds, code, errs)
	written, err := os.ReadFile(file)
	require.NoError(t, err)

	for _, c := range []struct {
		extra []string
		want  string
	}{
		{[]string{"--targets", "2", "--requests", "0:0,1:1"}, "written by another check (at cpus=2 targets=1"},
		{[]string{"--property", "P1"}, `written by another check (checking properties ""; this check, "P1")`},
		{[]string{"--symmetry"}, "written by another check (with --symmetry=false; this check has --symmetry=true)"},
	} {
		code, _, errs := run(append(append([]string{}, base...), c.extra...)...)
		assert.Equal(t, ExitUsage, code, c.extra)
		assert.Contains(t, errs, c.want, c.extra)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: %q", c.extra, errs)
		now, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Equal(t, string(written), string(now), "a refused file is left alone")
	}
	// Property names and order do not matter: the same selection is the same check.
	other := filepath.Join(dir, "props.jsonl")
	code, _, errs = run("check", "--variant", "v3.10", "--model", "sc", "--cpus", "2", "--requests", "0:0,1:0", "--quiet", "--resume", other, "--property", "P2,P1")
	require.Equal(t, ExitHolds, code, errs)
	code, _, errs = run("check", "--variant", "v3.10", "--model", "sc", "--cpus", "2", "--requests", "0:0,1:0", "--quiet", "--resume", other, "--property", "P1,P2")
	assert.Equal(t, ExitHolds, code, errs)

	bad := map[string]string{
		"not-resume.json": "{\"format\":\"steercheck-check-report\"}\n",
		"garbage.jsonl":   "hello\n",
		"badrecord.jsonl": strings.SplitAfter(string(written), "\n")[0] + "{\"model\":\"sc\",\"pieces\":0}\n",
		"unknown.jsonl":   strings.SplitAfter(string(written), "\n")[0] + "{\"model\":\"sc\",\"pieces\":2,\"colour\":1}\n",
	}
	for name, content := range bad {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		args := append(append([]string{}, base[:len(base)-1]...), path)
		code, _, errs := run(args...)
		assert.Equal(t, ExitUsage, code, name)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%s: %q", name, errs)
		if strings.HasSuffix(name, "record.jsonl") || name == "unknown.jsonl" {
			assert.Contains(t, errs, path+":2: not a piece record", name)
		} else {
			assert.Contains(t, errs, "not a resume file", name)
		}
	}
	for _, extra := range [][]string{{"--shard", "0/2"}, {"--estimate"}, {"--variant", "managed-4.11", "--cpus", "0"}} {
		args := []string{"check", "--variant", "v3.10", "--model", "sc", "--resume", filepath.Join(dir, "x.jsonl")}
		if extra[0] == "--variant" {
			args = []string{"check", "--variant", "managed-4.11", "--resume", filepath.Join(dir, "x.jsonl")}
		} else {
			args = append(args, extra...)
		}
		code, _, errs := run(args...)
		assert.Equal(t, ExitUsage, code, extra)
		assert.Contains(t, errs, "--resume", extra)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: %q", extra, errs)
	}
}
