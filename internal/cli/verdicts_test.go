package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/VERDICTS.md must come from the current code: its recorded fingerprint of the
// packages that decide verdicts must match theirs now.
func TestVerdictsDocIsFresh(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "VERDICTS.md"))
	require.NoError(t, err, "docs/VERDICTS.md is missing: run `make verdicts`")
	now, err := SourceFingerprint(root)
	require.NoError(t, err)
	require.Equal(t, now, RecordedFingerprint(string(doc)),
		"docs/VERDICTS.md is stale (model, barriers, steering or properties changed): run `make verdicts`")
}

// docs/BARRIERS.md must come from the current code too (`make barriers`).
func TestBarriersDocIsFresh(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "BARRIERS.md"))
	require.NoError(t, err, "docs/BARRIERS.md is missing: run `make barriers`")
	now, err := SourceFingerprintOf(root, barriersFingerprintDirs)
	require.NoError(t, err)
	require.Equal(t, now, RecordedFingerprint(string(doc)),
		"docs/BARRIERS.md is stale (a package it depends on changed): run `make barriers`")
}
