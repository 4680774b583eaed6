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
// it cannot.
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
	if rs := opts.Resume; rs != nil && rs.Finished != nil {
		// A piece is recorded only when its checker found nothing: a resumed run skips
		// it without checking its executions again (model/resume.go).
		o := *rs
		o.Finished = func(r model.PieceRecord) {
			if f := pieces[r.Split+r.Piece]; f.violation == nil && f.race == nil {
				rs.Finished(r)
			}
		}
		opts.Resume = &o
	}
	var n int
	rep.Result, n = model.ExploreParallel(sc.Program, opts, par)
	for len(pieces) < n {
		pieces = append(pieces, nil) // pieces skipped (Options.Resume) have no visitor
	}
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
