package linearize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// refTopoOrder is topoOrder as first written, over maps keyed by event: slow (it was
// most of P1's check) but plain. The slice-based topoOrder must give the same order.
func refTopoOrder(g *model.ExecutionGraph, full bool, extra [][2]model.EventRef) ([]model.EventRef, bool) {
	preds := map[model.EventRef][]model.EventRef{}
	edge := func(from, to model.EventRef) {
		if !from.IsInit() && from != to {
			preds[to] = append(preds[to], from)
		}
	}
	for _, e := range extra {
		edge(e[0], e[1])
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.Kind != model.KindRead {
				continue
			}
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			edge(e.RF, r)
			if full {
				if next := g.CoIndex(e.RF) + 1; next < len(g.Co[e.Loc]) {
					edge(r, g.Co[e.Loc][next])
				}
			}
		}
	}
	if full {
		for _, co := range g.Co {
			for i := 1; i < len(co); i++ {
				edge(co[i-1], co[i])
			}
		}
	}
	done := map[model.EventRef]bool{}
	next := make([]int32, len(g.Threads))
	total := g.NumEvents()
	var out []model.EventRef
	for len(out) < total {
		progressed := false
		for t := range g.Threads {
			if int(next[t]) >= len(g.Threads[t].Events) {
				continue
			}
			r := model.EventRef{Thread: int32(t), Index: next[t]}
			ready := true
			for _, q := range preds[r] {
				if !done[q] {
					ready = false
					break
				}
			}
			if ready {
				done[r] = true
				out = append(out, r)
				next[t]++
				progressed = true
				break
			}
		}
		if !progressed {
			return nil, false
		}
	}
	return out, true
}

// refPath is reach.path as a search over an edge list: is b reachable from a in rel
// (po included)?
func refPath(g *model.ExecutionGraph, rel Relation, a, b model.EventRef) bool {
	succ := map[model.EventRef][]model.EventRef{}
	ids := newEventIDs(g)
	all := make([]model.EventRef, 0, ids.n)
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			all = append(all, model.EventRef{Thread: int32(t), Index: int32(i)})
		}
	}
	for _, e := range relationEdges(g, ids, rel, true, nil) {
		succ[all[e[0]]] = append(succ[all[e[0]]], all[e[1]])
	}
	seen := map[model.EventRef]bool{}
	stack := []model.EventRef{a}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v == b {
			return true
		}
		if !seen[v] {
			seen[v] = true
			stack = append(stack, succ[v]...)
		}
	}
	return false
}

// TestOrderAgreesWithReference compares topoOrder (with and without co ∪ fr, with the
// witness edges CheckFIFO adds) and reach with the reference versions above on every
// explored graph of correct and broken variants, under sc and under lkmm at two CPUs
// (whose graphs include po ∪ rf cycles, so the weaker relations are exercised).
func TestOrderAgreesWithReference(t *testing.T) {
	twoCPUs := steering.Config{CPUs: 2, Targets: 1, Queues: 2,
		Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}}
	twoTargets := steering.Config{CPUs: 2, Targets: 2, Queues: 2,
		Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 0, Target: 1}, {CPU: 1, Target: 1}, {CPU: 1, Target: 0}}}
	cases := []struct {
		variant, mutant, model string
		cfg                    steering.Config
	}{
		{"v2-2012", "", "sc", steering.DefaultConfig()},
		{"v2-2012", steering.MutReadBeforeInc, "sc", steering.DefaultConfig()},
		{"v3.10", steering.MutDecBeforeConsume, "sc", steering.DefaultConfig()},
		{"v4.x", "", "sc", twoTargets},
		{"v2-2012", "", "lkmm", twoCPUs},
		{"v3.19-seqcount", "", "armv8", twoCPUs},
	}
	for _, c := range cases {
		t.Run(c.variant+"+"+c.mutant+"/"+c.model, func(t *testing.T) {
			t.Parallel()
			sc, err := steering.Build(c.variant, c.mutant, c.cfg)
			require.NoError(t, err)
			m, err := barriers.New(c.model)
			require.NoError(t, err)
			execs, rels := 0, map[Relation]int{}
			model.Explore(sc.Program, m, model.Options{MaxSteps: 2_000_000}, func(g *model.ExecutionGraph) bool {
				execs++
				for _, full := range []bool{true, false} {
					want, wantOK := refTopoOrder(g, full, nil)
					got, gotOK := topoOrder(g, full, nil)
					require.Equal(t, wantOK, gotOK)
					require.Equal(t, want, got)
				}
				order, rel := Order(g)
				rels[rel]++
				reqs, _ := requestMarkers(sc, g, order)
				rx := newReach(g, rel, timesOf(g, order))
				for a := range reqs {
					for b := range reqs {
						A, B := &reqs[a], &reqs[b]
						if a == b || !A.hasRet || !A.hasConsume || !B.hasSubmit || !B.hasConsume {
							continue
						}
						extra := [][2]model.EventRef{{A.submitted, B.submit}, {B.consume, A.consume}}
						for _, full := range []bool{true, false} {
							want, wantOK := refTopoOrder(g, full, extra)
							got, gotOK := topoOrder(g, full, extra)
							require.Equal(t, wantOK, gotOK)
							require.Equal(t, want, got)
						}
						for _, p := range [][2]model.EventRef{{B.submit, A.submitted}, {A.consume, B.consume}, {B.submit, B.consume}, {A.consume, A.submit}} {
							require.Equal(t, refPath(g, rel, p[0], p[1]), rx.path(p[0], p[1]), "path %s → %s in %s", p[0], p[1], rel)
						}
					}
				}
				return !testing.Short() || execs < 1500
			})
			t.Logf("%d executions; relations of their orders: %v", execs, rels)
			assert.NotZero(t, execs)
		})
	}
}
