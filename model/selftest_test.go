package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// firstDisagreement runs the differential property (explorer vs naive under sc, each
// graph once) on seeded random programs and describes the first failure.
func firstDisagreement(n int) string {
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		m, _ := barriers.New("sc")
		seen := map[string]bool{}
		outs := map[string]bool{}
		dup := false
		model.Explore(p, m, model.Options{MaxExecutions: 100_000}, func(g *model.ExecutionGraph) bool {
			fp := g.Fingerprint()
			dup = dup || seen[fp]
			seen[fp] = true
			outs[model.OutcomeOf(g).Key()] = true
			return true
		})
		if dup {
			return "a graph visited twice"
		}
		nv := model.NaiveExplore(p, 0)
		if len(nv.Outcomes) != len(outs) {
			return "outcome sets differ"
		}
		for k := range nv.Outcomes {
			if !outs[k] {
				return "outcome sets differ"
			}
		}
	}
	return ""
}

// The differential property is only worth its name if it fails on a broken explorer:
// each mutation of the explorer below must be caught.
func TestDifferentialPropertyCatchesBrokenExplorers(t *testing.T) {
	defer model.SetSelfTestMutation(model.MutNone)
	for _, c := range []struct {
		name string
		mut  int
		want string
	}{
		{"reads never see the initial value", model.MutDropOldest, "outcome sets differ"},
		{"no backward revisits", model.MutNoRevisits, "outcome sets differ"},
		{"revisits without the maximality check", model.MutNoMaximal, "a graph visited twice"},
	} {
		model.SetSelfTestMutation(c.mut)
		assert.Equal(t, c.want, firstDisagreement(60), c.name)
	}
	model.SetSelfTestMutation(model.MutNone)
	assert.Equal(t, "", firstDisagreement(60), "the real explorer")
}

// strongerThanSC is a deliberately broken "weak" model: it forbids every execution in
// which some read takes the initial value while a write to that location exists,
// which SC allows. Model inclusion (sc ⊆ this) must catch it.
type strongerThanSC struct{ barriers.Model }

func (s strongerThanSC) Consistent(g *model.ExecutionGraph) bool {
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.Kind == model.KindRead && e.RF.IsInit() && len(g.Co[e.Loc]) > 0 {
				return false
			}
		}
	}
	return s.Model.Consistent(g)
}

// firstInclusionFailure checks strong ⊆ weak on outcome sets of seeded random programs.
func firstInclusionFailure(strong, weak func() model.Consistency, n int) string {
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		outs := func(m model.Consistency) map[string]bool {
			o := map[string]bool{}
			model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
				o[model.OutcomeOf(g).Key()] = true
				return true
			})
			return o
		}
		w := outs(weak())
		for k := range outs(strong()) {
			if !w[k] {
				return "inclusion broken"
			}
		}
	}
	return ""
}

// The inclusion property is only worth its name if it fails when a model is broken.
func TestInclusionPropertyCatchesABrokenModel(t *testing.T) {
	sc := func() model.Consistency { m, _ := barriers.New("sc"); return m }
	tso := func() model.Consistency { m, _ := barriers.New("tso"); return m }
	broken := func() model.Consistency { m, _ := barriers.New("tso"); return strongerThanSC{m} }
	assert.Equal(t, "", firstInclusionFailure(sc, tso, 60), "the real tso")
	assert.Equal(t, "inclusion broken", firstInclusionFailure(sc, broken, 60), "a tso stronger than sc")
}

// firstReplayMismatch replays every explored execution of seeded random programs from
// its choices and compares the graphs (the replay-determinism property).
func firstReplayMismatch(n int) string {
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		m, _ := barriers.New("sc")
		bad := ""
		model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			g2, err := model.Replay(p, model.ChoicesOf(g))
			if err != nil || g2.Fingerprint() != g.Fingerprint() {
				bad = "replay differs"
				return false
			}
			return true
		})
		if bad != "" {
			return bad
		}
	}
	return ""
}

func TestReplayPropertyCatchesABrokenReplay(t *testing.T) {
	defer model.SetSelfTestMutation(model.MutNone)
	model.SetSelfTestMutation(model.MutNone)
	assert.Equal(t, "", firstReplayMismatch(60), "the real Replay")
	model.SetSelfTestMutation(model.MutReplayCo)
	assert.Equal(t, "replay differs", firstReplayMismatch(60), "a Replay that ignores coherence choices")
}

// claimsAllOrdered is a deliberately broken lkmm whose local order claims every read is
// ordered before every later write of its thread, so the explorer skips every po ∪ rf
// cycle. The two-phase/candidates agreement must catch it (load buffering goes missing).
type claimsAllOrdered struct{ *barriers.LKMM }

func (claimsAllOrdered) UnorderedReadWrites(*model.ExecutionGraph, int) [][2]int32 { return nil }

// firstPhaseTwoMiss compares Explore (two phases, pruned by the model's local order)
// with candidate enumeration alone on seeded random programs.
func firstPhaseTwoMiss(mk func() model.Consistency, n int) string {
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		if sizeOf(p) > 8 {
			continue
		}
		a, b := map[string]bool{}, map[string]bool{}
		model.Explore(p, mk(), model.Options{}, func(g *model.ExecutionGraph) bool {
			a[g.Fingerprint()] = true
			return true
		})
		model.ExploreCandidates(p, mk(), model.Options{}, func(g *model.ExecutionGraph) bool {
			b[g.Fingerprint()] = true
			return true
		})
		if len(a) != len(b) {
			return "graphs missing"
		}
	}
	return ""
}

func TestPhaseTwoAgreementCatchesABrokenLocalOrder(t *testing.T) {
	real := func() model.Consistency { return &barriers.LKMM{} }
	broken := func() model.Consistency { return claimsAllOrdered{&barriers.LKMM{}} }
	assert.Equal(t, "", firstPhaseTwoMiss(real, 200), "lkmm's local order")
	assert.Equal(t, "graphs missing", firstPhaseTwoMiss(broken, 200), "a local order that orders everything")
}
