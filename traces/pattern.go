package traces

import (
	"fmt"

	"github.com/steercheck/steercheck/model"
)

// Pattern is the straight-line program of the trace's execution (model.PatternOf),
// called name. With asWritten, and a trace of an edited program (Trace.Edits), it is
// the same path through the program as written: each thread run with the values its
// reads took in the trace. The only reads the written program has and the edited one
// lacks are the acquisitions of a removed lock pair; they find the lock free. An edit
// that changes which reads a thread makes cannot be followed and gives an error.
func (tr *Trace) Pattern(name string, asWritten bool) (*model.Pattern, error) {
	r, err := tr.Replay()
	if err != nil {
		return nil, err
	}
	if !asWritten || len(tr.Edits) == 0 {
		return model.PatternOf(r.Graph, name)
	}
	orig := *tr
	orig.Edits = nil
	var p *model.Program
	if tr.Hotplug != nil {
		sc, err := orig.HotplugScenario()
		if err != nil {
			return nil, err
		}
		p = sc.Program
	} else {
		sc, err := orig.Scenario()
		if err != nil {
			return nil, err
		}
		p = sc.Program
	}
	return followWritten(p, r.Graph, name)
}

// followWritten runs each thread of orig with the read values of g (see Pattern).
func followWritten(orig *model.Program, g *model.ExecutionGraph, name string) (*model.Pattern, error) {
	events := make([][]model.Event, len(orig.Threads))
	for t := range orig.Threads {
		var reads []*model.Event
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; e.Kind == model.KindRead {
				reads = append(reads, e)
			}
		}
		k := 0
		code := orig.Threads[t].Code
		evs, _, err := orig.RunThread(t, func(ev *model.Event) (model.Value, error) {
			isLock := code[ev.PC].Op == model.OpLock || code[ev.PC].Op == model.OpTrylock
			if k < len(reads) && reads[k].Loc == ev.Loc && (!isLock || reads[k].Ann&model.AnnLock != 0) {
				k++
				return reads[k-1].Val, nil
			}
			if isLock {
				return 0, nil
			}
			witness := "nothing more"
			if k < len(reads) {
				witness = orig.Locs[reads[k].Loc].Name
			}
			return 0, fmt.Errorf("thread %s: the written code reads %s where the trace read %s",
				orig.Threads[t].Name, orig.Locs[ev.Loc].Name, witness)
		})
		if err != nil {
			return nil, err
		}
		if k != len(reads) {
			return nil, fmt.Errorf("thread %s: the written code stops after %d of the trace's %d reads", orig.Threads[t].Name, k, len(reads))
		}
		events[t] = evs
	}
	final := make([]model.Value, len(orig.Locs))
	wrote := make([]bool, len(orig.Locs))
	for l := range orig.Locs {
		final[l] = g.FinalValue(model.LocID(l))
		wrote[l] = len(g.Co[l]) > 0
	}
	return model.StraightLine(orig, name, events, final, wrote)
}
