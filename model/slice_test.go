package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

func TestSliceCutsAndDropsMarkers(t *testing.T) {
	p := model.NewProgram("p")
	x, y := p.Var("x", 0), p.Var("y", 0)
	a := p.Thread("a", "cpu")
	a.Mark("begin", 0)
	r := a.ReadOnce(x)
	a.If(model.Eq(r, 0), func() { a.WriteOnce(y, 1) })
	a.Mark("cut")
	a.WriteOnce(x, 5)
	b := p.Thread("b", "cpu")
	b.WriteOnce(x, 1)
	cut := -1
	for pc, in := range a.Code {
		if in.Op == model.OpMark && in.Marker == "cut" {
			cut = pc
		}
	}
	require.GreaterOrEqual(t, cut, 0)
	s := p.Slice("slice", []int{0, 1}, []int{cut, -1})
	for _, in := range s.Threads[0].Code {
		assert.NotEqual(t, model.OpMark, in.Op)
	}
	m, _ := barriers.New("sc")
	finals := map[model.Value]bool{}
	model.Explore(s, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		x, _ := g.Prog.LocByName("x")
		finals[g.FinalValue(x)] = true
		return true
	})
	assert.Equal(t, map[model.Value]bool{1: true}, finals, "the write after the cut is gone")
}
