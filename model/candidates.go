package model

import (
	"sort"
	"time"
)

// PorfCyclic is implemented by memory models that allow cycles in po ∪ rf (load
// buffering). The TruSt explorer only builds graphs whose po ∪ rf is acyclic, so Explore
// runs a second phase for such models: speculated reads (speculate.go) when the model
// has a LocalOrder, candidate enumeration (ExploreCandidates) otherwise.
type PorfCyclic interface {
	PorfCycles() bool
}

// allowsPorfCycles reports whether m asks for a second phase.
func allowsPorfCycles(m Consistency) bool {
	pc, ok := m.(PorfCyclic)
	return ok && pc.PorfCycles()
}

// ExploreCandidates enumerates every complete execution graph of p that m allows in the
// way herd7 does: first the values each location may hold (a fixpoint over what the
// threads write when their reads return any value already known), then each thread's
// possible event sequences for every value its reads may return, then, for every
// combination of those, every reads-from choice (a write of the same value) and every
// coherence order. m is asked only about complete graphs, so it need not be
// prefix-closed, and po ∪ rf cycles are found. Each consistent graph is visited once;
// inconsistent candidates are counted in Stats.Pruned.
//
// It is exponential in the number of reads and writes: meant for litmus-sized programs
// and for models the TruSt explorer cannot serve.
func ExploreCandidates(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool) Result {
	return exploreCandidates(p, m, opts, visit, false)
}

// exploreCandidates with onlyCyclic visits only graphs whose po ∪ rf has a cycle.
func exploreCandidates(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool, onlyCyclic bool) Result {
	c := &candidates{explorer: explorer{prog: p.Seal(), model: m, opts: opts, visit: visit, start: time.Now()}, onlyCyclic: onlyCyclic}
	if opts.Timeout > 0 {
		c.deadline = c.start.Add(opts.Timeout)
	}
	if c.domains() && !c.stopped {
		c.enumPaths()
		closed := false
		if lo, ok := m.(LocalOrder); ok && onlyCyclic && !c.stopped {
			closed = !c.openTraces(lo, nil)
		}
		if !c.stopped && !closed {
			c.g = NewGraph(p)
			c.combine(0, false)
		}
	}
	c.stats.Elapsed = time.Since(c.start)
	if opts.Progress != nil {
		opts.Progress(c.stats)
	}
	return Result{Stats: c.stats, Reason: c.reason}
}

type threadTrace struct {
	events []Event
	state  ThreadState
}

type candidates struct {
	explorer
	domain [][]Value // per location, sorted
	// openWrites lists each open pair with a location its write writes on a path of
	// its thread where the pair is open (porfcycle.go), once each, in the order found.
	openWrites []openWrite
	traces     [][]threadTrace
	g          *ExecutionGraph
	reads      []EventRef
	// onlyCyclic skips graphs whose po ∪ rf is acyclic (visited by the graph explorer).
	onlyCyclic bool
	// open, when set (onlyCyclic with a LocalOrder model), marks the thread paths that
	// may take part in a consistent po ∪ rf cycle (porfcycle.go); combinations without
	// one are skipped.
	open  [][]bool
	color []int32 // hasPorfCycle scratch
	// flows are each thread's registerFlow, set by cheapDomains (shapes.go).
	flows []registerFlow
}

// domains computes which values each location may hold: initial values, plus every
// value a thread writes when its reads return values already known, repeated.
//
// Every instruction runs at most once per execution (the DSL only jumps forward), and
// in an execution whose value flow (data dependencies and reads-from) has no cycle,
// which every model here guarantees, a written value is justified by a tree of
// earlier writes in which no instruction appears twice. So each value is kept with
// the sets of write instructions that justify it (the minimal ones, a few per value),
// and a write is not fed a value whose justification already uses that very
// instruction: atomic_inc(x) run once cannot justify x = 2 from its own x = 1. When
// a value has too many minimal sets they are replaced by their intersection, which
// allows more and stays sound. As a last bound, a chain never has more writes than
// the program has write instructions, so that many rounds find every value.
func (c *candidates) domains() bool {
	p := c.prog
	j := &justifier{base: make([]int, len(p.Threads)+1), sets: make([]map[Value][]instrSet, len(p.Locs))}
	for t, th := range p.Threads {
		j.base[t+1] = j.base[t] + len(th.Code)
	}
	for l := range j.sets {
		j.sets[l] = map[Value][]instrSet{p.Locs[l].Init: {nil}}
	}
	c.setDomain(j.sets)
	rounds := 1
	for _, t := range p.Threads {
		for _, in := range t.Code {
			switch in.Op {
			case OpStore, OpRMW, OpUnlock, OpLock, OpTrylock:
				rounds++
			}
		}
	}
	for round := 0; round < rounds; round++ {
		j.grew = false
		for t := range p.Threads {
			var st ThreadState
			st.reset(p.Threads[t])
			c.collectWrites(t, &st, nil, j)
		}
		c.setDomain(j.sets)
		if !j.grew {
			break
		}
	}
	return true
}

// maxJustifications bounds the minimal justifying sets kept per value.
const maxJustifications = 4

// justifier holds, per location and value, the minimal sets of write instructions
// (numbered base[t]+pc) known to justify it.
type justifier struct {
	base []int
	sets []map[Value][]instrSet
	grew bool
}

// add records that value v of location l is justified by m.
func (j *justifier) add(l LocID, v Value, m instrSet) {
	cur := j.sets[l][v]
	for _, o := range cur {
		if o.subsetOf(m) {
			return
		}
	}
	var keep []instrSet
	for _, o := range cur {
		if !m.subsetOf(o) {
			keep = append(keep, o)
		}
	}
	keep = append(keep, m)
	if len(keep) > maxJustifications {
		in := keep[0]
		for _, o := range keep[1:] {
			in = in.intersect(o)
		}
		keep = []instrSet{in}
	}
	j.sets[l][v] = keep
	j.grew = true
}

// instrSet is a set of instruction numbers; nil is empty. Values are never modified
// once built.
type instrSet []uint64

func (s instrSet) has(i int) bool { return i>>6 < len(s) && s[i>>6]&(1<<(uint(i)&63)) != 0 }

func (s instrSet) with(i int) instrSet {
	n := len(s)
	if i>>6 >= n {
		n = i>>6 + 1
	}
	out := make(instrSet, n)
	copy(out, s)
	out[i>>6] |= 1 << (uint(i) & 63)
	return out
}

func (s instrSet) union(o instrSet) instrSet {
	if len(o) > len(s) {
		s, o = o, s
	}
	if len(o) == 0 {
		return s
	}
	out := append(instrSet(nil), s...)
	for i, w := range o {
		out[i] |= w
	}
	return out
}

func (s instrSet) intersect(o instrSet) instrSet {
	n := min(len(s), len(o))
	out := make(instrSet, n)
	for i := 0; i < n; i++ {
		out[i] = s[i] & o[i]
	}
	return out
}

func (s instrSet) subsetOf(o instrSet) bool {
	for i, w := range s {
		var ow uint64
		if i < len(o) {
			ow = o[i]
		}
		if w&^ow != 0 {
			return false
		}
	}
	return true
}

func (c *candidates) setDomain(sets []map[Value][]instrSet) {
	c.domain = make([][]Value, len(sets))
	for l, s := range sets {
		for v := range s {
			c.domain[l] = append(c.domain[l], v)
		}
		sort.Slice(c.domain[l], func(i, j int) bool { return c.domain[l][i] < c.domain[l][j] })
	}
}

// collectWrites runs thread t from st for every value (and justification) its reads
// may take, recording what it writes; just holds, per event of the path so far, the
// justification of the value a read took (nil for other events).
func (c *candidates) collectWrites(t int, st *ThreadState, just []instrSet, j *justifier) {
	code := c.prog.Threads[t]
	var pr proposal
	for code.next(st, &pr) {
		ev := pr.ev
		switch ev.Kind {
		case KindRead:
			for _, v := range c.domain[ev.Loc] {
				for _, m := range append([]instrSet(nil), j.sets[ev.Loc][v]...) {
					if c.stop() {
						return
					}
					st2, _ := readAs(code, st, ev, v)
					c.collectWrites(t, &st2, append(just[:len(just):len(just)], m), j)
				}
			}
			return
		case KindWrite:
			var acc instrSet
			for _, r := range ev.Data.Members() {
				if r < len(just) {
					acc = acc.union(just[r])
				}
			}
			if w := j.base[t] + int(ev.PC); !acc.has(w) {
				j.add(ev.Loc, ev.Val, acc.with(w))
			}
		}
		code.apply(st, &ev)
		just = append(just, nil)
	}
}

// readAs is the state of a thread after its next event ev, a read, returned v (st
// is left as it was), and that event.
func readAs(code *Thread, st *ThreadState, ev Event, v Value) (ThreadState, Event) {
	var st2 ThreadState
	st2.copyFrom(st)
	ev.Val = v
	code.apply(&st2, &ev)
	return st2, ev
}

// enumThread lists every event sequence thread t can produce.
func (c *candidates) enumThread(t int, st *ThreadState, evs []Event) {
	code := c.prog.Threads[t]
	var pr proposal
	for code.next(st, &pr) {
		ev := pr.ev
		if ev.Kind == KindRead {
			for _, v := range c.domain[ev.Loc] {
				if c.stop() {
					return
				}
				st2, e := readAs(code, st, ev, v)
				c.enumThread(t, &st2, append(evs[:len(evs):len(evs)], e))
			}
			return
		}
		code.apply(st, &ev)
		evs = append(evs, ev)
	}
	c.addTrace(t, evs, st)
}

// enumPaths fills c.traces with every path of every thread (enumThread).
func (c *candidates) enumPaths() {
	c.traces = make([][]threadTrace, len(c.prog.Threads))
	for t := range c.prog.Threads {
		var st ThreadState
		st.reset(c.prog.Threads[t])
		c.enumThread(t, &st, nil)
	}
}

// addTrace records a finished path of thread t: its events and final state.
func (c *candidates) addTrace(t int, evs []Event, st *ThreadState) {
	tr := threadTrace{events: append([]Event(nil), evs...)}
	tr.state.copyFrom(st)
	c.traces[t] = append(c.traces[t], tr)
}

// combine picks a trace for every thread, then enumerates reads-from and coherence;
// anyOpen says whether an open trace (porfcycle.go) was picked for threads before t.
func (c *candidates) combine(t int, anyOpen bool) {
	if c.stopped {
		return
	}
	g := c.g
	if t == len(c.traces) {
		if c.open != nil && !anyOpen {
			return
		}
		for l := range g.Co {
			g.Co[l] = g.Co[l][:0]
		}
		c.reads = c.reads[:0]
		for u := range g.Threads {
			for i := range g.Threads[u].Events {
				e := &g.Threads[u].Events[i]
				e.Stamp, e.Revisitable, e.AddedMax = 0, true, true
				switch e.Kind {
				case KindWrite:
					g.Co[e.Loc] = append(g.Co[e.Loc], EventRef{int32(u), int32(i)})
				case KindRead:
					c.reads = append(c.reads, EventRef{int32(u), int32(i)})
				}
			}
		}
		c.chooseRF(0)
		return
	}
	for i := range c.traces[t] {
		tr := &c.traces[t][i]
		g.Threads[t].Events = append(g.Threads[t].Events[:0], tr.events...)
		g.Threads[t].State.copyFrom(&tr.state)
		c.combine(t+1, anyOpen || (c.open != nil && c.open[t][i]))
		if c.stopped {
			return
		}
	}
}

func (c *candidates) chooseRF(k int) {
	if c.stop() {
		return
	}
	g := c.g
	if k == len(c.reads) {
		c.chooseCo(0, 0)
		return
	}
	r := g.Event(c.reads[k])
	if g.Prog.Locs[r.Loc].Init == r.Val {
		r.RF = InitRef(r.Loc)
		c.chooseRF(k + 1)
	}
	for _, w := range g.Co[r.Loc] {
		if c.stopped {
			return
		}
		if w.Thread == c.reads[k].Thread && w.Index >= c.reads[k].Index {
			continue // a read cannot read from its own thread's later writes
		}
		if g.Event(w).Val == r.Val {
			r = g.Event(c.reads[k])
			r.RF = w
			c.chooseRF(k + 1)
		}
	}
}

// chooseCo enumerates the permutations of the writes to each location, in place,
// skipping a prefix as soon as it breaks what every model requires of coherence
// order (coPlaceable).
func (c *candidates) chooseCo(l, i int) {
	g := c.g
	if l == len(g.Co) {
		c.candidate()
		return
	}
	co := g.Co[l]
	if i >= len(co) {
		c.chooseCo(l+1, 0)
		return
	}
	for j := i; j < len(co) && !c.stopped; j++ {
		co[i], co[j] = co[j], co[i]
		if c.coPlaceable(g, LocID(l), co, i) {
			c.chooseCo(l, i+1)
		}
		co[i], co[j] = co[j], co[i]
	}
}

// coPlaceable reports whether co[i] may follow co[:i] in coherence order: a thread's
// writes to one location are ordered as in program order (CoWW, part of every
// model's coherence), and the write half of an RMW immediately follows the write its
// read half read (atomicity), so no other write may take the place right after a
// write an RMW read. Both are checked again on complete candidates (atomicityHolds,
// the model); here they cut the permutations early.
func (c *candidates) coPlaceable(g *ExecutionGraph, l LocID, co []EventRef, i int) bool {
	w := co[i]
	pred := InitRef(l)
	if i > 0 {
		pred = co[i-1]
	}
	if g.Event(w).Ann&AnnRMW != 0 && g.Event(EventRef{w.Thread, w.Index - 1}).RF != pred {
		return false
	}
	for _, x := range co[i+1:] {
		if x.Thread == w.Thread && x.Index < w.Index {
			return false
		}
		if g.Event(x).Ann&AnnRMW != 0 && g.Event(EventRef{x.Thread, x.Index - 1}).RF == pred {
			return false
		}
	}
	return true
}

func (c *candidates) candidate() {
	g := c.g
	if c.stop() {
		return
	}
	if c.onlyCyclic && !hasPorfCycle(g, &c.color) {
		return
	}
	if !atomicityHolds(g) {
		c.stats.Pruned++
		return
	}
	for t := range g.Threads {
		switch g.Threads[t].State.Status {
		case OutOfBound:
			if c.model.Consistent(g) {
				c.stats.OutOfBound++
			}
			return
		case Blocked:
			if !c.genuinelyBlocked(g, t) {
				return
			}
		}
	}
	if !c.model.Consistent(g) {
		c.stats.Pruned++
		return
	}
	c.complete(g)
}
