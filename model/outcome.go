package model

import (
	"fmt"
	"strings"
)

// Outcome is the final state of an execution: every thread's registers and status and
// every location's final value. Two executions with the same Outcome are
// indistinguishable to a litmus test's final condition.
type Outcome struct {
	Regs   [][]Value
	Status []Status
	Mem    []Value
}

// OutcomeOf returns the final state of a complete graph.
func OutcomeOf(g *ExecutionGraph) Outcome {
	o := Outcome{Regs: make([][]Value, len(g.Threads)), Status: make([]Status, len(g.Threads)), Mem: make([]Value, len(g.Prog.Locs))}
	for t := range g.Threads {
		o.Regs[t] = append([]Value(nil), g.Threads[t].State.Regs...)
		o.Status[t] = g.Threads[t].State.Status
	}
	for l := range o.Mem {
		o.Mem[l] = g.FinalValue(LocID(l))
	}
	return o
}

// Key is a canonical string for the outcome, usable as a map key.
func (o Outcome) Key() string {
	var b strings.Builder
	for t, regs := range o.Regs {
		fmt.Fprintf(&b, "%d:%s[", t, o.Status[t])
		for i, v := range regs {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, v)
		}
		b.WriteString("] ")
	}
	b.WriteString("mem")
	for _, v := range o.Mem {
		fmt.Fprintf(&b, " %d", v)
	}
	return b.String()
}

// Fingerprint is a canonical string for the whole graph: every event with what it
// reads from, and coherence order. Two visits of the same graph have equal fingerprints.
func (g *ExecutionGraph) Fingerprint() string {
	var b strings.Builder
	for t := range g.Threads {
		fmt.Fprintf(&b, "T%d:", t)
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			fmt.Fprintf(&b, " %s%d/%d=%d", e.Kind, e.PC, e.Loc, e.Val)
			if e.Kind == KindRead {
				fmt.Fprintf(&b, "<%v", e.RF)
			}
		}
		b.WriteByte('\n')
	}
	for l, co := range g.Co {
		fmt.Fprintf(&b, "co%d:%v\n", l, co)
	}
	return b.String()
}
