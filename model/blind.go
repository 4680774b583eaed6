package model

// blind.go finds the locations whose values no thread ever looks at, so that the second
// phase (speculate.go) need not try every value of their speculated reads.
//
// Kernel code keeps counters that only void atomics touch: the single-queue path of
// the 2012 patch does atomic_inc(&tgt->reqs) on submission and atomic_dec(&tgt->reqs)
// on completion, and nothing reads tgt->reqs otherwise. Call a location blind when
// every instruction that may access it is an atomic add (RMWAdd) whose register no
// instruction reads and no other instruction writes. A blind location's values then
// decide no branch, no address and no value written anywhere else: they only show on
// the location's own events, in its final value, and in those unread registers.
//
// The second phase tries each speculated read with every value of its location's
// domain, and each value repeats the first phase's work. For a blind location the value
// changes nothing but the values of the location's own events (and the unread
// registers), so every value leads the explorer through the same graphs up to those
// values: one placeholder value serves (blindPlaceholder). When the complete
// graph's speculated reads get their writes (speculate.go, chooseWrites), the read half
// of an RMW may only read the write that coherence puts right before its write half
// (atomicity), and every read of a blind location is one: that write is its only choice.
// What is left is to give the location's events the values they have in that graph:
// walking coherence order from the initial value, each read half reads its predecessor's
// value and each write half adds its amount (the difference between the values the
// explorer gave the two halves, which no read of the location can change), and each
// unread register gets what its RMW returned. Memory models ignore values except a lock
// word's, which is never blind, so the graph is judged as before; it is visited with the
// true values and the placeholders come back afterwards for the explorer's
// backtracking.
//
// Each graph with a po ∪ rf cycle is still visited exactly once: it determines the
// graph the second phase builds for it (its open reads without writes and its blind
// locations' values from the placeholder), which the explorer reaches once, and the
// choice of writes for its speculated reads.

// blindPlaceholder is the value every speculated read of a blind location takes. It is
// far from any value a program here computes, so that a location wrongly taken for
// blind would show it in a written value at once instead of passing for a true value.
const blindPlaceholder Value = -1 << 40

// blindLocations reports, for each location of p, whether it is blind (see the file
// comment).
func blindLocations(p *Program) []bool {
	blind := make([]bool, len(p.Locs))
	for l := range blind {
		blind[l] = true
	}
	for _, th := range p.Threads {
		read, writers := registerUse(th)
		for i := range th.Code {
			in := &th.Code[i]
			if !accessesMemory(in.Op) {
				continue
			}
			if in.Op == OpRMW && in.RMW == RMWAdd && (in.Dst < 0 || !read[in.Dst] && writers[in.Dst] == 1) {
				continue
			}
			lo, hi := mayAccess(in)
			for l := lo; l < hi; l++ {
				blind[l] = false
			}
		}
	}
	return blind
}

// accessesMemory reports whether instructions with opcode op read or write a location.
func accessesMemory(op OpCode) bool {
	switch op {
	case OpLoad, OpStore, OpRMW, OpLock, OpUnlock, OpTrylock:
		return true
	}
	return false
}

// registerUse reports, for each register of t, whether some instruction reads it (in
// an address, a value, a condition or a marker's argument) and how many instructions
// write it.
func registerUse(t *Thread) (read []bool, writers []int) {
	n := len(t.RegNames)
	read, writers = make([]bool, n), make([]int, n)
	ids := make([]DepSet, n)
	for i := range ids {
		ids[i].Add(i)
	}
	var d DepSet
	use := func(e Expr) {
		if e == nil {
			return
		}
		d = DepSet{}
		e.deps(ids, &d)
		for _, r := range d.Members() {
			read[r] = true
		}
	}
	for i := range t.Code {
		in := &t.Code[i]
		use(in.Loc.Index)
		use(in.Val)
		use(in.Val2)
		use(in.Cond)
		for _, a := range in.Args {
			use(a)
		}
		if in.Dst >= 0 {
			writers[in.Dst]++
		}
	}
	return read, writers
}

// rmwWriteHalf returns the write half of the RMW whose read half is r, if r is one that
// wrote (a failed cmpxchg or trylock, or a spin_lock that found the lock taken, is not).
func rmwWriteHalf(g *ExecutionGraph, r EventRef) (EventRef, bool) {
	evs := g.Threads[r.Thread].Events
	if evs[r.Index].Ann&AnnRMW == 0 || int(r.Index)+1 >= len(evs) {
		return EventRef{}, false
	}
	if w := &evs[r.Index+1]; w.Kind != KindWrite || w.Ann&AnnRMW == 0 {
		return EventRef{}, false
	}
	return EventRef{r.Thread, r.Index + 1}, true
}

// coPredecessor is the write right before w in coherence order, or the initial write.
func coPredecessor(g *ExecutionGraph, w EventRef) EventRef {
	l := g.Event(w).Loc
	if i := g.CoIndex(w); i > 0 {
		return g.Co[l][i-1]
	}
	return InitRef(l)
}

// blindValues holds what giveBlindValues replaced, for takeBlindValues.
type blindValues struct {
	vals []Value
	regs []savedReg
}

type savedReg struct {
	t, reg int
	val    Value
}

// giveBlindValues sets the events of every blind location that one of reads (the
// speculated reads) reads, and the registers their RMWs set, to the values they have
// in g: see the file comment. Every read of such a location must already read its write
// half's coherence predecessor.
func (x *explorer) giveBlindValues(g *ExecutionGraph, reads []EventRef, save *blindValues) {
	save.vals, save.regs = save.vals[:0], save.regs[:0]
	sp := x.spec
	for _, rr := range reads {
		l := g.Event(rr).Loc
		if !sp.blind[l] || sp.recomputed[l] {
			continue
		}
		sp.recomputed[l] = true
		cur := g.Prog.Locs[l].Init
		for _, w := range g.Co[l] {
			we, re := g.Event(w), g.Event(EventRef{w.Thread, w.Index - 1})
			save.vals = append(save.vals, re.Val, we.Val)
			amount := we.Val - re.Val
			re.Val, we.Val = cur, cur+amount
			cur = we.Val
		}
	}
	// A register holds what the last of its RMW's executions returned.
	for t := range g.Threads {
		code, st := x.prog.Threads[t], &g.Threads[t].State
		for i := range g.Threads[t].Events {
			we := &g.Threads[t].Events[i]
			if we.Kind != KindWrite || !sp.recomputed[we.Loc] {
				continue
			}
			in := &code.Code[we.PC]
			if in.Dst < 0 {
				continue
			}
			save.regs = append(save.regs, savedReg{t, in.Dst, st.Regs[in.Dst]})
			if in.ReturnNew {
				st.Regs[in.Dst] = we.Val
			} else {
				st.Regs[in.Dst] = g.Threads[t].Events[i-1].Val
			}
		}
	}
}

// takeBlindValues undoes giveBlindValues.
func (x *explorer) takeBlindValues(g *ExecutionGraph, reads []EventRef, save *blindValues) {
	sp := x.spec
	for i := len(save.regs) - 1; i >= 0; i-- {
		s := save.regs[i]
		g.Threads[s.t].State.Regs[s.reg] = s.val
	}
	k := 0
	for _, rr := range reads {
		l := g.Event(rr).Loc
		if !sp.recomputed[l] {
			continue
		}
		sp.recomputed[l] = false
		for _, w := range g.Co[l] {
			g.Event(EventRef{w.Thread, w.Index - 1}).Val, g.Event(w).Val = save.vals[k], save.vals[k+1]
			k += 2
		}
	}
}
