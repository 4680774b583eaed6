package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/traces"
)

// The 2018 layout (the defaults): managed-4.11 steers CPU 2's request to queue 2,
// whose managed interrupt was never started; the hang is saved, replayable.
func TestCheckHotplug2018Hang(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run("check", "--variant", "managed-4.11", "--traces", dir)
	require.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, out, "queue 2: mask 4-5, managed, shut down (no online CPU in mask)")
	assert.Contains(t, out, "requests: r0 from CPU 2; hotplug: none")
	assert.Contains(t, out, "P6 no-hang")
	path := filepath.Join(dir, "managed-4.11", "sc-P6-no-hang.json")
	assert.Contains(t, out, path)

	tr, err := traces.ReadFile(path)
	require.NoError(t, err)
	require.NotNil(t, tr.Hotplug)
	assert.Equal(t, "P6", tr.Property)
	assert.Equal(t, "sc", tr.Model)
	assert.Equal(t, "cpus=8 present=0-3", tr.Hotplug.Topology)
	txt, err := os.ReadFile(filepath.Join(dir, "managed-4.11", "sc-P6-no-hang.txt"))
	require.NoError(t, err)
	assert.Regexp(t, `! #\d+ » irq-lost queue 2 \(interrupt shut down\)`, string(txt))

	code, out, errs = run("replay", path)
	require.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, out, "reproduced: P6 no-hang: request r0 from CPU 2 never completed")

	code, out, errs = run("explain", path)
	require.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, out, "device (device)")

	code, _, errs = run("minimize", path, "-o", filepath.Join(dir, "min.json"))
	require.Equal(t, ExitViolation, code, errs)
}

// blkmq-4.17 on the same box: blk-mq's map sends every online CPU to a queue with a
// started interrupt.
func TestCheckHotplugBlkMQ417Holds(t *testing.T) {
	code, out, errs := run("check", "--variant", "blkmq-4.17", "--requests", "1,2", "--traces", t.TempDir())
	require.Equal(t, ExitHolds, code, errs)
	assert.Contains(t, out, "requests: r0 from CPU 1, r1 from CPU 2")
	assert.Contains(t, out, "verdict holds")
}

// A hang that needs a particular order (CPU 2 first) is minimized to one request.
func TestCheckHotplugMinimizes(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := run("check", "--variant", "managed-4.11", "--requests", "1,2", "--property", "P6", "--traces", dir)
	require.Equal(t, ExitViolation, code, errs)
	tr, err := traces.ReadFile(filepath.Join(dir, "managed-4.11", "sc-P6-no-hang.json"))
	require.NoError(t, err)
	assert.Equal(t, "2", tr.Hotplug.Requests)
}

func TestCheckHotplugBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--variant", "managed-4.11", "--cpus", "3"},
		{"check", "--variant", "v2-2012", "--xen"},
		{"check", "--variant", "managed-4.11", "--property", "P1"},
		{"check", "--variant", "managed-4.11", "--spread", "4.15"},
		{"check", "--variant", "managed-4.11", "--hotplug", "-9"},
		{"check", "--variant", "managed-4.11+no-such-mutant"},
	} {
		code, _, errs := run(args...)
		assert.Equal(t, ExitUsage, code, "%v: %s", args, errs)
	}
}
