package cli

import (
	"bytes"
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
