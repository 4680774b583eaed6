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
