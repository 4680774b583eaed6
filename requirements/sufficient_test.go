package requirements

import (
	"bytes"

	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/ablation"
)

// pairTable is v3.17's table under lkmm cut down to two annotations that are each
// removable alone (docs/BARRIERS.md): the used ring's store made plain on the device's
// side, and its load made plain in virtqueue_get_buf. The descent then has one subset
// check to make: both weakened at once.
func pairTable(t *testing.T) *Table {
	t.Helper()
	s, err := NewSubject("v3.17")
	require.NoError(t, err)
	var pair []ablation.Annotation
	for _, a := range ablation.Annotations(s.Program()) {
		if a.Site == "device:used.ring" || a.Site == "virtqueue_get_buf:used.ring" {
			pair = append(pair, a)
		}
	}
	require.Len(t, pair, 2)
	removable := Cell{Status: NotRequired, Outcome: Outcome{Verdict: Holds}}
	return &Table{Subject: s, Models: []string{"lkmm"}, Baseline: []Outcome{{Verdict: Holds}},
		Annotations: pair, Cells: [][]Cell{{removable}, {removable}}}
}

// A subset check the two-phase explorer cannot finish is checked again by HMC, as a
// table cell is; where HMC cannot finish either, the set the descent ends with keeps
// the annotation and says it is not shown minimal, instead of passing for minimal.
func TestSufficientSetsFallBackToHMCAndMarkWhatStaysUndecided(t *testing.T) {
	tab := pairTable(t)
	b := Budget{CycleModels: []string{"lkmm"}, CycleMaxSteps: 20_000}

	sets, err := Sufficient(tab, b) // no HMC: the pair's check runs out of steps
	require.NoError(t, err)
	require.Len(t, sets, 1)
	ss := sets[0]
	assert.Equal(t, 1, ss.Checks, "both orders try the same pair: it is checked once")
	require.Len(t, ss.Minimal, 2, "each order keeps the annotation it tried second")
	require.Len(t, ss.Undecided, 2)
	for x, set := range ss.Minimal {
		require.Len(t, set, 1)
		assert.Equal(t, set, ss.Undecided[x], "the kept annotation was kept for want of a verdict")
	}
	var doc bytes.Buffer
	writeSets(&doc, sets)
	assert.Contains(t, doc.String(), "not shown minimal")

	if testing.Short() {
		t.Skip("the rest is seconds of HMC on v3.17")
	}
	b.CellHMCMaxSteps = 2_000_000 // the cells' budget: not the sets'
	sets, err = Sufficient(tab, b)
	require.NoError(t, err)
	for x, set := range sets[0].Minimal {
		assert.Equal(t, set, sets[0].Undecided[x], "the sets' HMC budget is SetHMCMaxSteps")
	}

	b.SetHMCMaxSteps = 2_000_000
	sets, err = Sufficient(tab, b)
	require.NoError(t, err)
	ss = sets[0]
	require.Len(t, ss.Minimal, len(ss.Undecided))
	for x := range ss.Minimal {
		assert.Empty(t, ss.Undecided[x], "HMC decides the pair: %v", ss.Minimal[x])
	}
	t.Logf("with HMC: %v", ss.Minimal)
}
