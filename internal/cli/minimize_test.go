package cli

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/traces"
)

func TestMinimizeCommand(t *testing.T) {
	dir := t.TempDir()
	path := saveCounterexample(t, dir)
	out := filepath.Join(dir, "small.json")
	code, stdout, errs := run("minimize", path, "-o", out)
	require.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, stdout, "minimized: 2 requests")
	assert.Contains(t, stdout, "wrote "+out)

	orig, err := traces.ReadFile(path)
	require.NoError(t, err)
	min, err := traces.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, orig.Property, min.Property)
	rp, err := min.Replay()
	require.NoError(t, err)
	assert.True(t, rp.Reproduced)

	// Default output path, and replay of the result through the CLI.
	code, _, errs = run("minimize", path)
	require.Equal(t, ExitViolation, code, errs)
	code, _, errs = run("replay", "--quiet", filepath.Join(dir, "trace.min.json"))
	assert.Equal(t, ExitViolation, code, errs)
}

func TestMinimizeBadUsage(t *testing.T) {
	code, _, errs := run("minimize")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errs, "one trace file")
	code, _, _ = run("minimize", "a.json", "b.json")
	assert.Equal(t, ExitUsage, code)
}
