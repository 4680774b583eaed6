package barriers

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// fencerel builds po ; [S] ; po row by row: on every graph of the shape and kernel
// tables (markers included), for every fence kind, it must be the composition.
func TestFenceRelIsPoFencePo(t *testing.T) {
	var x execution
	kinds := []model.FenceKind{model.FenceMb, model.FenceWmb, model.FenceRmb, model.FenceBeforeAtomic, model.FenceAfterAtomic}
	checked := 0
	marked := model.NewProgram("fences+markers")
	x0, y0 := marked.Var("x", 0), marked.Var("y", 0)
	p0 := marked.Thread("P0", "cpu")
	p0.Mark("a")
	p0.WriteOnce(x0, 1)
	p0.SmpMb()
	p0.Mark("b")
	p0.ReadOnce(y0)
	p0.SmpWmb()
	p0.WriteOnce(y0, 2)
	p0.Mark("c")
	marked.Thread("P1", "cpu").WriteOnce(y0, 1)
	for _, p := range append(tablePrograms(), marked) {
		model.ExploreCandidates(p, anyGraph{}, model.Options{MaxExecutions: 50}, func(g *model.ExecutionGraph) bool {
			x.build(g, cDeps)
			for _, k := range kinds {
				s := x.fences(k)
				want := x.a.seq(x.po, x.a.id(s), x.po)
				require.Equal(t, pairs(want), pairs(x.fencerel(s)), "%s, fence %v\n%s", p.Name, k, g)
				if !s.empty() {
					checked++
				}
			}
			return true
		})
	}
	require.Greater(t, checked, 100, "graphs with a fence of the kind checked")
}
