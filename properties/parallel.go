package properties

import (
	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// parallel.go: Verify over several goroutines (model.ExploreParallel), with the
// sequential run's report.

// findings is what one piece of a parallel run found: its stopping violation, and
// the first data race (P11), which does not stop a run (see VerifyWith).
type findings struct {
	checker          *Checker
	violation, race  *Violation
	graph, raceGraph *model.ExecutionGraph
}

// check runs f's checker on g and reports whether the run goes on.
func (f *findings) check(g *model.ExecutionGraph) bool {
	for _, v := range f.checker.Check(g) {
		if v.Property.ID == "P11" {
			if f.race == nil {
				f.race, f.raceGraph = &v, g.Clone()
			}
			continue
		}
		f.violation, f.graph = &v, g.Clone()
		return false
	}
	return true
}

// fresh returns a checker of c's scenario, properties and settings, with state of
// its own, for executions of m.
func (c *Checker) fresh(m model.Consistency) *Checker {
	ids := make([]string, len(c.props))
	for i, p := range c.props {
		ids[i] = p.ID
	}
	f := NewCheckerFor(c.sc, m, ids)
	f.Porcupine, f.RaceSite = c.Porcupine, c.RaceSite
	return f
}

// verifyParallel is VerifyWith over opts.Workers goroutines (or resumed, with
// opts.Resume: then even with one worker), for a model that
// barriers.New can make afresh (each worker needs its own instance). ok is false when
// it cannot, or when the pieces' lock-order graphs together have a cycle: the
// sequential run must then be made (lockorder.go).
func verifyParallel(c *Checker, sc *steering.Scenario, m model.Consistency, opts model.Options) (rep Report, ok bool) {
	if _, err := barriers.New(m.Name()); err != nil {
		return rep, false
	}
	var pieces []*findings
	par := model.Parallel{
		NewModel: func() model.Consistency {
			fresh, _ := barriers.New(m.Name()) // checked above
			return fresh
		},
		NewVisit: func(i int) func(*model.ExecutionGraph) bool {
			for len(pieces) <= i {
				pieces = append(pieces, nil)
			}
			f := &findings{checker: c.fresh(m)}
			pieces[i] = f
			return f.check
		},
	}
	// The lock-order edges of the pieces an earlier run finished, which are skipped
	// (their checkers never run), by visitor number.
	skipped := map[int][]string{}
	if rs := opts.Resume; rs != nil {
		o := *rs
		if rs.Finished != nil {
			// A piece is recorded only when its checker found nothing: a resumed run
			// skips it without checking its executions again (model/resume.go). Its
			// lock-order edges go with it (lockorder.go).
			o.Finished = func(r model.PieceRecord) {
				if f := pieces[r.Split+r.Piece]; f.violation == nil && f.race == nil {
					r.Notes = f.checker.locks.edgeList()
					rs.Finished(r)
				}
			}
		}
		if rs.Done != nil {
			o.Done = func(split, piece int) (model.PieceRecord, bool) {
				r, ok := rs.Done(split, piece)
				if ok {
					skipped[split+piece] = r.Notes
				}
				return r, ok
			}
		}
		opts.Resume = &o
	}
	var n int
	rep.Result, n = model.ExploreParallel(sc.Program, opts, par)
	for len(pieces) < n {
		pieces = append(pieces, nil) // pieces skipped (Options.Resume) have no visitor
	}
	// P5's lock-order graph spans the run, and each piece saw only its own part: when
	// the parts together hold a cycle, where the sequential run finds it (and the
	// message it prints) depends on edges from several pieces. That run is then the
	// one to make (lockorder.go); so is it when a record's notes are not edges (a
	// resume file written by hand).
	var union []string
	for i, f := range pieces[:n] {
		if f == nil {
			union = append(union, skipped[i]...)
		} else {
			union = append(union, f.checker.locks.edgeList()...)
		}
	}
	if cyc, err := LockOrderCycle(union); cyc != nil || err != nil {
		return Report{}, false
	}
	rep.LockOrder = dedupSorted(union)
	var race *findings
	for _, f := range pieces[:n] {
		if f == nil {
			continue
		}
		c.n += f.checker.n
		if race == nil && f.race != nil {
			race = f
		}
		if f.violation != nil {
			rep.Violation, rep.Graph = f.violation, f.graph
		}
	}
	switch {
	case race == nil:
	case rep.Violation == nil:
		rep.Violation, rep.Graph = race.race, race.raceGraph
	default:
		rep.Race = race.race
	}
	return rep, true
}
