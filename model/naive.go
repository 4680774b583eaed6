package model

import (
	"fmt"
	"math"
)

// NaiveResult is what the naive explorer found.
type NaiveResult struct {
	Interleavings int64            // maximal interleavings (paths), saturating at math.MaxInt64
	Outcomes      map[string]int64 // Outcome.Key → distinct maximal states reaching it (≥ 1)
	Truncated     bool             // the interleaving budget ran out
}

// NaiveExplore runs every interleaving of p under sequential consistency directly
// against a flat memory. A step is one access of one thread; a read-modify-write, a
// lock acquisition and a whole spin-wait iteration are each one atomic step, and a
// thread whose spin-wait (or lock) fails against the current memory cannot move. When
// no thread can move the interleaving ends; threads still waiting are blocked forever.
//
// States are memoized (the state graph is acyclic: every step performs an event), so
// each distinct state is expanded once while Interleavings still counts every path.
// It exists as the oracle the graph explorer is tested against.
// Spin-wait iterations being atomic here, programs compared with it must use
// iterations with a single read, where atomicity makes no difference.
func NaiveExplore(p *Program, maxInterleavings int64) NaiveResult {
	p.Seal()
	n := &naive{p: p, res: NaiveResult{Outcomes: map[string]int64{}}, max: maxInterleavings, memo: map[string]naiveMemo{}}
	st := make([]ThreadState, len(p.Threads))
	for t := range st {
		st[t].reset(p.Threads[t])
	}
	mem := make([]Value, len(p.Locs))
	for l := range mem {
		mem[l] = p.Locs[l].Init
	}
	top := n.run(st, mem)
	n.res.Interleavings = top.paths
	for _, o := range top.outcomes {
		if _, ok := n.res.Outcomes[o]; !ok {
			n.res.Outcomes[o] = 0
		}
	}
	return n.res
}

type naive struct {
	p    *Program
	res  NaiveResult
	max  int64
	prop proposal
	memo map[string]naiveMemo
}

// naiveMemo is what exploring from one state found: how many maximal paths start there
// and which outcomes they end in.
type naiveMemo struct {
	paths    int64
	outcomes []string
}

func stateKey(st []ThreadState, mem []Value) string {
	b := make([]byte, 0, 64)
	for i := range st {
		s := &st[i]
		b = fmt.Appendf(b, "%d.%d.%d.%d.%v.%d", s.PC, s.Status, s.AwaitStart, s.NEvents, s.rmwPending, s.rmwOld)
		for _, r := range s.Regs {
			b = fmt.Appendf(b, ",%d", r)
		}
		b = append(b, '|')
	}
	for _, v := range mem {
		b = fmt.Appendf(b, "%d,", v)
	}
	return string(b)
}

func cloneStates(st []ThreadState) []ThreadState {
	out := make([]ThreadState, len(st))
	for i := range st {
		out[i].copyFrom(&st[i])
	}
	return out
}

func (n *naive) run(st []ThreadState, mem []Value) naiveMemo {
	key := stateKey(st, mem)
	if m, ok := n.memo[key]; ok {
		return m
	}
	if n.max > 0 && n.res.Interleavings >= n.max {
		n.res.Truncated = true
		return naiveMemo{}
	}
	final := cloneStates(st)
	var here naiveMemo
	seen := map[string]bool{}
	moved := false
	for t := range st {
		st2 := cloneStates(st)
		mem2 := append([]Value(nil), mem...)
		if !n.step(t, &st2[t], mem2) {
			final[t].copyFrom(&st2[t]) // the failed attempt shows what it read
			continue
		}
		moved = true
		sub := n.run(st2, mem2)
		here.paths += sub.paths
		if here.paths < sub.paths { // saturate instead of overflowing
			here.paths = math.MaxInt64
		}
		for _, o := range sub.outcomes {
			if !seen[o] {
				seen[o] = true
				here.outcomes = append(here.outcomes, o)
			}
		}
	}
	if !moved {
		o := Outcome{Regs: make([][]Value, len(st)), Status: make([]Status, len(st)), Mem: append([]Value(nil), mem...)}
		for t := range final {
			o.Regs[t] = append([]Value(nil), final[t].Regs...)
			o.Status[t] = final[t].Status
		}
		here = naiveMemo{paths: 1, outcomes: []string{o.Key()}}
		n.res.Interleavings++
		n.res.Outcomes[o.Key()]++
	}
	n.memo[key] = here
	return here
}

// step performs one atomic step of thread t; it reports false when the thread cannot
// move (finished, or waiting on a spin-wait or lock that fails now).
func (n *naive) step(t int, st *ThreadState, mem []Value) bool {
	code := n.p.Threads[t]
	if !code.next(st, &n.prop) {
		return false
	}
	iter := st.AwaitStart
	for {
		ev := n.prop.ev
		n.exec(code, st, &ev, mem)
		if st.Status == Blocked {
			return false
		}
		if st.rmwPending {
			code.next(st, &n.prop) // the write half belongs to the same step
			continue
		}
		if iter < 0 {
			return true
		}
		// Inside a spin-wait iteration: the rest of it, up to its check, is this step.
		ok := code.next(st, &n.prop)
		if st.Status == Blocked {
			return false
		}
		if !ok || st.AwaitStart != iter {
			return true
		}
	}
}

func (n *naive) exec(code *Thread, st *ThreadState, ev *Event, mem []Value) {
	switch ev.Kind {
	case KindRead:
		ev.Val = mem[ev.Loc]
	case KindWrite:
		mem[ev.Loc] = ev.Val
	}
	code.apply(st, ev)
}
