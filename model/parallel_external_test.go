package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// parallelRun is what a run of ExploreParallel did: its result, and the graphs the
// pieces that count visited, in piece order.
type parallelRun struct {
	res     model.Result
	visited []string
	pieces  int
}

// exploreParallel runs ExploreParallel under the model named, with a visitor per
// piece that records the graphs' fingerprints and stops at the graph stopAt (if not
// empty).
func exploreParallel(t *testing.T, p *model.Program, name string, opts model.Options, stopAt string) parallelRun {
	// Each visitor appends to its own record: NewVisit may grow perPiece while other
	// pieces' visitors run.
	var perPiece []*[]string
	par := model.Parallel{
		NewModel: func() model.Consistency {
			m, err := barriers.New(name)
			if err != nil {
				panic(err) // the name was checked by the caller
			}
			return m
		},
		NewVisit: func(i int) func(*model.ExecutionGraph) bool {
			for len(perPiece) <= i {
				perPiece = append(perPiece, nil)
			}
			mine := new([]string)
			perPiece[i] = mine
			return func(g *model.ExecutionGraph) bool {
				k := g.Fingerprint()
				*mine = append(*mine, k)
				return k != stopAt
			}
		},
	}
	res, n := model.ExploreParallel(p, opts, par)
	if opts.Resume == nil {
		require.LessOrEqual(t, n, len(perPiece))
	}
	for len(perPiece) < n {
		perPiece = append(perPiece, nil) // pieces skipped (Options.Resume) have no visitor
	}
	out := parallelRun{res: res, pieces: n}
	for _, v := range perPiece[:n] {
		if v != nil {
			out.visited = append(out.visited, *v...)
		}
	}
	return out
}

// eachSmallProgram calls f with every model the split-run tests cover (sc, tso, lkmm,
// armv8) and the random programs of seeds 1 to n of each generator they share,
// skipping those too large to explore quickly, with a description of the program
// that says how to reproduce a failure (reproduce names the test).
func eachSmallProgram(t *testing.T, n int, f func(name string, m model.Consistency, p *model.Program, what string)) {
	t.Helper()
	gens := []func(int64) *model.Program{loadBufferingProgram, branchyProgram, steeredStoreProgram}
	for _, name := range []string{"sc", "tso", "lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		for gi, gen := range gens {
			for seed := int64(1); seed <= int64(n); seed++ {
				p := gen(seed)
				if sizeOf(p) > 12 {
					continue
				}
				f(name, m, p, fmt.Sprintf("%s generator %d seed %d; reproduce: go test ./model -run %s", name, gi, seed, t.Name()))
			}
		}
	}
}

// sequentialRun is Explore's run of the same.
func sequentialRun(p *model.Program, m model.Consistency, opts model.Options, stopAt string) (model.Result, []string) {
	var visited []string
	res := model.Explore(p, m, opts, func(g *model.ExecutionGraph) bool {
		k := g.Fingerprint()
		visited = append(visited, k)
		return k != stopAt
	})
	return res, visited
}

// ExploreParallel is the sequential run, whatever the number of workers: the same
// graphs in the same order, the same counts and steps, and the same stop — a visitor
// that stops the run, a step budget or an execution budget that cuts it anywhere.
func TestExploreParallelIsTheSequentialRun(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 5
	}
	split := 0
	// Node counts and pieces as ExploreParallel has them, and small pieces of many
	// nodes; no trial, and a trial that small runs survive.
	for _, sizes := range [][3]int64{{256, 128, -1}, {16, 5, -1}, {16, 5, 40}} {
		restore := model.SetPieceSizes(sizes[0], sizes[1])
		eachSmallProgram(t, n, func(name string, m model.Consistency, p *model.Program, what string) {
			what = fmt.Sprintf("%s, pieces %v", what, sizes)
			whole, all := sequentialRun(p, m, model.Options{}, "")
			require.True(t, whole.Complete(), what)
			type cut struct {
				label string
				opts  model.Options
				stop  string
			}
			cuts := []cut{{label: "whole"}}
			if len(all) > 1 {
				cuts = append(cuts,
					cut{label: "stopped by the visitor", stop: all[len(all)/2]},
					cut{label: "execution budget", opts: model.Options{MaxExecutions: int64(len(all)) / 2}})
			}
			for _, div := range []int64{2, 3, 7} {
				cuts = append(cuts, cut{label: fmt.Sprintf("step budget 1/%d", div), opts: model.Options{MaxSteps: whole.Steps()/div + 1}})
			}
			for _, c := range cuts {
				want, wantVisited := sequentialRun(p, m, c.opts, c.stop)
				for _, workers := range []int{2, 3} {
					o := c.opts
					o.Workers, o.TrialSteps = workers, sizes[2]
					got := exploreParallel(t, p, name, o, c.stop)
					w := fmt.Sprintf("%s: %s, %d workers", what, c.label, workers)
					if got.pieces > 1 {
						split++
					}
					assert.Equal(t, want.Reason, got.res.Reason, w)
					assert.Equal(t, want.Steps(), got.res.Steps(), w)
					assert.Equal(t, want.Executions, got.res.Executions, w)
					assert.Equal(t, want.Blocked, got.res.Blocked, w)
					assert.Equal(t, want.Pruned, got.res.Pruned, w)
					assert.Equal(t, want.Revisits, got.res.Revisits, w)
					if !assert.Equal(t, wantVisited, got.visited, w) {
						return
					}
				}
			}
		})
		restore()
	}
	// The programs must split, or this test shows nothing.
	assert.Greater(t, split, 100, "runs split into more than one piece")
}
