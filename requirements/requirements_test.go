package requirements

import (
	"os"
	"path/filepath"
	"strings"
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

// A table cell whose two-phase check runs out of steps under a model with a local
// order is checked again by HMC (Budget.CellHMCMaxSteps): v2-2012's device:used.ring
// made plain under lkmm, which the two-phase explorer does not finish in 60M steps,
// holds with no race on the site (32 executions). Cut here at 100,000 steps to keep
// the test short; outside the table (no cells()) nothing falls back.
func TestCellsFallBackToHMC(t *testing.T) {
	if testing.Short() {
		t.Skip("about 20 s of HMC")
	}
	s, err := NewSubject("v2-2012")
	require.NoError(t, err)
	edit, err := ablation.ParseEdit("weaken device:used.ring")
	require.NoError(t, err)
	b := Budget{CycleModels: []string{"lkmm"}, CycleMaxSteps: 100_000, CellHMCMaxSteps: 2_000_000}
	o, err := s.Check([]ablation.Edit{edit}, "lkmm", b)
	require.NoError(t, err)
	assert.Equal(t, Unknown, o.Verdict, "outside the table the cut stands")
	assert.Equal(t, model.StepBudget, o.Reason)
	o, err = s.Check([]ablation.Edit{edit}, "lkmm", b.cells())
	require.NoError(t, err)
	assert.Equal(t, Holds, o.Verdict)
	assert.Equal(t, model.Exhausted, o.Reason)
	assert.Equal(t, int64(32), o.Executions)
	assert.False(t, o.Race)
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

// The repair search under a model whose baseline breaks: v3.19-seqcount under tso is
// repaired by one full barrier after write_seqcount_begin, and the strongest
// submitting code holds (it bounds every repair).
func TestRepairsUnderTheModelItself(t *testing.T) {
	s, err := NewSubject("v3.19-seqcount")
	require.NoError(t, err)
	tab, err := Ablate(s, []string{"tso"}, DefaultBudget)
	require.NoError(t, err)
	rs, err := FindRepairs(tab, DefaultBudget)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, Holds, rs[0].Strongest.Verdict, "reproduce: go test ./requirements -run TestRepairsUnderTheModelItself")
	var found []string
	for _, r := range rs[0].Found {
		found = append(found, strings.Join(ablation.Strings(r.Edits), " + "))
	}
	assert.Contains(t, found, "insert smp_mb after write_seqcount_begin:smp_wmb")
	assert.Zero(t, rs[0].PairsTried, "a single edit repairs it: no pair is tried")
}

// Under lkmm neither of tso's single repairs of v3.19-seqcount works; the search must
// not stop there (a repair of lkmm-alpha, the weaker model, is a pair, and it repairs
// lkmm too): no single edit can repair lkmm, so the pairs are searched, those holding
// tso's edits first, and the pair with write_seqcount_end's increment made release is
// found within MaxPairChecks.
func TestRepairsGoPastTheStrongerModels(t *testing.T) {
	if testing.Short() {
		t.Skip("about 400 pair checks under lkmm (half a minute): make proptest runs it")
	}
	repro := "reproduce: go run ./cmd/steercheck barriers --variant v3.19-seqcount --model tso,lkmm"
	s, err := NewSubject("v3.19-seqcount")
	require.NoError(t, err)
	tab, err := Ablate(s, []string{"tso", "lkmm"}, DefaultBudget)
	require.NoError(t, err)
	rs, err := FindRepairs(tab, DefaultBudget)
	require.NoError(t, err)
	require.Len(t, rs, 2, repro)
	lk := rs[1]
	require.Equal(t, "lkmm", lk.Model)
	assert.True(t, lk.FromParent && lk.NoSingle && !lk.ParentOnly, repro)
	var found []string
	for _, r := range lk.Found {
		found = append(found, strings.Join(ablation.Strings(r.Edits), " + "))
	}
	assert.Contains(t, found, "insert smp_mb after write_seqcount_begin:WRITE(sequence) + strengthen write_seqcount_end:WRITE(sequence)", repro)
}

// preferring puts the stronger model's edits first, keeping menu order otherwise.
func TestPreferringPutsTheParentsEditsFirst(t *testing.T) {
	e := func(site string) ablation.Edit {
		return ablation.Edit{Op: ablation.Insert, Site: site, Fence: model.FenceMb}
	}
	menu := []ablation.Edit{e("a"), e("b"), e("c"), e("d")}
	got := preferring(menu, [][]ablation.Edit{{e("c")}, {e("d"), e("x")}})
	assert.Equal(t, []ablation.Edit{e("c"), e("d"), e("a"), e("b")}, got)
	assert.Equal(t, menu, preferring(menu, nil))
}

// drain-5.8's store-buffering pair: blk_mq_hctx_notify_offline sets INACTIVE, then
// smp_mb__after_atomic(), then reads the tags; the submitter takes a tag with an
// acquire RMW (test_and_set_bit_lock), then reads INACTIVE. Under sc and tso the
// drain works; under armv8 the acquire does not order the tag's write before the
// INACTIVE read and a request is queued on a queue being shut down (P7); a full
// barrier after test_and_set_bit_lock closes the pair.
func TestDrainStoreBuffering(t *testing.T) {
	s, err := NewSubject("drain-5.8")
	require.NoError(t, err)
	repro := "reproduce: go run ./cmd/steercheck barriers --variant drain-5.8"
	for _, m := range []string{"sc", "tso"} {
		o, err := s.Check(nil, m, DefaultBudget)
		require.NoError(t, err)
		assert.Equal(t, Holds, o.Verdict, "%s: %s; %s", m, o.Note(), repro)
	}
	o, err := s.Check(nil, "armv8", DefaultBudget)
	require.NoError(t, err)
	require.Equal(t, Violated, o.Verdict, repro)
	assert.Equal(t, "P7 hotplug-order", o.Property)
	fix := []ablation.Edit{{Op: ablation.Insert, Site: "get_tag:test_and_set_bit_lock(tag)", Fence: model.FenceMb}}
	o, err = s.Check(fix, "armv8", DefaultBudget)
	require.NoError(t, err)
	assert.Equal(t, Holds, o.Verdict, "%s; %s", o.Note(), repro)
	// Under tso set_bit is a locked instruction: the smp_mb__after_atomic() is not needed.
	o, err = s.Check([]ablation.Edit{{Op: ablation.Weaken, Site: "notify_offline:smp_mb__after_atomic"}}, "tso", DefaultBudget)
	require.NoError(t, err)
	assert.Equal(t, Holds, o.Verdict, "%s; %s", o.Note(), repro)
	// Under sc nothing reorders.
	o, err = s.Check([]ablation.Edit{{Op: ablation.Weaken, Site: "notify_offline:smp_mb__after_atomic"}}, "sc", DefaultBudget)
	require.NoError(t, err)
	assert.Equal(t, Holds, o.Verdict, "%s; %s", o.Note(), repro)
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
