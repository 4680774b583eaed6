package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A litmus test steercheck cannot judge is bad input: exit 2 and one line on stderr
// that says why, distinct for a name nobody defines, a primitive only herd7's .def
// defines, a primitive the chosen model refuses, and a location nobody declares. The
// good tests given with them still run.
func TestLitmusRejectsWhatItCannotJudge(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body, cond string) string {
		path := filepath.Join(dir, name+".litmus")
		src := "C " + name + "\n{}\nP0(int *x)\n{\n\t" + body + "\n}\n" + cond
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		return path
	}
	good := write("good", "WRITE_ONCE(*x, 1);", "exists (x=1)\n")
	for _, c := range []struct {
		name, body, cond, model, want string
	}{
		{"unknown", "frobnicate(x);", "exists (x=1)\n", "lkmm",
			`unknown.litmus:5:2: unknown primitive "frobnicate": neither the kernel's linux-kernel.def nor steercheck defines it`},
		{"herdonly", "atomic_xor(1, x);", "exists (x=1)\n", "lkmm",
			"herdonly:5:2: unsupported primitive atomic_xor (defined by the kernel's linux-kernel.def, but not supported by steercheck)"},
		{"bymodel", "synchronize_rcu();", "exists (x=0)\n", "tso",
			"bymodel:5:2: unsupported primitive synchronize_rcu (not supported by memory model tso)"},
		{"undeclared", "WRITE_ONCE(*x, 1);", "exists (y=1)\n", "lkmm",
			"undeclared.litmus:7:9: unknown location y: not declared in the initial state nor a thread parameter"},
	} {
		bad := write(c.name, c.body, c.cond)
		var out, errb bytes.Buffer
		code := Main([]string{"litmus", "--model", c.model, bad, good}, &out, &errb)
		assert.Equal(t, ExitUsage, code, "%s: steercheck litmus --model %s %s", c.name, c.model, bad)
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		require.Len(t, lines, 1, c.name)
		assert.True(t, strings.HasPrefix(lines[0], "steercheck: "), lines[0])
		assert.Contains(t, lines[0], c.want)
		assert.Equal(t, "Observation good Always 1 0\n", out.String(), "%s: the good test still runs", c.name)
	}
}

// A test without a final condition runs as herd7 reads it, forall (true).
func TestLitmusWithoutFinalCondition(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"litmus", "-show", filepath.Join("..", "..", "litmus", "testdata", "nocond", "self-deadlock.litmus")}, &out, &errb)
	require.Equal(t, ExitHolds, code, errb.String())
	assert.Contains(t, out.String(), "Test self-deadlock Required\nStates 0\nOk\n")
	assert.Contains(t, out.String(), "Condition forall (true)\nObservation self-deadlock Never 0 0\n")
}
