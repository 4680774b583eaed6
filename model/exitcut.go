package model

import "sync/atomic"

// exitcut.go: the second phase's exit and mixed modes — cutting a cycle where it
// leaves an open pair instead of where it enters it, for every pair or for some.
//
// The second phase (speculate.go) may cut any set of reads-from edges that the graph
// determines and that holds an edge of every cycle. Its usual rule cuts the edge into
// the read of an open pair. Every cycle also leaves an open pair: after the pair's
// write W comes the external reads-from edge W →rfe R′ to the next thread of the cycle
// (internal edges merge into the segment, porfcycle.go). So cutting every external
// edge out of an open write serves too, where a write is open when its thread, before
// it, executed a read it pairs with. The explorer then speculates the reads of other
// threads' open writes: at a read instruction of a location that another thread's open
// write may write, the read either reads a write that is not such an open write, or
// is speculated, and at a complete graph each speculated read takes an open write of
// another thread with its value.
//
// Which is cheaper depends on what is speculated. Where the open reads decide a
// thread's way — lock words and atomic counters before a plain store, as in v2-2012,
// where a lock acquisition and atomic_inc_return(&tgt->reqs) come before the plain
// req_vq store — speculating them lets every speculated lock be taken at once and
// every count be anything, and the explorer builds a great many graphs that resolve
// to nothing. Speculating instead the READ_ONCE(req_vq) reads that may read the plain
// store leaves the locks and counters alone.
//
// Mixed mode. Nothing asks every pair to be cut the same way: split the open pairs
// into E, cut at their entry, and X, cut at their exit. A cycle passes through some
// open pair (R, W); if it is in E the edge into R is cut (R's instruction is
// speculated: always, or under the narrow rule when R's thread goes on to W), and if
// it is in X, W is open (its thread executed R before it) and the edge W →rfe R′ out
// of it is cut. The cut is still a function of the graph. Each read instruction then
// follows one rule:
//
//   - the read of an E pair is speculated as in entry mode: it may take any write of
//     its value, and the first value counts as added maximally;
//   - any other read that may read another thread's X-open write is under the exit
//     rule above (only): it reads a write that is not such an open write, or it is
//     speculated and must take one;
//   - an E read that may also read an X-open write (both) is always speculated, never
//     under the narrow rule: left unspeculated, it would fall under the exit rule, and
//     a speculated value would stand for two different cuts.
//
// The automatic choice: when some open read is gated — a lock or an RMW — the gated
// pairs are cut at their exit and the others at their entry (plain exit mode when all
// are gated); when none is, entry mode. Either way entry mode is kept when the exit
// rule would speculate a lock, an RMW or a blind read. In v2-2012 under lkmm the
// gated pairs are spin_lock(tgt_lock) and atomic_inc_return(reqs) before the req_vq
// store, and the plain one READ_ONCE(req_vq) before virtqueue_add's plain num_free
// store. Exit mode for all three speculated every read of num_free, seven values in
// six places, and did not finish in 30,000,000 steps; mixed mode speculates only the
// three READ_ONCE(req_vq) reads (both: they also cut the edges out of the req_vq
// stores), two values each.
//
// Maximality follows the cut: a read under the exit rule is added maximally when it
// reads the latest write it may read — the coherence-latest but for other threads'
// open writes, also when a revisit or a spin-wait leaves it there (readsLatest,
// waitsOnLatestReadable) — and a speculated read never is (like the narrow rule's,
// narrow.go): it is never revisited, and a revisit that would delete it is not done.
//
// Gaps. That rule needs the maximal choice TruSt's revisits rely on, the latest write
// the read may read, to be one the read can take. It need not be. When another
// thread's open write is ordered before the read (its critical section came first
// under a lock both take), reading anything older breaks coherence: every consistent
// graph has the read speculated, and a revisit that must delete it was refused, so
// graphs were lost (gapProgram in the tests: 72 of 96). At such a read, a gap (addRead
// reports it), the read's first speculated value is its maximal choice instead, as in
// entry mode: a revisit may delete it, and only it among its values. A gap at a read
// the exit cut does not speculate would have no maximal choice at all; newExitCut
// speculates every read that may read an open write, so none is expected, but the
// explorer would stop there with CutGap (not complete) rather than go on.

// exitModeUse, set only by tests (export_test.go), overrides the choice of mode:
// exitAuto chooses as described above, exitAlways cuts every pair at its exit whenever
// it can, exitNever cuts every pair at its entry, and two splits that auto never
// makes test that any split is sound: exitReverse cuts the gated pairs at their entry
// and the others at their exit, exitSplit splits the pairs by the parity of their
// instructions (so that a read's pairs may be cut both ways).
var exitModeUse int

const (
	exitAuto = iota
	exitAlways
	exitNever
	exitReverse
	exitSplit
)

// exitModeRuns and mixedModeRuns count the second phases that ran in exit mode and in
// mixed mode (for tests).
var exitModeRuns, mixedModeRuns int64

// exitCut holds the tables of exit and mixed modes.
type exitCut struct {
	// paired lists, per thread and write instruction, the read instructions of the
	// exit-cut pairs that the write ends.
	paired [][]instrSet
	// only marks, per thread and instruction, the reads speculated for the exit cut
	// alone: such a read reads a write that is not another thread's open write, or it
	// is speculated and takes one.
	only [][]bool
	// both marks the reads of entry-cut pairs that may also read another thread's open
	// write: always speculated, never under the narrow rule.
	both [][]bool
}

// gatedRead reports whether in, the read of an open pair, decides its thread's way in
// a way the entry cut pays for: a lock or an RMW (see the file comment).
func gatedRead(in *Instr) bool {
	return in.Op == OpLock || in.Op == OpTrylock || in.Op == OpRMW
}

// newExitCut decides how p's second phase cuts each open pair: it returns the exit
// cut's tables and the pairs cut at their entry, for which the caller builds the narrow
// rule; in exit and mixed modes it sets sp.at to the read instructions to speculate. It
// returns nil and every pair for the entry mode, the choice also when the exit cut
// would speculate a lock, an RMW or a blind read (entry mode handles those better).
func newExitCut(p *Program, open []OpenPair, c *candidates, sp *speculation) (*exitCut, []OpenPair) {
	gated := false
	for _, op := range open {
		gated = gated || gatedRead(&p.Threads[op.Thread].Code[op.ReadPC])
	}
	atExit := func(op OpenPair) bool { return gatedRead(&p.Threads[op.Thread].Code[op.ReadPC]) }
	switch exitModeUse {
	case exitNever:
		return nil, open
	case exitAlways:
		atExit = func(OpenPair) bool { return true }
	case exitReverse:
		atExit = func(op OpenPair) bool { return !gatedRead(&p.Threads[op.Thread].Code[op.ReadPC]) }
	case exitSplit:
		atExit = func(op OpenPair) bool { return (op.Thread+int(op.ReadPC)+int(op.WritePC))%2 == 0 }
	case exitAuto:
		if !gated {
			return nil, open
		}
	}
	x := &exitCut{paired: make([][]instrSet, len(p.Threads)), only: make([][]bool, len(p.Threads)),
		both: make([][]bool, len(p.Threads))}
	at := make([][]bool, len(p.Threads))
	for t, th := range p.Threads {
		x.paired[t] = make([]instrSet, len(th.Code))
		x.only[t] = make([]bool, len(th.Code))
		x.both[t] = make([]bool, len(th.Code))
		at[t] = make([]bool, len(th.Code))
	}
	var entry []OpenPair
	for _, op := range open {
		if atExit(op) {
			x.paired[op.Thread][op.WritePC] = x.paired[op.Thread][op.WritePC].with(int(op.ReadPC))
		} else {
			entry = append(entry, op)
			at[op.Thread][op.ReadPC] = true
		}
	}
	if len(entry) == len(open) {
		return nil, open
	}
	// The locations the exit-cut pairs' writes write where the pair is open, per thread.
	written := make([][]bool, len(p.Threads))
	for t := range written {
		written[t] = make([]bool, len(p.Locs))
	}
	for _, ow := range c.openWrites {
		if atExit(ow.pair) {
			written[ow.pair.Thread][ow.loc] = true
		}
	}
	for t, th := range p.Threads {
		for pc := range th.Code {
			in := &th.Code[pc]
			if in.Op != OpLoad && in.Op != OpRMW && in.Op != OpLock && in.Op != OpTrylock {
				continue
			}
			lo, hi := mayAccess(in)
			reads := false
			for l := lo; l < hi && !reads; l++ {
				for u := range p.Threads {
					if u != t && written[u][l] {
						reads = true
						break
					}
				}
			}
			switch {
			case !reads:
			case at[t][pc]:
				x.both[t][pc] = true
			case in.Op != OpLoad || !noneBlind(sp.blind, lo, hi):
				return nil, open // an RMW, lock or blind read would be speculated: entry mode is better
			default:
				x.only[t][pc], at[t][pc] = true, true
			}
		}
	}
	sp.at = at
	if len(entry) == 0 {
		atomic.AddInt64(&exitModeRuns, 1)
	} else {
		atomic.AddInt64(&mixedModeRuns, 1)
	}
	return x, entry
}

// noneBlind reports whether no location in [lo, hi) is blind.
func noneBlind(blind []bool, lo, hi int) bool {
	for l := lo; l < hi; l++ {
		if blind[l] {
			return false
		}
	}
	return true
}

// unnarrow takes the reads that both cuts speculate out of the narrow rule n: they are
// always speculated (see the file comment).
func (x *exitCut) unnarrow(n *narrowing) {
	for t := range x.both {
		n.threads[t] = false
		for pc, b := range x.both[t] {
			if b {
				n.narrow[t][pc] = false
			}
			n.threads[t] = n.threads[t] || n.narrow[t][pc]
		}
	}
}

// exitOnly reports whether a read of thread t at instruction pc is speculated for the
// exit cut alone: it must then take another thread's open write.
func (x *exitCut) exitOnly(t int, pc int32) bool { return x != nil && x.only[t][pc] }

// isOpen reports whether the write about to be added by thread t (instruction pc) is
// open: its thread executed, before it, a read it pairs with.
func (x *exitCut) isOpen(g *ExecutionGraph, t int, pc int32) bool {
	pairs := x.paired[t][pc]
	if len(pairs) == 0 {
		return false
	}
	th := &g.Threads[t]
	for i := range th.Events {
		if e := &th.Events[i]; e.Kind == KindRead && pairs.has(int(e.PC)) {
			return true
		}
	}
	return false
}

// forbidden reports whether a read of thread t may not read w: w is another thread's
// open write (exit mode only).
func forbidden(g *ExecutionGraph, t int, w EventRef) bool {
	return w.IsThreadEvent() && int(w.Thread) != t && g.Event(w).Open
}
