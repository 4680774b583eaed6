package model

// narrow.go: speculating a read only where it can start a cycle.
//
// The second phase (speculate.go) cuts the reads-from edge of every read at an open
// instruction. Any rule that cuts at least one edge of every cycle, and that a graph
// determines, serves as well: each graph with a cycle is still reached from exactly
// one graph without. Every cycle enters a read R and leaves R's thread through a later
// write W such that (R, W) is an open pair (porfcycle.go), so it is enough to cut R's
// edge when R's thread, in the graph, goes on to execute a write that pairs with R.
//
// Where the value a read returns decides the thread's way (a lock word, a counter the
// code branches on), the narrow rule pays: at such an instruction the explorer tries
// the read both ways, from each write as in the first phase and speculated, and a
// speculated value from which no paired write can be reached is dropped at once.
// atomic_inc_return(&tgt->reqs) == 1 before the req_vq store of v2-2012 is then
// speculated with the value 1 only. At a complete graph the rule is checked: a read at
// a narrow instruction must be speculated exactly when a paired write follows it.
// That check waits for the complete graph because a read taken from a write may be
// revisited later, which changes what its thread does after it.
//
// A speculated value never counts as added maximally at a narrow instruction (the
// read from the coherence-latest write does): like a read of an older write, it is
// never revisited, and a revisit that would delete it is not done. The explorer then
// treats the speculated values as reads of writes older than every real one.
//
// For the same reason a read that is not added maximally stays in every graph below,
// and so does everything its thread did before it. Right after such a read the
// explorer judges the thread (narrowFails): a speculated read at a narrow instruction
// that can no longer reach a paired write, or the read just taken from an older write
// reaching one before the thread reads again, fails for good, and the branch is
// dropped at once. Only reads of the coherence-latest write make it wait.
// TestNarrowRuleMatchesCandidates and TestNarrowRuleKeepsTheLatestRead check this
// against candidate enumeration.

// narrowing holds, per thread, what the narrow rule needs.
type narrowing struct {
	narrow  [][]bool     // per thread and instruction: an open read under the narrow rule
	threads []bool       // per thread: it has a narrow instruction
	paired  [][]instrSet // per thread and read instruction: the write instructions it pairs with
	reach   [][]instrSet // per thread and instruction: the instructions reachable from it
	sim     ThreadState
	prop    proposal
	written []int32
}

// newNarrowing builds the tables of the narrow rule for p's open pairs: the rule takes
// the open reads whose value decides the thread's way, a lock's or one whose register
// decides the shape (flows), unless their location is blind.
func newNarrowing(p *Program, open []OpenPair, flows []registerFlow, blind []bool) *narrowing {
	n := &narrowing{narrow: make([][]bool, len(p.Threads)), threads: make([]bool, len(p.Threads)),
		paired: make([][]instrSet, len(p.Threads)), reach: make([][]instrSet, len(p.Threads))}
	for t, th := range p.Threads {
		n.narrow[t] = make([]bool, len(th.Code))
		n.paired[t] = make([]instrSet, len(th.Code))
		n.reach[t] = reachability(th)
	}
	for _, op := range open {
		n.paired[op.Thread][op.ReadPC] = n.paired[op.Thread][op.ReadPC].with(int(op.WritePC))
		in := &p.Threads[op.Thread].Code[op.ReadPC]
		if in.Op == OpLock || in.Op == OpTrylock || in.Dst >= 0 && flows[op.Thread].shape[in.Dst] && !instrBlind(in, blind) {
			n.narrow[op.Thread][op.ReadPC] = true
			n.threads[op.Thread] = true
		}
	}
	return n
}

// reachability lists, for each instruction of t, the instructions some run may
// execute from it on, itself included: a spin-wait may run again from its start.
func reachability(t *Thread) []instrSet {
	n := len(t.Code)
	succ := make([][]int, n)
	begin := -1
	for pc := range t.Code {
		in := &t.Code[pc]
		switch in.Op {
		case OpJump:
			succ[pc] = []int{in.Target}
			continue
		case OpBound:
			continue
		case OpBranchFalse:
			succ[pc] = append(succ[pc], in.Target)
		case OpAwaitBegin:
			begin = pc
		case OpAwaitCheck:
			if begin >= 0 {
				succ[pc] = append(succ[pc], begin)
			}
		}
		if pc+1 < n {
			succ[pc] = append(succ[pc], pc+1)
		}
	}
	out := make([]instrSet, n)
	for pc := range out {
		var seen instrSet
		stack := []int{pc}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if c >= n || seen.has(c) {
				continue
			}
			seen = seen.with(c)
			stack = append(stack, succ[c]...)
		}
		out[pc] = seen
	}
	return out
}

// runToRead runs a copy of thread t's state until its next read, collecting in
// n.written the instructions of the writes it executes on the way; it returns the next
// read's instruction, or -1 when the thread stops first. Stopping first is for good
// here: a spin-wait that fails before its next read failed on a read that is never
// revisited nor deleted (see narrowFails).
func (n *narrowing) runToRead(g *ExecutionGraph, t int) int32 {
	code := g.Prog.Threads[t]
	st := &n.sim
	st.copyFrom(&g.Threads[t].State)
	n.written = n.written[:0]
	for {
		if !code.next(st, &n.prop) {
			return -1
		}
		ev := &n.prop.ev
		if ev.Kind == KindRead {
			return st.PC
		}
		if ev.Kind == KindWrite {
			n.written = append(n.written, ev.PC)
		}
		code.apply(st, ev)
	}
}

// canonical reports whether g's reads at narrow instructions are speculated exactly
// when a write they pair with follows them in their thread.
func (n *narrowing) canonical(g *ExecutionGraph) bool {
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			r := &evs[i]
			if r.Kind != KindRead || !n.narrow[t][r.PC] {
				continue
			}
			follows := false
			for j := i + 1; j < len(evs) && !follows; j++ {
				follows = evs[j].Kind == KindWrite && n.paired[t][r.PC].has(int(evs[j].PC))
			}
			if follows != r.RF.IsSpeculated() {
				return false
			}
		}
	}
	return true
}

// intersects reports whether two instruction sets share a member.
func intersects(a, b instrSet) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i]&b[i] != 0 {
			return true
		}
	}
	return false
}

// narrowFails reports whether thread t of g, whose last event is a read that stays in
// every graph below this one (speculated, or taken from a write that is not the
// coherence-latest: neither is revisited, and a revisit that would delete it is not
// done), already breaks the narrow rule for good: a speculated read at a narrow
// instruction can no longer reach a write it pairs with, or a read at one taken from a
// write reaches such a write before the thread reads again. The thread's events up to
// that read are then fixed, so its runs from here are all it can still do. Only in the
// second phase (x.spec set).
func (x *explorer) narrowFails(g *ExecutionGraph, t int) bool {
	n := x.spec.nw
	if !n.threads[t] {
		return false
	}
	evs := g.Threads[t].Events
	next := int32(-2) // not run yet
	for i := range evs {
		r := &evs[i]
		if r.Kind != KindRead || !n.narrow[t][r.PC] {
			continue
		}
		paired := n.paired[t][r.PC]
		done := false
		for j := i + 1; j < len(evs) && !done; j++ {
			done = evs[j].Kind == KindWrite && paired.has(int(evs[j].PC))
		}
		speculated := r.RF.IsSpeculated()
		if done || !speculated && (r.AddedMax || i != len(evs)-1) {
			// Satisfied or broken already (the complete graph's check decides), or a
			// read that a revisit may still change.
			continue
		}
		if next == -2 {
			next = n.runToRead(g, t)
		}
		hit := false
		for _, pc := range n.written {
			hit = hit || paired.has(int(pc))
		}
		if speculated && !hit && (next < 0 || !intersects(n.reach[t][next], paired)) {
			return true
		}
		if !speculated && hit {
			return true
		}
	}
	return false
}
