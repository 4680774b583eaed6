package model

import (
	"sort"
	"time"
)

// PorfCyclic is implemented by memory models that allow cycles in po ∪ rf (load
// buffering). The TruSt explorer only builds graphs whose po ∪ rf is acyclic, so Explore
// hands such models to ExploreCandidates instead.
type PorfCyclic interface {
	PorfCycles() bool
}

// allowsPorfCycles reports whether m asks for candidate enumeration.
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
		c.traces = make([][]threadTrace, len(p.Threads))
		for t := range p.Threads {
			var st ThreadState
			st.reset(p.Threads[t])
			c.enumThread(t, &st, nil)
		}
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
	traces [][]threadTrace
	g      *ExecutionGraph
	reads  []EventRef
	// onlyCyclic skips graphs whose po ∪ rf is acyclic (visited by the graph explorer).
	onlyCyclic bool
	// open, when set (onlyCyclic with a LocalOrder model), marks the thread paths that
	// may take part in a consistent po ∪ rf cycle (porfcycle.go); combinations without
	// one are skipped.
	open  [][]bool
	color []uint8 // per-thread settled lengths (scratch)
}

// domains computes which values each location may hold: initial values, plus every
// value a thread writes when its reads return values already known, repeated. Every
// instruction runs at most once per execution (the DSL only jumps forward), so in an
// execution whose value flow (data dependencies and reads-from) has no cycle, which
// every model here guarantees, a value is justified by a chain of at most as many
// writes as the program has write instructions: that many rounds find every value, even
// when the fixpoint itself would go on (x = x + 1 fed back into itself).
func (c *candidates) domains() bool {
	p := c.prog
	sets := make([]map[Value]bool, len(p.Locs))
	for l := range sets {
		sets[l] = map[Value]bool{p.Locs[l].Init: true}
	}
	c.setDomain(sets)
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
		grew := false
		for t := range p.Threads {
			var st ThreadState
			st.reset(p.Threads[t])
			c.collectWrites(t, &st, sets, &grew)
		}
		c.setDomain(sets)
		if !grew {
			break
		}
	}
	return true
}

func (c *candidates) setDomain(sets []map[Value]bool) {
	c.domain = make([][]Value, len(sets))
	for l, s := range sets {
		for v := range s {
			c.domain[l] = append(c.domain[l], v)
		}
		sort.Slice(c.domain[l], func(i, j int) bool { return c.domain[l][i] < c.domain[l][j] })
	}
}

func (c *candidates) collectWrites(t int, st *ThreadState, sets []map[Value]bool, grew *bool) {
	code := c.prog.Threads[t]
	var pr proposal
	for code.next(st, &pr) {
		ev := pr.ev
		switch ev.Kind {
		case KindRead:
			for _, v := range c.domain[ev.Loc] {
				if c.stop() {
					return
				}
				var st2 ThreadState
				st2.copyFrom(st)
				e := ev
				e.Val = v
				code.apply(&st2, &e)
				c.collectWrites(t, &st2, sets, grew)
			}
			return
		case KindWrite:
			if !sets[ev.Loc][ev.Val] {
				sets[ev.Loc][ev.Val] = true
				*grew = true
			}
		}
		code.apply(st, &ev)
	}
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
				var st2 ThreadState
				st2.copyFrom(st)
				e := ev
				e.Val = v
				code.apply(&st2, &e)
				c.enumThread(t, &st2, append(evs[:len(evs):len(evs)], e))
			}
			return
		}
		code.apply(st, &ev)
		evs = append(evs, ev)
	}
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

// chooseCo enumerates the permutations of the writes to each location, in place.
func (c *candidates) chooseCo(l, i int) {
	g := c.g
	if l == len(g.Co) {
		c.candidate()
		return
	}
	co := g.Co[l]
	if i >= len(co)-1 {
		c.chooseCo(l+1, 0)
		return
	}
	for j := i; j < len(co) && !c.stopped; j++ {
		co[i], co[j] = co[j], co[i]
		c.chooseCo(l, i+1)
		co[i], co[j] = co[j], co[i]
	}
}

func (c *candidates) candidate() {
	g := c.g
	if c.stop() {
		return
	}
	if c.onlyCyclic && !c.porfCyclic(g) {
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

// porfCyclic reports whether po ∪ rf has a cycle: some event reads, through a chain of
// reads-from and program order, from a write that comes after it.
func (c *candidates) porfCyclic(g *ExecutionGraph) bool {
	// Iterative fixpoint on per-thread "settled prefix" lengths: an event is settled when
	// its po-predecessor is and, for a read, its write is. Everything settles iff acyclic.
	done := c.color[:0]
	for range g.Threads {
		done = append(done, 0)
	}
	c.color = done
	settled := func(r EventRef) bool { return r.IsInit() || int(r.Index) < int(done[r.Thread]) }
	for progress := true; progress; {
		progress = false
		for t := range g.Threads {
			evs := g.Threads[t].Events
			for int(done[t]) < len(evs) {
				e := &evs[done[t]]
				if e.Kind == KindRead && !settled(e.RF) {
					break
				}
				done[t]++
				progress = true
			}
		}
	}
	for t := range g.Threads {
		if int(done[t]) < len(g.Threads[t].Events) {
			return true
		}
	}
	return false
}
