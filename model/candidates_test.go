package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Both explorers visit each consistent graph exactly once, so under the same model
// they must visit the same set of graphs.
func TestCandidatesMatchTruSt(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 100
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		if sizeOf(p) > 9 {
			continue // candidate enumeration is exponential: keep to litmus sizes
		}
		m, err := barriers.New("sc")
		require.NoError(t, err)
		a := map[string]bool{}
		model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			a[g.Fingerprint()] = true
			return true
		})
		b := map[string]bool{}
		dup := false
		res := model.ExploreCandidates(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			fp := g.Fingerprint()
			dup = dup || b[fp]
			b[fp] = true
			return true
		})
		require.Equal(t, model.Exhausted, res.Reason)
		require.False(t, dup, "seed %d: candidate enumeration visited a graph twice", seed)
		if !assert.Equal(t, keys(a), keys(b), "seed %d\n%s", seed, p) {
			return
		}
	}
}

// sizeOf counts the instructions that make events.
func sizeOf(p *model.Program) int {
	n := 0
	for _, t := range p.Threads {
		for _, in := range t.Code {
			switch in.Op {
			case model.OpLoad, model.OpStore, model.OpRMW, model.OpLock, model.OpUnlock, model.OpTrylock:
				n++
			}
		}
	}
	return n
}
