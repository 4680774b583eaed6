package requirements

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/model"
)

// The checker finds what a barrier is for: without queuecommand_multi's tgt_lock the
// two submitters race on req_vq, and the saved witness replays.
func TestLockPairIsRequiredWithAReplayingWitness(t *testing.T) {
	s, err := NewSubject("v2-2012")
	require.NoError(t, err)
	base, err := s.Check(nil, "sc", DefaultBudget)
	require.NoError(t, err)
	require.Equal(t, Holds, base.Verdict, "v2-2012 keeps every property under sc")

	o, err := s.Check([]ablation.Edit{{Op: ablation.Weaken, Site: "queuecommand_multi:spin_lock(tgt_lock)"}}, "sc", DefaultBudget)
	require.NoError(t, err)
	require.Equal(t, Violated, o.Verdict)
	w, err := saveWitness(t.TempDir(), "w.json", o.Trace)
	require.NoError(t, err)
	assert.True(t, w.Replays, "the minimized witness violates %s again when replayed", o.Property)
	assert.Equal(t, "w.txt", w.Rendering)

	// Removing smp_wmb alone breaks nothing under sc: the exploration completes.
	o, err = s.Check([]ablation.Edit{{Op: ablation.Weaken, Site: "queuecommand_multi:smp_wmb"}}, "sc", DefaultBudget)
	require.NoError(t, err)
	assert.Equal(t, Holds, o.Verdict)
	assert.Positive(t, o.Executions)
}

// Under a weak model, a run that did not enumerate executions with po∪rf cycles is
// never reported as not required.
func TestWeakModelsWithoutCyclesAreUndecided(t *testing.T) {
	s, err := NewSubject("single")
	require.NoError(t, err)
	tab, err := Ablate(s, []string{"lkmm"}, DefaultBudget)
	require.NoError(t, err)
	require.NotEmpty(t, tab.Annotations)
	for i, a := range tab.Annotations {
		c := tab.Cells[i][0]
		if c.Outcome.Reason == model.CyclesSkipped {
			assert.Equal(t, Undecided, c.Status, a.Name())
		}
		if c.Status == NotRequired {
			assert.True(t, c.Outcome.Reason == model.Exhausted, a.Name())
		}
	}
}

// Under armv8 (DefaultBudget.CycleModels) a check enumerates executions with po∪rf
// cycles too, so the variant as written is decided, not "acyclic ok".
func TestCycleModelsAreDecided(t *testing.T) {
	s, err := NewSubject("single")
	require.NoError(t, err)
	require.Contains(t, DefaultBudget.CycleModels, "armv8")
	o, err := s.Check(nil, "armv8", DefaultBudget)
	require.NoError(t, err)
	assert.Equal(t, Holds, o.Verdict)
	assert.Equal(t, model.Exhausted, o.Reason)
	o, err = s.Check(nil, "armv8", Budget{WeakMaxSteps: DefaultBudget.WeakMaxSteps})
	require.NoError(t, err)
	assert.Equal(t, Unknown, o.Verdict, "without CycleModels, armv8 skips cycles")
	assert.Equal(t, model.CyclesSkipped, o.Reason)
}

func TestBadSubjectAndSite(t *testing.T) {
	_, err := NewSubject("v9")
	assert.ErrorContains(t, err, `unknown variant "v9"`)
	s, err := NewSubject("single")
	require.NoError(t, err)
	_, err = s.Check([]ablation.Edit{{Op: ablation.Weaken, Site: "nowhere"}}, "sc", DefaultBudget)
	assert.ErrorContains(t, err, `no site "nowhere"`)
	_, err = s.Check(nil, "power9", DefaultBudget)
	assert.ErrorContains(t, err, "unknown memory model")
}

// The witness of a required barrier, exported as straight-line litmus tests, shows
// the barrier's job on its own: without the device's smp_rmb the pattern's outcome
// (the device reads an empty ring slot after seeing the new avail.idx) is reachable
// under lkmm, and through the code as written it is not.
func TestWitnessPatternShowsTheMissingBarrier(t *testing.T) {
	s, err := NewSubject("v3.10")
	require.NoError(t, err)
	o, err := s.Check([]ablation.Edit{{Op: ablation.Weaken, Site: "device:smp_rmb"}}, "lkmm", DefaultBudget)
	require.NoError(t, err)
	require.Equal(t, Violated, o.Verdict)
	root := t.TempDir()
	w, err := saveWitness(root, "barriers/w.json", o.Trace)
	require.NoError(t, err)
	a := ablation.Annotation{Site: "device:smp_rmb", Kind: ablation.Fence}
	x, err := exportWitness(a, []Cell{{Status: Required, Witness: w}}, []string{"lkmm"}, root, "litmus", "v3_10_device_smp_rmb")
	require.NoError(t, err)
	require.NotNil(t, x)
	assert.Equal(t, "lkmm", x.Model)
	assert.Contains(t, x.Forbids, "lkmm")
	assert.NotContains(t, x.Forbids, "sc", "under sc the weakened pattern's outcome is not reachable either")
	for _, f := range []string{x.File, x.Written, x.Verdicts, x.WrittenVerdicts} {
		assert.FileExists(t, filepath.Join(root, f))
	}
	text, err := os.ReadFile(filepath.Join(root, x.Written))
	require.NoError(t, err)
	r, err := runText("written", string(text), "lkmm")
	require.NoError(t, err)
	assert.Equal(t, "Never", r.Observation())
	assert.NotContains(t, string(text), "await", "straight-line code only")
}

// Without v3.10's tgt_lock, the submitting CPUs' critical sections reach final states
// the written ones do not (a CPU reads req_vq before the first CPU has written it);
// the exported pair names those states in one exists clause: Sometimes on the
// weakened sections, Never on the written ones.
func TestCriticalSectionsExportWithTheStatesOnlyTheWeakenedReach(t *testing.T) {
	s, err := NewSubject("v3.10")
	require.NoError(t, err)
	weakened, err := ablation.Apply(s.Program(), []ablation.Edit{{Op: ablation.Weaken, Site: "pick_vq:spin_lock(tgt_lock)"}})
	require.NoError(t, err)
	root := t.TempDir()
	pt := Pattern{Annotation: "pick_vq:spin_lock/unlock(tgt_lock)"}
	err = exportSections(&pt, "v3.10", s.steer.CriticalSections(weakened, "w"), s.steer.CriticalSections(s.Program(), "w"),
		[]string{"sc", "lkmm"}, root, "litmus", "v3_10_tgt_lock")
	require.NoError(t, err)
	require.Empty(t, pt.Note)
	assert.Equal(t, "lkmm", pt.Model)
	for f, want := range map[string]string{pt.File: "Sometimes", pt.Written: "Never"} {
		text, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		assert.NotContains(t, string(text), "exists (true)")
		r, err := runText("t", string(text), "lkmm")
		require.NoError(t, err)
		assert.Equal(t, want, r.Observation(), "%s (go test -run TestCriticalSectionsExportWithTheStatesOnlyTheWeakenedReach ./requirements/):\n%s", f, text)
	}
	for _, f := range []string{pt.Verdicts, pt.WrittenVerdicts} {
		assert.FileExists(t, filepath.Join(root, f))
	}
}
