package litmus

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The generated corpus (testdata/generated, see its README) against herd7's full
// results: verdict, positive and negative counts, flags and the set of final states,
// for every one of its 3,500 tests (herdtsv_test.go). The whole corpus runs in
// seconds, so `make test` runs all of it; a -race build (ten times slower) runs every
// fifth test, which still goes through every shape of the generator.

// generatedDir holds the corpus, relative to this package.
var generatedDir = filepath.Join("testdata", "generated")

func TestGeneratedCorpusMatchesHerd7(t *testing.T) {
	for _, part := range []string{"cycles", "random"} {
		t.Run(part, func(t *testing.T) {
			matchHerdTSV(t, filepath.Join(generatedDir, part), filepath.Join(generatedDir, part+".tsv"))
		})
	}
}

// The comparison finds what it is there to find: a result with a state, a flag or a
// count changed is reported, naming the difference.
func TestGeneratedCorpusDiffFindsDifferences(t *testing.T) {
	rows := loadHerdTSV(t, filepath.Join(generatedDir, "cycles.tsv"))
	want := rows[1] // C00001: Sometimes 1 3, data-race, four states
	require.Equal(t, "data-race", want.flags)
	got, _, err := ourRow(filepath.Join(generatedDir, "cycles", want.file))
	require.NoError(t, err)
	require.Empty(t, diffRows(want, got))
	noFlag := got
	noFlag.flags = ""
	assert.Contains(t, diffRows(want, noFlag), `flags: herd7 "data-race", steercheck ""`)
	lost := got
	lost.states = got.states[1:]
	assert.Contains(t, diffRows(want, lost), "state only herd7 allows: "+got.states[0])
	counted := got
	counted.neg++
	assert.Contains(t, diffRows(want, counted), "observation: herd7 Sometimes 1 3, steercheck Sometimes 1 4")
}
