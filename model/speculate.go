package model

import "time"

// speculate.go is the second phase of Explore under a memory model that allows po ∪ rf
// cycles and has a LocalOrder: it visits every consistent graph whose po ∪ rf has a
// cycle, each once, with the graph explorer instead of candidate enumeration.
//
// The argument. Call a read instruction open when it is the read of some open pair
// (porfcycle.go). Every cycle of a consistent graph G passes through an external
// reads-from edge into a read at an open instruction (that is how porfcycle.go proves
// the other graphs acyclic). Let G′ be G with the reads-from edge of every read at an
// open instruction removed: the read keeps its value, but reads from no write (its RF
// is Speculated, and it has no from-read edges either). Then:
//
//   - G′ has an acyclic po ∪ rf: each cycle of G lost an edge.
//   - G′ is consistent when G is. Every relation the models build grows with rf, co and
//     fr and every axiom asks a relation to be acyclic, irreflexive or empty, so fewer
//     edges never break one (barriers tests this for each model).
//   - G determines G′ and, given G′, the writes its speculated reads read.
//
// (narrow.go cuts fewer edges where the value read decides what the thread writes.)
//
// So the graph explorer is run once more, with one change: a read at an open
// instruction takes, in turn, each value of its location's domain (see exploreSpeculated)
// instead of a write's; it is never revisited, and it counts as added maximally when
// it took the first value. The explorer then reaches every such G′ once, as it reaches
// every consistent graph with an acyclic po ∪ rf. At each complete G′ every way of
// giving the speculated reads a write of their value is tried; the graphs that have a
// po ∪ rf cycle and are consistent are visited. The acyclic ones are not: the first
// phase visited them. Hence each graph with a cycle is visited exactly once.
//
// The cost is the first phase's, times the domain sizes of the open reads of each
// path, and open reads are few: in the steering scenarios, the lock words, counters
// and ring indexes that a thread reads before an unordered write. Candidate
// enumeration instead multiplies every thread's paths, which for an interrupt thread
// that reads a whole used ring is thousands.

// speculation is the state of the second phase.
type speculation struct {
	at     [][]bool  // per thread and instruction: its reads are speculated
	domain [][]Value // per location, sorted: the values a speculated read takes
	// blind marks the locations whose values nothing looks at (blind.go): their domain
	// is one placeholder, and recomputed says which of them giveBlindValues set.
	blind, recomputed []bool
	saved             blindValues
	nw                *narrowing // the narrow rule (narrow.go)
	exit              *exitCut   // exit mode (exitcut.go), or nil
	reads             []EventRef
	done              []int32 // hasPorfCycle scratch
}

// exploreSpeculated visits every graph of p that m allows and whose po ∪ rf has a
// cycle (see the file comment).
func exploreSpeculated(p *Program, lo LocalOrder, opts Options, graphs func(Options, *speculation) Result) Result {
	start := time.Now()
	sp, res := speculationFor(p, lo, opts)
	if sp == nil {
		return res
	}
	o := opts
	if o.Timeout > 0 {
		if o.Timeout -= time.Since(start); o.Timeout <= 0 {
			res.Reason = TimedOut
			return res
		}
	}
	r := graphs(o, sp)
	r.Elapsed = time.Since(start)
	return r
}

// speculationFor runs the analysis that begins the second phase: the open pairs of p
// under lo, the speculated reads and their domains. It returns nil, with the
// analysis's result, when the analysis did not finish or found no open pair (no graph
// with a cycle is consistent).
func speculationFor(p *Program, lo LocalOrder, opts Options) (*speculation, Result) {
	start := time.Now()
	// The analysis has its own step bound: its steps are cheap (no model check), and
	// at three CPUs it needs millions, which a budget sized for the explorer lacks.
	open, c, res := openPairs(p, lo, Options{MaxSteps: openPairSteps, Timeout: opts.Timeout, Context: opts.Context})
	if res.Reason == StepBudget {
		res.Reason = AnalysisBound // its own bound, not Options.MaxSteps: say which
	}
	if res.Reason != Exhausted || len(open) == 0 {
		return nil, res
	}
	blind := blindLocations(p)
	sp := &speculation{at: make([][]bool, len(p.Threads)), domain: c.domain,
		blind: blind, recomputed: make([]bool, len(p.Locs))}
	for t, th := range p.Threads {
		sp.at[t] = make([]bool, len(th.Code))
	}
	for _, op := range open {
		sp.at[op.Thread][op.ReadPC] = true
	}
	// The narrow rule serves the pairs cut at their entry (exitcut.go).
	var entry []OpenPair
	sp.exit, entry = newExitCut(p, open, c, sp)
	sp.nw = newNarrowing(p, entry, c.flows, blind)
	if sp.exit != nil {
		sp.exit.unnarrow(sp.nw)
	}
	// Each speculated read is tried with every value of its location's domain, so the
	// precise domains (candidates.domains, which tie values to the instructions that
	// justify them) are worth a bounded cost here; both are supersets of what a
	// location may hold, and so is their intersection. They enumerate thread paths,
	// which at three CPUs may not finish: the cheap domains then serve alone. They are
	// not computed when every open read is blind (blind.go; the rule since exit mode,
	// kept), nor when no speculated read has more than two values to try: they could at
	// best halve a read's values, and at three CPUs they spend their whole budget,
	// seconds, without finishing (v2-2012 in mixed mode, where only READ_ONCE(req_vq)
	// is speculated, with the values 0 and 1).
	if !allBlind(p, open, blind) && sp.worthRefining(p) {
		cheap := c.domain
		c.opts.MaxSteps = c.steps + preciseDomainSteps
		c.domains()
		switch {
		case c.stopped && c.reason != StepBudget:
			res.Reason, res.Stats = c.reason, c.stats
			res.Elapsed = time.Since(start)
			return nil, res
		case c.stopped:
			c.domain = cheap
		default:
			for l := range c.domain {
				c.domain[l] = intersectValues(c.domain[l], cheap[l])
			}
		}
		sp.domain = c.domain
	}
	for l, b := range blind {
		if b {
			sp.domain[l] = []Value{blindPlaceholder}
		}
	}
	return sp, res
}

// worthRefining reports whether some speculated read may access a location that is
// not blind and whose domain holds more than two values.
func (sp *speculation) worthRefining(p *Program) bool {
	for t, th := range p.Threads {
		for pc, at := range sp.at[t] {
			if !at {
				continue
			}
			lo, hi := mayAccess(&th.Code[pc])
			for l := lo; l < hi; l++ {
				if !sp.blind[l] && len(sp.domain[l]) > 2 {
					return true
				}
			}
		}
	}
	return false
}

// allBlind reports whether every location the reads of open pairs may access is blind.
func allBlind(p *Program, open []OpenPair, blind []bool) bool {
	for _, op := range open {
		if !instrBlind(&p.Threads[op.Thread].Code[op.ReadPC], blind) {
			return false
		}
	}
	return true
}

// instrBlind reports whether every location in may access is blind.
func instrBlind(in *Instr, blind []bool) bool {
	lo, hi := mayAccess(in)
	for l := lo; l < hi; l++ {
		if !blind[l] {
			return false
		}
	}
	return true
}

// intersectValues keeps the values of a, sorted, that are in b, sorted.
func intersectValues(a, b []Value) []Value {
	out := a[:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// addSpeculated adds ev, a read at an open instruction, once with each value of its
// location's domain; the first counts as added maximally. gap says that addRead found
// no maximal choice among the writes for it (exitcut.go, "Gaps").
func (x *explorer) addSpeculated(g *ExecutionGraph, t int, ev Event, depth int, gap bool) {
	narrow, only := x.spec.nw.narrow[t][ev.PC], x.spec.exit.exitOnly(t, ev.PC)
	// Every value but the first at an instruction outside the narrow rule, and every
	// value at one under it, is added non-maximally: such a read stays, and narrowFails
	// may judge its thread (narrow.go). A read under the exit rule is speculated
	// maximally only at a gap: its first value is then its maximal choice.
	for k, v := range x.spec.domain[ev.Loc] {
		if x.stopped {
			return
		}
		ev.RF, ev.Val, ev.AddedMax = Speculated(), v, k == 0 && (gap || !narrow && !only)
		ref := g.push(t, &ev, 0)
		if (ev.AddedMax || !x.narrowFails(g, t)) && !x.blockedOnStale(g, t) && x.consistentAdded(g, ref) {
			x.explore(g, depth)
		}
		g.pop(t)
	}
}

// resolve tries, at a complete graph with speculated reads, every choice of writes
// for them, and finishes the consistent ones that have a po ∪ rf cycle.
func (x *explorer) resolve(g *ExecutionGraph) {
	sp := x.spec
	reads := sp.reads[:0]
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; e.Kind == KindRead && e.RF.IsSpeculated() {
				reads = append(reads, EventRef{int32(t), int32(i)})
			}
		}
	}
	sp.reads = reads
	if len(reads) == 0 {
		return // no cycle is possible: the first phase visited this graph
	}
	if !sp.nw.canonical(g) {
		return // reached again with the reads the narrow rule speculates
	}
	x.chooseWrites(g, reads, 0)
	for _, r := range reads {
		g.Event(r).RF = Speculated()
	}
}

// chooseWrites gives reads[k:] every write of their value in turn: the initial write,
// then the location's writes in coherence order, never a later write of the read's own
// thread (every model's coherence forbids it). The read half of an RMW that wrote has
// one choice, the write right before its write half in coherence order (atomicity);
// at a blind location its value is set later (giveBlindValues).
func (x *explorer) chooseWrites(g *ExecutionGraph, reads []EventRef, k int) {
	if x.stop() {
		return
	}
	if k == len(reads) {
		x.resolved(g)
		return
	}
	rr := reads[k]
	r := g.Event(rr)
	if u, ok := rmwWriteHalf(g, rr); ok {
		if w := coPredecessor(g, u); x.spec.blind[r.Loc] || g.WriteValue(w) == r.Val {
			r.RF = w
			x.chooseWrites(g, reads, k+1)
		}
		return
	}
	only := x.spec.exit.exitOnly(int(rr.Thread), r.PC)
	if g.Prog.Locs[r.Loc].Init == r.Val && !only {
		r.RF = InitRef(r.Loc)
		x.chooseWrites(g, reads, k+1)
	}
	for _, w := range g.Co[r.Loc] {
		if x.stopped {
			return
		}
		if w.Thread == rr.Thread && w.Index > rr.Index || g.Event(w).Val != r.Val {
			continue
		}
		if only && !forbidden(g, int(rr.Thread), w) {
			continue // a read speculated for the exit cut stands for a read of an open write
		}
		r.RF = w
		x.chooseWrites(g, reads, k+1)
	}
}

// resolved judges a graph whose speculated reads all have a write.
func (x *explorer) resolved(g *ExecutionGraph) {
	if !hasPorfCycle(g, &x.spec.done) {
		return
	}
	if !x.consistent(g) {
		return
	}
	x.giveBlindValues(g, x.spec.reads, &x.spec.saved)
	x.finish(g)
	x.takeBlindValues(g, x.spec.reads, &x.spec.saved)
}

// hasPorfCycle reports whether po ∪ rf has a cycle: some event reads, through a chain
// of reads-from and program order, from a write that comes after it. done is scratch.
func hasPorfCycle(g *ExecutionGraph, done *[]int32) bool {
	// Iterative fixpoint on per-thread "settled prefix" lengths: an event is settled when
	// its po-predecessor is and, for a read, its write is. Everything settles iff acyclic.
	d := (*done)[:0]
	for range g.Threads {
		d = append(d, 0)
	}
	*done = d
	settled := func(r EventRef) bool { return r.IsInit() || r.Index < d[r.Thread] }
	for progress := true; progress; {
		progress = false
		for t := range g.Threads {
			evs := g.Threads[t].Events
			for int(d[t]) < len(evs) {
				e := &evs[d[t]]
				if e.Kind == KindRead && !settled(e.RF) {
					break
				}
				d[t]++
				progress = true
			}
		}
	}
	for t := range g.Threads {
		if int(d[t]) < len(g.Threads[t].Events) {
			return true
		}
	}
	return false
}

// HasPorfCycle reports whether g's po ∪ rf has a cycle: whether g shows load
// buffering.
func HasPorfCycle(g *ExecutionGraph) bool {
	var done []int32
	return hasPorfCycle(g, &done)
}
