package model_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Every random walk ends in a final state the naive explorer also reaches, and its
// graph is SC-consistent; over many walks, the walks reach nearly every final state
// (random walks are not exhaustive: states that need one thread to wait for many
// steps of others are rare).
func TestWalksReachOnlySCOutcomes(t *testing.T) {
	m, _ := barriers.New("sc")
	total, reached := 0, 0
	for seed := int64(1); seed <= 40; seed++ {
		p := randomProgram(seed)
		nv := model.NaiveExplore(p, 0)
		rng := rand.New(rand.NewSource(seed))
		seen := map[string]bool{}
		for i := 0; i < 1000; i++ {
			var s model.Scheduler = model.UniformScheduler{Rand: rng}
			if i%2 == 1 {
				s = model.NewPCTScheduler(rng, len(p.Threads), 30, 3)
			}
			g := model.Walk(p, s)
			assert.True(t, m.Consistent(g), "seed %d: walk graph inconsistent", seed)
			k := model.OutcomeOf(g).Key()
			_, ok := nv.Outcomes[k]
			if !assert.True(t, ok, "seed %d: walk reached %s, which no interleaving reaches\n%s", seed, k, p) {
				return
			}
			seen[k] = true
		}
		total += len(nv.Outcomes)
		reached += len(seen)
	}
	t.Logf("walks reached %d of %d final states", reached, total)
	assert.GreaterOrEqual(t, float64(reached), 0.95*float64(total), "walks reach too few final states")
}
