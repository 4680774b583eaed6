package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// pieceLog is a set of model.PieceRecords, as a resumed run is handed them.
type pieceLog map[[2]int]model.PieceRecord

func (l pieceLog) done(split, piece int) (model.PieceRecord, bool) {
	r, ok := l[[2]int{split, piece}]
	return r, ok
}

// A run handed the records of pieces an earlier run finished skips them and still
// ends as the sequential run does: the same counts, steps and stop reason, and the
// graphs of the pieces it ran in the same order. The records come from a whole run
// with the same visitor: all of them, every second one, and the first half of each
// split (what a one-worker run stopped half-way had finished). The resumed runs are whole, cut by a step budget (the piece the budget falls in may be
// a skipped one, run again from its recorded start), or stopped by the visitor.
func TestResumeIsTheUninterruptedRun(t *testing.T) {
	n := 20
	if testing.Short() {
		n = 4
	}
	restore := model.SetPieceSizes(16, 5)
	defer restore()
	skipped := 0
	eachSmallProgram(t, n, func(name string, m model.Consistency, p *model.Program, what string) {
		whole, all := sequentialRun(p, m, model.Options{}, "")
		require.True(t, whole.Complete(), what)

		type cut struct {
			label string
			opts  model.Options
			stop  string
		}
		cuts := []cut{{label: "whole"}, {label: "step budget 1/3", opts: model.Options{MaxSteps: whole.Steps()/3 + 1}}}
		if len(all) > 1 {
			cuts = append(cuts, cut{label: "stopped by the visitor", stop: all[len(all)*2/3]})
		}
		for _, c := range cuts {
			// The records of a run with the same visitor and no budget (a
			// finished piece's stretch does not depend on the budget): every
			// piece's, reported once, with the run unchanged.
			full := pieceLog{}
			o := model.Options{TrialSteps: -1, Workers: 2, Resume: &model.Resume{Finished: func(r model.PieceRecord) {
				_, dup := full[[2]int{r.Split, r.Piece}]
				assert.False(t, dup, "%s: piece %d/%d reported twice", what, r.Split, r.Piece)
				full[[2]int{r.Split, r.Piece}] = r
			}}}
			want, wantVisited := sequentialRun(p, m, model.Options{}, c.stop)
			got := exploreParallel(t, p, name, o, c.stop)
			require.Equal(t, want.Executions, got.res.Executions, what)
			require.Equal(t, wantVisited, got.visited, what)
			if len(full) < 2 {
				continue
			}
			half, early := pieceLog{}, pieceLog{}
			for k, r := range full {
				if r.Piece%2 == 1 {
					half[k] = r
				}
				// What a one-worker run stopped half-way had finished.
				if r.Piece < r.Pieces/2 {
					early[k] = r
				}
			}
			want, _ = sequentialRun(p, m, c.opts, c.stop)
			for li, log := range []pieceLog{full, half, early} {
				for _, workers := range []int{1, 2} {
					o := c.opts
					o.Workers, o.TrialSteps = workers, -1
					o.Resume = &model.Resume{Done: func(split, piece int) (model.PieceRecord, bool) {
						r, ok := log.done(split, piece)
						if ok {
							skipped++
						}
						return r, ok
					}}
					got := exploreParallel(t, p, name, o, c.stop)
					w := fmt.Sprintf("%s: log %d, %s, %d workers", what, li, c.label, workers)
					assert.Equal(t, want.Reason, got.res.Reason, w)
					assert.Equal(t, want.Steps(), got.res.Steps(), w)
					assert.Equal(t, want.Executions, got.res.Executions, w)
					assert.Equal(t, want.Blocked, got.res.Blocked, w)
					assert.Equal(t, want.Pruned, got.res.Pruned, w)
					if !assert.Equal(t, want.Revisits, got.res.Revisits, w) {
						return
					}
				}
			}
		}
	})
	// Records must have been used, or this test shows nothing.
	assert.Greater(t, skipped, 100, "pieces skipped")
}

// A record that does not fit the split (another level or number of pieces: another
// program, or another build's split) is not used: the piece runs.
func TestResumeIgnoresRecordsOfAnotherSplit(t *testing.T) {
	restore := model.SetPieceSizes(16, 5)
	defer restore()
	p := branchyProgram(3)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	whole, _ := sequentialRun(p, m, model.Options{}, "")
	full := pieceLog{}
	o := model.Options{TrialSteps: -1, Resume: &model.Resume{Finished: func(r model.PieceRecord) { full[[2]int{r.Split, r.Piece}] = r }}}
	exploreParallel(t, p, "sc", o, "")
	require.Greater(t, len(full), 1, "the program splits")
	for k, r := range full {
		r.Level++
		r.Stats.Executions += 1000 // what a wrongly used record would add
		full[k] = r
	}
	o = model.Options{TrialSteps: -1, Resume: &model.Resume{Done: full.done}}
	got := exploreParallel(t, p, "sc", o, "")
	assert.Equal(t, whole.Executions, got.res.Executions)
	assert.Equal(t, whole.Steps(), got.res.Steps())
}
