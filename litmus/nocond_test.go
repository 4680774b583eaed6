package litmus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// Tests without a final condition, as herd7 reads them: the condition is forall
// (true), so the test is "Required" and every execution is positive. testdata/nocond
// holds such tests (a self-deadlock, a locations list, a filter, a data race, an
// unmatched unlock) with herd7's TSV and, beside each test, herd7's whole output
// (NAME.herd7, without the Time and Hash lines), which FormatHerd must reproduce line
// for line.
func TestNoFinalConditionMatchesHerd7(t *testing.T) {
	dir := filepath.Join("testdata", "nocond")
	n := matchHerdTSV(t, dir, filepath.Join(dir, "herd7.tsv"), 1)
	files, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
	require.NoError(t, err)
	require.Len(t, files, n, "every test has a line in herd7.tsv")
	for _, f := range files {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".litmus") + ".herd7")
		require.NoError(t, err)
		test, err := ParseFile(f)
		require.NoError(t, err)
		assert.Nil(t, test.Cond)
		res, err := Run(test, "lkmm", model.Options{})
		require.NoError(t, err)
		assert.Equal(t, strings.TrimSpace(string(want)), strings.TrimSpace(FormatHerd(res)),
			"reproduce: go run ./cmd/steercheck litmus -show litmus/%s", f)
	}
}

// A test without a final condition prints without one and parses back the same.
func TestNoFinalConditionRoundTrip(t *testing.T) {
	src := "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nlocations [x]\n"
	test := mustParse(t, src)
	require.Nil(t, test.Cond)
	out := Format(test)
	assert.NotContains(t, out, "exists")
	assert.NotContains(t, out, "forall")
	again := mustParse(t, out)
	assert.Equal(t, out, Format(again))
}
