package model

// exitcut.go: the second phase's exit mode — cutting a cycle where it leaves an open
// pair instead of where it enters it.
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
// store leaves the locks and counters alone. So exit mode is chosen when some open read
// is a lock or RMW read and no read to speculate in exit mode is one.
//
// Maximality follows the cut: a read that may not read another thread's open write
// is added maximally when it reads the coherence-latest write it may read, and a
// speculated read never is (like the narrow rule's, narrow.go): it is never revisited,
// and a revisit that would delete it is not done.

// exitModeUse, set only by tests (export_test.go), overrides the choice of mode:
// exitAuto chooses as described above, exitAlways takes exit mode whenever it can,
// exitNever never does.
var exitModeUse int

const (
	exitAuto = iota
	exitAlways
	exitNever
)

// exitModeRuns counts the second phases that ran in exit mode (for tests).
var exitModeRuns int64

// exitCut holds exit mode's tables.
type exitCut struct {
	paired [][]instrSet // per thread and write instruction: the read instructions it pairs with
}

// newExitCut decides whether p's second phase runs in exit mode, and if so marks
// in sp.at the read instructions to speculate. It returns nil for the entry mode.
func newExitCut(p *Program, open []OpenPair, c *candidates, sp *speculation) *exitCut {
	gated := false
	for _, op := range open {
		switch p.Threads[op.Thread].Code[op.ReadPC].Op {
		case OpLock, OpTrylock, OpRMW:
			gated = true
		}
	}
	if exitModeUse == exitNever || !gated && exitModeUse != exitAlways {
		return nil
	}
	at := make([][]bool, len(p.Threads))
	for t, th := range p.Threads {
		at[t] = make([]bool, len(th.Code))
		for pc := range th.Code {
			in := &th.Code[pc]
			if in.Op != OpLoad && in.Op != OpRMW && in.Op != OpLock && in.Op != OpTrylock {
				continue
			}
			lo, hi := mayAccess(in)
			for l := lo; l < hi && !at[t][pc]; l++ {
				for u := range p.Threads {
					if u != t && c.openWriteLoc[u][l] {
						at[t][pc] = true
						break
					}
				}
			}
			if at[t][pc] && (in.Op != OpLoad || sp.blind[lo]) {
				return nil // an RMW, lock or blind read would be speculated: entry mode is better
			}
		}
	}
	x := &exitCut{paired: make([][]instrSet, len(p.Threads))}
	for t, th := range p.Threads {
		x.paired[t] = make([]instrSet, len(th.Code))
	}
	for _, op := range open {
		x.paired[op.Thread][op.WritePC] = x.paired[op.Thread][op.WritePC].with(int(op.ReadPC))
	}
	sp.at = at
	exitModeRuns++
	return x
}

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
