package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Every explored graph replays from its choices to the same graph.
func TestReplayReproducesEveryExecution(t *testing.T) {
	for seed := int64(1); seed <= 60; seed++ {
		p := randomProgram(seed)
		m, err := barriers.New("sc")
		require.NoError(t, err)
		model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			g2, err := model.Replay(p, model.ChoicesOf(g))
			require.NoError(t, err, "seed %d", seed)
			assert.Equal(t, g.Fingerprint(), g2.Fingerprint(), "seed %d", seed)
			assert.Equal(t, model.OutcomeOf(g).Key(), model.OutcomeOf(g2).Key(), "seed %d", seed)
			assert.True(t, m.Consistent(g2))
			return true
		})
	}
}

func TestReplayRejectsWrongChoices(t *testing.T) {
	p := model.NewProgram("MP")
	x, y := p.Var("x", 0), p.Var("y", 0)
	p0 := p.Thread("P0", "cpu")
	p0.WriteOnce(x, 1)
	p0.WriteOnce(y, 1)
	p1 := p.Thread("P1", "cpu")
	p1.ReadOnce(y)
	p1.ReadOnce(x)
	good := model.Choices{
		Reads: [][]model.ReadChoice{{{}, {}}, {{From: model.EventRef{Thread: 0, Index: 1}, Val: 1}, {From: model.InitRef(0), Val: 0}}},
		Co:    [][]model.EventRef{{{Thread: 0, Index: 0}}, {{Thread: 0, Index: 1}}},
	}
	g, err := model.Replay(p, good)
	require.NoError(t, err)
	m, _ := barriers.New("sc")
	assert.False(t, m.Consistent(g), "MP's weak outcome is not SC")

	bad := good
	bad.Reads = [][]model.ReadChoice{{{}, {}}, {{From: model.EventRef{Thread: 0, Index: 1}, Val: 7}, {From: model.InitRef(0), Val: 0}}}
	_, err = model.Replay(p, bad)
	assert.ErrorContains(t, err, "reads y = 7, but P0:1 writes y = 1")

	bad = good
	bad.Co = [][]model.EventRef{{}, {{Thread: 0, Index: 1}}}
	_, err = model.Replay(p, bad)
	assert.ErrorContains(t, err, "coherence order of x lists 0 writes, the execution has 1")
}
