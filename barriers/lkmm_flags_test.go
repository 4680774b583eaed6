package barriers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// DataRaces names the racing pair and its kind; a release/acquire pair orders the
// same plain accesses and leaves no race. (The data-race flag itself is checked
// against herd7 on the whole generated corpus, litmus/generated_test.go.)
func TestDataRacesNameThePair(t *testing.T) {
	build := func(ordered bool) *model.Program {
		p := model.NewProgram("race")
		x, f := p.Var("x", 0), p.Var("f", 0)
		p0 := p.Thread("P0", "cpu")
		p0.Write(x, 1)
		p1 := p.Thread("P1", "cpu")
		if ordered {
			p0.StoreRelease(f, 1)
			p1.Await(func() model.Expr { return model.Eq(p1.LoadAcquire(f), 1) })
		}
		p1.Read(x)
		return p.Seal()
	}
	m := &LKMM{}
	kinds := map[string]int{}
	model.Explore(build(false), m, model.Options{}, func(g *model.ExecutionGraph) bool {
		rs := m.DataRaces(g)
		require.Len(t, rs, 1, "%s", g)
		kinds[rs[0].Kind]++
		w, r := model.EventRef{Thread: 0, Index: 0}, model.EventRef{Thread: 1, Index: 0}
		if rs[0].Kind == "rw" {
			assert.Equal(t, [2]model.EventRef{r, w}, [2]model.EventRef{rs[0].First, rs[0].Second}, "rw: the read, then the write it missed")
		} else {
			assert.Equal(t, [2]model.EventRef{w, r}, [2]model.EventRef{rs[0].First, rs[0].Second}, "wr: the write, then the read")
		}
		assert.Equal(t, []string{"data-race"}, m.Flags(g))
		return true
	})
	assert.Equal(t, map[string]int{"wr": 1, "rw": 1}, kinds, "the read sees the write (wr) or the initial value before it (rw)")
	n := 0
	model.Explore(build(true), m, model.Options{}, func(g *model.ExecutionGraph) bool {
		for t0 := range g.Threads {
			if g.Status(t0) != model.Done {
				return true
			}
		}
		n++
		assert.Empty(t, m.DataRaces(g), "%s", g)
		assert.Empty(t, m.Flags(g))
		return true
	})
	assert.Equal(t, 1, n)
}
