package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/steering"
	"github.com/stretchr/testify/assert"
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

// Every run of docs/VERDICTS.md's four-CPU table is decided: every variant under each
// of its models holds or is violated, none ran out of its budget.
func TestFourCPUTableIsDecided(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "VERDICTS.md"))
	require.NoError(t, err)
	text := string(doc)
	i := strings.Index(text, "\n## Four CPUs\n")
	require.GreaterOrEqual(t, i, 0, "docs/VERDICTS.md has no four-CPU table: run `make verdicts`")
	section := text[i+1:]
	if j := strings.Index(section[1:], "\n## "); j >= 0 {
		section = section[:j+1]
	}
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		r := tableRowLine.FindStringSubmatch(line)
		if r == nil {
			continue
		}
		rows++
		cells := strings.Split(r[3], " | ")
		require.Len(t, cells, len(fourCPUModels), "row %q", line)
		for k, c := range cells {
			m := verdictCellPattern.FindStringSubmatch(c)
			require.NotNil(t, m, "cell %q", c)
			assert.NotEqual(t, "unknown", m[1], "%s under %s at four CPUs", r[1], fourCPUModels[k])
		}
	}
	assert.Equal(t, len(steering.Variants()), rows, "variants in the four-CPU table")
}
