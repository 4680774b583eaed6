package barriers

import (
	"fmt"
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

// OrderAndRaces, which builds happens-before once for both, gives what Order and
// DataRaces give one after the other on fresh instances: the same verdict, the same
// order bit for bit, and the same races in the same order; and those races are the
// .cat's, built whole (racesByTheCat).
func TestOrderAndRacesIsOrderThenDataRaces(t *testing.T) {
	programs := tablePrograms()
	n := 120
	if testing.Short() {
		n = 40 // fewer seeds let a memo that mixes up nodes pass
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		programs = append(programs, plainRaceProgram(seed))
	}
	for _, name := range []string{"lkmm", "lkmm-alpha"} {
		both, err := New(name)
		require.NoError(t, err)
		graphs, racy := 0, 0
		for _, p := range programs {
			if Supports(both, p) != nil {
				continue
			}
			model.ExploreCandidates(p, anyGraph{}, model.Options{MaxExecutions: 300}, func(g *model.ExecutionGraph) bool {
				var o1, o2 GlobalOrder
				ok1, rs1 := both.(*LKMM).OrderAndRaces(g, &o1)
				o, _ := New(name)
				r, _ := New(name)
				order, races := o.(*LKMM), r.(*LKMM)
				ok2 := order.Order(g, &o2)
				rs2 := races.DataRaces(g)
				graphs++
				if len(rs2) > 0 {
					racy++
				}
				at := fmt.Sprintf("%s %s\n%s\nreproduce: go test ./barriers -run TestOrderAndRacesIsOrderThenDataRaces", name, p.Name, g)
				if !assert.Equal(t, ok2, ok1, at) || !assert.Equal(t, rs2, rs1, at) {
					return false
				}
				ref, _ := New(name)
				got := map[Race]bool{}
				for _, r := range rs1 {
					got[r] = true
				}
				if !assert.Equal(t, racesByTheCat(ref.(*LKMM), g), got, "the .cat's races\n"+at) {
					return false
				}
				if ok1 {
					return assert.Equal(t, o2.Name, o1.Name, at) && assert.Equal(t, o2.Rows[:o2.N*o2.Words], o1.Rows[:o1.N*o1.Words], at)
				}
				return true
			})
		}
		// Racy graphs must occur, or the comparison of the races shows little.
		assert.Greater(t, racy, 50, "%s: racy graphs", name)
		t.Logf("%s: %d graphs, %d with a race", name, graphs, racy)
	}
}
