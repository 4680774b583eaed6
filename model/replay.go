package model

import (
	"fmt"
	"sort"
)

// Choices are the decisions that single out one execution of a program: for every
// read, the write it reads from and the value it got; for every location, the
// coherence order of its writes. Threads are deterministic given what they read, so
// Choices and the Program together rebuild the whole execution graph.
type Choices struct {
	// Reads lists, per thread, one entry per event: for reads the write read from
	// and the value read; ignored for other events.
	Reads [][]ReadChoice
	// Co is the coherence order of each location's writes (initial write excluded).
	Co [][]EventRef
}

// ReadChoice is what one read did.
type ReadChoice struct {
	From EventRef
	Val  Value
}

// ChoicesOf extracts the choices of a graph.
func ChoicesOf(g *ExecutionGraph) Choices {
	c := Choices{Reads: make([][]ReadChoice, len(g.Threads)), Co: make([][]EventRef, len(g.Co))}
	for t := range g.Threads {
		evs := g.Threads[t].Events
		c.Reads[t] = make([]ReadChoice, len(evs))
		for i := range evs {
			if evs[i].Kind == KindRead {
				c.Reads[t][i] = ReadChoice{From: evs[i].RF, Val: evs[i].Val}
			}
		}
	}
	for l, co := range g.Co {
		c.Co[l] = append([]EventRef(nil), co...)
	}
	return c
}

// Replay rebuilds the execution graph the choices describe. Each thread is re-run
// feeding its reads the recorded values; then every read must read from an existing
// write of its location with that value, and the coherence orders must be
// permutations of each location's writes. It does not consult a memory model: the
// caller checks consistency. Errors say which event disagrees.
func Replay(p *Program, c Choices) (*ExecutionGraph, error) {
	p.Seal()
	if len(c.Reads) != len(p.Threads) {
		return nil, fmt.Errorf("choices have %d threads, program %s has %d", len(c.Reads), p.Name, len(p.Threads))
	}
	if len(c.Co) != len(p.Locs) {
		return nil, fmt.Errorf("choices have %d locations, program %s has %d", len(c.Co), p.Name, len(p.Locs))
	}
	g := NewGraph(p)
	stamp := int32(0)
	for t, code := range p.Threads {
		th := &g.Threads[t]
		var pr proposal
		for i := 0; ; i++ {
			if !code.next(&th.State, &pr) {
				if i != len(c.Reads[t]) {
					return nil, fmt.Errorf("thread %s stops (%s) after %d events, the trace has %d", code.Name, th.State.Status, i, len(c.Reads[t]))
				}
				break
			}
			if i >= len(c.Reads[t]) {
				return nil, fmt.Errorf("thread %s has more than the %d events the trace records", code.Name, len(c.Reads[t]))
			}
			ev := pr.ev
			if ev.Kind == KindRead {
				ev.RF, ev.Val = c.Reads[t][i].From, c.Reads[t][i].Val
			}
			ev.Stamp, ev.Revisitable, ev.AddedMax = stamp, true, true
			stamp++
			th.Events = append(th.Events, ev)
			code.apply(&th.State, &th.Events[len(th.Events)-1])
		}
	}
	g.nextStamp = stamp
	// Coherence: each location's order must list exactly its writes.
	count := make([]int, len(p.Locs))
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; e.Kind == KindWrite {
				count[e.Loc]++
			}
		}
	}
	for l, co := range c.Co {
		if len(co) != count[l] {
			return nil, fmt.Errorf("coherence order of %s lists %d writes, the execution has %d", p.Locs[l].Name, len(co), count[l])
		}
		seen := map[EventRef]bool{}
		for _, w := range co {
			if !g.valid(w) || g.Event(w).Kind != KindWrite || g.Event(w).Loc != LocID(l) || seen[w] {
				return nil, fmt.Errorf("coherence order of %s: %v is not a distinct write to it", p.Locs[l].Name, w)
			}
			seen[w] = true
		}
		g.Co[l] = append([]EventRef(nil), co...)
		if selfTestMutation == mutReplayCo {
			sort.Slice(g.Co[l], func(i, j int) bool { // broken on purpose
				a, b := g.Co[l][i], g.Co[l][j]
				return a.Thread < b.Thread || a.Thread == b.Thread && a.Index < b.Index
			})
		}
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.Kind != KindRead {
				continue
			}
			w := e.RF
			if !w.IsInit() && (!g.valid(w) || g.Event(w).Kind != KindWrite) {
				return nil, fmt.Errorf("%s event %d reads from %v, which is not a write", p.Threads[t].Name, i, w)
			}
			if g.WriteLoc(w) != e.Loc || g.WriteValue(w) != e.Val {
				return nil, fmt.Errorf("%s event %d reads %s = %d, but %v writes %s = %d", p.Threads[t].Name, i,
					p.Locs[e.Loc].Name, e.Val, w, p.Locs[g.WriteLoc(w)].Name, g.WriteValue(w))
			}
		}
	}
	if !atomicityHolds(g) {
		return nil, fmt.Errorf("a write comes between the two halves of a read-modify-write")
	}
	return g, nil
}

func (g *ExecutionGraph) valid(r EventRef) bool {
	return r.Thread >= 0 && int(r.Thread) < len(g.Threads) && r.Index >= 0 && int(r.Index) < len(g.Threads[r.Thread].Events)
}

// Blocked reports whether some thread of a complete graph waits forever, and whether
// that wait is genuine: every read of its final spin-wait iteration read the
// coherence-latest value. The explorer reports only genuine ones.
func (g *ExecutionGraph) Blocked() (blocked, genuine bool) {
	genuine = true
	for t := range g.Threads {
		if g.Threads[t].State.Status != Blocked {
			continue
		}
		blocked = true
		genuine = genuine && g.waitsForever(t)
	}
	return blocked, genuine
}
