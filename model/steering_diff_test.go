package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// On steering scenarios small enough for the naive explorer, both find the same final
// states, and the graph explorer visits no more executions than there are
// interleavings (and no graph twice).
func TestExplorerMatchesNaiveOnSteering(t *testing.T) {
	cfgs := []steering.Config{
		{CPUs: 2, Targets: 1, Queues: 1, Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}},
		{CPUs: 2, Targets: 1, Queues: 2, Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}},
	}
	for _, v := range steering.Variants() {
		for ci, cfg := range cfgs {
			sc, err := steering.Build(v.Name, "", cfg)
			require.NoError(t, err)
			outs, execs := exploreOutcomes(t, sc.Program)
			nv := model.NaiveExplore(sc.Program, 0)
			assert.Equal(t, naiveKeys(nv), keys(outs), "%s config %d: outcome sets differ", v.Name, ci)
			assert.LessOrEqual(t, execs, nv.Interleavings, "%s config %d", v.Name, ci)
			t.Logf("%s %s: %d executions, %d interleavings, %d final states", v.Name, cfg, execs, nv.Interleavings, len(outs))
		}
	}
}
