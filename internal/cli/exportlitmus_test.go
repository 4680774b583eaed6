package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/model"
)

// The steering critical section of the lock-based variants exports as a litmus test
// that reads back and runs; the seqcount variant's spin-waits do not fit the format and
// say so in one line with exit code 2.
func TestExportLitmus(t *testing.T) {
	for _, v := range []string{"single", "v2-2012", "v3.10", "v3.17"} {
		var out, errb bytes.Buffer
		code := Main([]string{"export-litmus", "--variant", v}, &out, &errb)
		require.Equal(t, ExitHolds, code, "%s: %s", v, errb.String())
		test, err := litmus.Parse(v+".litmus", out.Bytes())
		require.NoError(t, err, v)
		res, err := litmus.Run(test, "sc", model.Options{})
		require.NoError(t, err, v)
		assert.Equal(t, "Always", res.Observation(), "%s: every execution completes (exists (true))", v)
		assert.Contains(t, out.String(), "atomic_", v)
	}
	var out, errb bytes.Buffer
	code := Main([]string{"export-litmus", "--variant", "v3.19-seqcount"}, &out, &errb)
	assert.Equal(t, ExitUsage, code)
	assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "one-line error: %q", errb.String())
	assert.Contains(t, errb.String(), "does not fit the litmus format")
}

// A witness trace exports as a litmus test of its own execution: without the device's
// smp_rmb (the trace's edit) lkmm allows the outcome the trace reached, and through the
// code as written it does not.
func TestExportLitmusOfATrace(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "barriers", "v3_10", "device-smp_rmb.lkmm.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no witness at %s (run make barriers): %v", path, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export-litmus", "--trace", path}, "Sometimes"},
		{[]string{"export-litmus", "--trace", path, "--as-written"}, "Never"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, ExitHolds, Main(c.args, &out, &errb), errb.String())
		test, err := litmus.Parse("trace.litmus", out.Bytes())
		require.NoError(t, err, out.String())
		res, err := litmus.Run(test, "lkmm", model.Options{MaxSteps: 5_000_000})
		require.NoError(t, err)
		assert.Equal(t, c.want, res.Observation(), "%v\n%s", c.args, out.String())
	}
	for _, args := range [][]string{
		{"export-litmus", "--trace", path, "--variant", "v3.10"},
		{"export-litmus", "--as-written"},
		{"export-litmus", "--trace", "no-such-trace.json"},
	} {
		var out, errb bytes.Buffer
		assert.Equal(t, ExitUsage, Main(args, &out, &errb), "%v", args)
		assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "one-line error: %q", errb.String())
	}
}
