package litmus

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExportRoundTripSRCUAndIsLocked: the SRCU corpus (testdata/srcu) and the kernel's
// tests with spin_is_locked, translated, exported, parsed and translated back, have
// the same final states with the same execution counts under lkmm and lkmm-alpha
// (the models that give SRCU and spin_is_locked their meaning).
func TestExportRoundTripSRCUAndIsLocked(t *testing.T) {
	files, err := filepath.Glob("testdata/srcu/*.litmus")
	require.NoError(t, err)
	for _, n := range []string{"MP+polockonce+poacquiresilsil", "MP+polockmbonce+poacquiresilsil"} {
		files = append(files, filepath.Join("testdata/kernel/litmus-tests", n+".litmus"))
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".litmus")
		t.Run(name, func(t *testing.T) {
			test, err := ParseFile(f)
			require.NoError(t, err)
			tr, err := Translate(test)
			require.NoError(t, err, "go run ./cmd/steercheck litmus %s", f)
			checkRoundTrip(t, tr.Prog, name, "", []string{"lkmm", "lkmm-alpha"})
		})
	}
}
