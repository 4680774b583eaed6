package model

import (
	"fmt"
	"strings"
)

// ExecutionGraph is one execution of a Program: the events of each thread in program
// order, the write each read reads from, and the coherence order of the writes to each
// location. The initial writes are implicit: one per location, first in coherence.
type ExecutionGraph struct {
	Prog    *Program
	Threads []ThreadEvents
	// Co lists, per location, the writes in coherence order (the initial write excluded).
	Co        [][]EventRef
	nextStamp int32
	prop      proposal
	settle    proposal
	// undo holds the thread state saved by each push, so pop restores it without
	// re-running the thread.
	undo  []ThreadState
	undoN int
}

// ThreadEvents is one thread's part of a graph.
type ThreadEvents struct {
	Events []Event
	State  ThreadState // the interpreter state after the last event
}

// NewGraph returns the empty graph of p (no event yet).
func NewGraph(p *Program) *ExecutionGraph {
	p.Seal()
	g := &ExecutionGraph{Prog: p}
	g.Threads = make([]ThreadEvents, len(p.Threads))
	g.Co = make([][]EventRef, len(p.Locs))
	for i := range g.Threads {
		g.Threads[i].State.reset(p.Threads[i])
	}
	return g
}

// copyFrom makes g a copy of o, reusing g's storage.
func (g *ExecutionGraph) copyFrom(o *ExecutionGraph) {
	g.Prog = o.Prog
	g.nextStamp = o.nextStamp
	g.undoN = 0
	if len(g.Threads) != len(o.Threads) {
		g.Threads = make([]ThreadEvents, len(o.Threads))
	}
	for i := range o.Threads {
		g.Threads[i].Events = append(g.Threads[i].Events[:0], o.Threads[i].Events...)
		g.Threads[i].State.copyFrom(&o.Threads[i].State)
	}
	if len(g.Co) != len(o.Co) {
		g.Co = make([][]EventRef, len(o.Co))
	}
	for i := range o.Co {
		g.Co[i] = append(g.Co[i][:0], o.Co[i]...)
	}
}

// Clone returns an independent copy of the graph.
func (g *ExecutionGraph) Clone() *ExecutionGraph {
	c := &ExecutionGraph{}
	c.copyFrom(g)
	return c
}

// Event returns the event r names; r must not be an initial write.
func (g *ExecutionGraph) Event(r EventRef) *Event { return &g.Threads[r.Thread].Events[r.Index] }

// NumEvents counts the events of all threads (initial writes excluded).
func (g *ExecutionGraph) NumEvents() int {
	n := 0
	for i := range g.Threads {
		n += len(g.Threads[i].Events)
	}
	return n
}

// WriteValue is the value the write w stores (the initial value for an initial write).
func (g *ExecutionGraph) WriteValue(w EventRef) Value {
	if w.IsInit() {
		return g.Prog.Locs[w.Index].Init
	}
	return g.Event(w).Val
}

// WriteLoc is the location w writes.
func (g *ExecutionGraph) WriteLoc(w EventRef) LocID {
	if w.IsInit() {
		return LocID(w.Index)
	}
	return g.Event(w).Loc
}

// CoIndex is w's position in the coherence order of its location: -1 for the initial
// write, 0 for the first write after it.
func (g *ExecutionGraph) CoIndex(w EventRef) int {
	if w.IsInit() {
		return -1
	}
	for i, x := range g.Co[g.Event(w).Loc] {
		if x == w {
			return i
		}
	}
	panic(fmt.Sprintf("model: write %v is not in coherence order", w))
}

// CoMax is the coherence-latest write to l (its initial write if none).
func (g *ExecutionGraph) CoMax(l LocID) EventRef {
	if c := g.Co[l]; len(c) > 0 {
		return c[len(c)-1]
	}
	return InitRef(l)
}

// FinalValue is the value of location l at the end of the execution.
func (g *ExecutionGraph) FinalValue(l LocID) Value { return g.WriteValue(g.CoMax(l)) }

// Status is the final status of thread t.
func (g *ExecutionGraph) Status(t int) Status { return g.Threads[t].State.Status }

// Reg is the final value of register r of thread t.
func (g *ExecutionGraph) Reg(t int, r int) Value { return g.Threads[t].State.Regs[r] }

// push appends ev (already described by next) to thread t and advances the thread.
// A write goes to position coPos of its location's coherence order.
func (g *ExecutionGraph) push(t int, ev *Event, coPos int) EventRef {
	th := &g.Threads[t]
	ev.Stamp = g.nextStamp
	g.nextStamp++
	ev.Revisitable = true
	th.Events = append(th.Events, *ev)
	ref := EventRef{Thread: int32(t), Index: int32(len(th.Events) - 1)}
	stored := &th.Events[ref.Index]
	code := g.Prog.Threads[t]
	code.next(&th.State, &g.settle) // a replay may have left local instructions pending
	if g.undoN == len(g.undo) {
		g.undo = append(g.undo, ThreadState{})
	}
	g.undo[g.undoN].copyFrom(&th.State)
	g.undoN++
	code.apply(&th.State, stored)
	if ev.Kind == KindWrite {
		co := g.Co[ev.Loc]
		co = append(co, EventRef{})
		copy(co[coPos+1:], co[coPos:])
		co[coPos] = ref
		g.Co[ev.Loc] = co
	}
	return ref
}

// pop removes the last event of thread t.
func (g *ExecutionGraph) pop(t int) {
	th := &g.Threads[t]
	last := len(th.Events) - 1
	ev := &th.Events[last]
	if ev.Kind == KindWrite {
		g.removeCo(ev.Loc, EventRef{Thread: int32(t), Index: int32(last)})
	}
	th.Events = th.Events[:last]
	g.undoN--
	th.State.copyFrom(&g.undo[g.undoN])
}

func (g *ExecutionGraph) removeCo(l LocID, w EventRef) {
	co := g.Co[l]
	for i, x := range co {
		if x == w {
			g.Co[l] = append(co[:i], co[i+1:]...)
			return
		}
	}
	panic("model: removing a write that is not in coherence order")
}

// replay recomputes thread t's interpreter state from its events.
func (g *ExecutionGraph) replay(t int) {
	th := &g.Threads[t]
	code := g.Prog.Threads[t]
	th.State.reset(code)
	for i := range th.Events {
		if !code.next(&th.State, &g.prop) {
			panic(fmt.Sprintf("model: replay of thread %d diverged at event %d", t, i))
		}
		code.apply(&th.State, &th.Events[i])
	}
}

// truncate keeps the first keep[t] events of every thread and drops the others from
// coherence order.
func (g *ExecutionGraph) truncate(keep []int32) {
	for l, co := range g.Co {
		out := co[:0]
		for _, w := range co {
			if w.Index < keep[w.Thread] {
				out = append(out, w)
			}
		}
		g.Co[l] = out
	}
	for t := range g.Threads {
		if int(keep[t]) < len(g.Threads[t].Events) {
			g.Threads[t].Events = g.Threads[t].Events[:keep[t]]
			g.replay(t)
		}
	}
}

// Readers lists the reads that read from w.
func (g *ExecutionGraph) Readers(w EventRef) []EventRef {
	var out []EventRef
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.Kind == KindRead && e.RF == w {
				out = append(out, EventRef{int32(t), int32(i)})
			}
		}
	}
	return out
}

// String prints the graph, one event per line.
func (g *ExecutionGraph) String() string {
	var b strings.Builder
	for t := range g.Threads {
		fmt.Fprintf(&b, "%s (%s):\n", g.Prog.Threads[t].Name, g.Threads[t].State.Status)
		for i := range g.Threads[t].Events {
			fmt.Fprintf(&b, "  %d: %s\n", i, g.DescribeEvent(EventRef{int32(t), int32(i)}))
		}
	}
	return b.String()
}

// LocName is the printed name of location l.
func (g *ExecutionGraph) LocName(l LocID) string { return g.Prog.Locs[l].Name }

// DescribeEvent prints one event: "W once tgt.reqs = 1", "R tgt.req_vq = 0 (from P1:4)".
func (g *ExecutionGraph) DescribeEvent(r EventRef) string {
	if r.IsInit() {
		return fmt.Sprintf("init %s = %d", g.LocName(LocID(r.Index)), g.Prog.Locs[r.Index].Init)
	}
	e := g.Event(r)
	switch e.Kind {
	case KindRead:
		from := "init"
		if !e.RF.IsInit() {
			from = e.RF.String()
		}
		return fmt.Sprintf("R%s %s = %d (from %s)", annSuffix(e.Ann), g.LocName(e.Loc), e.Val, from)
	case KindWrite:
		return fmt.Sprintf("W%s %s = %d (co %d)", annSuffix(e.Ann), g.LocName(e.Loc), e.Val, g.CoIndex(r))
	case KindFence:
		return e.Fence.String()
	case KindMarker:
		return fmt.Sprintf("%s(%d, %d, %d)", e.Marker, e.Args[0], e.Args[1], e.Args[2])
	}
	return "?"
}

func annSuffix(a Ann) string {
	if a == 0 {
		return ""
	}
	return "<" + a.String() + ">"
}
