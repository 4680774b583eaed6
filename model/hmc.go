package model

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// hmc.go: an experimental explorer that builds graphs with po ∪ rf cycles directly, in
// the line of HMC (Kokologiannakis and Vafeiadis, ASPLOS 2020), for models with a
// LocalOrder (lkmm, lkmm-alpha, armv8). It is not Explore's: it exists to be measured
// against ExploreCandidates and herd7 (hmc_external_test.go) before anything relies on
// it. See docs/DESIGN.md, "Building po∪rf cycles directly".
//
// The construction. Events are added one at a time as Explore adds them: a read from
// each write of its location, a write in each coherence position. A write W may then
// revisit any read R of its location that is not in W's prefix: the closure of W under
// reads-from and, inside a thread, under the model's local order from reads to writes
// (a read L does not order before a write does not hold that write back). R is made to
// read W; every event added after R that is not in W's prefix is deleted. An event
// deleted while a later event of its thread stays leaves a hole: the thread is re-run
// from its start with its reads' recorded values, and its next event is the first
// hole's. Whenever a thread is re-run, every event it kept must come out again (the
// same instruction, location and, for a write, value), or the graph is dropped. That
// is how a write is kept while the read it depends on in a way the model does not
// preserve is deleted and re-added (lkmm's plain reads: C00069 in the generated
// corpus, see DESIGN.md).
//
// Exactly once is not argued here: the explorer visits each complete graph once by
// remembering the graphs it visited, and each partial graph (with the relative order in
// which its events were added, which the revisits depend on) is expanded once. That
// costs memory in proportion to the partial graphs, which is why this is a tool for
// small programs and for deciding what the stateless explorer must do.

// holeTag marks a hole: an event deleted by a revisit while a later event of its
// thread stays. Memory models see a marker, which is in no relation.
const holeTag = "\x00hole"

func isHole(e *Event) bool { return e.Kind == KindMarker && e.Marker == holeTag }

// ExploreHMC visits every complete execution graph of p that m allows, once each, with
// the construction above. Options.MaxSteps, MaxExecutions, Timeout and Context bound
// it as they bound Explore; the other options are ignored.
func ExploreHMC(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool) Result {
	x := newExplorer(p, m, Options{MaxSteps: opts.MaxSteps, MaxExecutions: opts.MaxExecutions, Timeout: opts.Timeout,
		Context: opts.Context, Progress: opts.Progress}, visit, nil)
	if opts.Timeout > 0 {
		x.deadline = x.start.Add(opts.Timeout)
	}
	h := &hmc{x: x, seen: map[string]bool{}, states: map[string]bool{}}
	h.lo, _ = m.(LocalOrder)
	h.explore(NewGraph(x.prog))
	x.stats.Elapsed = time.Since(x.start)
	return Result{Stats: x.stats, Reason: x.reason, steps: x.steps}
}

type hmc struct {
	x      *explorer
	lo     LocalOrder // nil: the prefix is the po ∪ rf prefix
	seen   map[string]bool
	states map[string]bool
	st     ThreadState
}

// explore expands g once.
func (h *hmc) explore(g *ExecutionGraph) {
	if h.x.stop() {
		return
	}
	key := h.key(g)
	if h.states[key] {
		return
	}
	h.states[key] = true
	t, k, ev, status := h.next(g)
	switch status {
	case hmcDead:
		return
	case hmcComplete:
		fp := g.Fingerprint()
		if h.seen[fp] {
			return
		}
		h.seen[fp] = true
		h.x.finish(g)
		return
	}
	switch ev.Kind {
	case KindFence, KindMarker:
		if g2 := h.place(g, t, k, ev, -1); g2 != nil && h.x.consistent(g2) {
			h.explore(g2)
		}
	case KindRead:
		co := g.Co[ev.Loc]
		for i := len(co) - 1; i >= -1 && !h.x.stopped; i-- {
			w := InitRef(ev.Loc)
			if i >= 0 {
				w = co[i]
			}
			ev.RF, ev.Val = w, g.WriteValue(w)
			if g2 := h.place(g, t, k, ev, -1); g2 != nil && h.x.consistent(g2) {
				h.explore(g2)
			}
		}
	case KindWrite:
		lo, hi := 0, len(g.Co[ev.Loc])
		if ev.Ann&AnnRMW != 0 {
			rd := &g.Threads[t].Events[k-1]
			lo = g.CoIndex(rd.RF) + 1
			hi = lo
		}
		for pos := hi; pos >= lo && !h.x.stopped; pos-- {
			g2 := h.place(g, t, k, ev, pos)
			if g2 == nil {
				return // the write itself does not reproduce the thread's kept events
			}
			if h.x.consistent(g2) {
				h.explore(g2)
			}
			if pos == hi {
				// Revisits are tried even when this placement is inconsistent: what
				// makes it so (an RMW whose read half read the same write) may be
				// among the events the revisit deletes.
				h.revisits(g2, EventRef{int32(t), int32(k)})
			}
		}
	}
}

// Results of next.
const (
	hmcMove = iota
	hmcComplete
	hmcDead
)

// next chooses the slot the next event goes to: a thread in the middle of an RMW
// first, then the lowest-numbered thread without a hole that can move, then the first
// hole of the lowest-numbered thread with one. It reports a dead graph when a thread
// with a hole cannot produce an event there.
func (h *hmc) next(g *ExecutionGraph) (t, k int, ev Event, status int) {
	holeAt := func(t int) int {
		for i := range g.Threads[t].Events {
			if isHole(&g.Threads[t].Events[i]) {
				return i
			}
		}
		return -1
	}
	// A pending RMW write half, at the tail or in a hole.
	for t := range g.Threads {
		if hk := holeAt(t); hk >= 0 {
			if !h.stateAt(g, t, hk) {
				return 0, 0, Event{}, hmcDead
			}
			if h.st.rmwPending {
				if !g.Prog.Threads[t].next(&h.st, &g.prop) {
					return 0, 0, Event{}, hmcDead
				}
				return t, hk, g.prop.ev, hmcMove
			}
			continue
		}
		if g.Threads[t].State.rmwPending {
			g.Prog.Threads[t].next(&g.Threads[t].State, &g.prop)
			return t, len(g.Threads[t].Events), g.prop.ev, hmcMove
		}
	}
	for t := range g.Threads {
		if holeAt(t) < 0 && g.Prog.Threads[t].next(&g.Threads[t].State, &g.prop) {
			return t, len(g.Threads[t].Events), g.prop.ev, hmcMove
		}
	}
	for t := range g.Threads {
		if hk := holeAt(t); hk >= 0 {
			h.stateAt(g, t, hk)
			if !g.Prog.Threads[t].next(&h.st, &g.prop) {
				return 0, 0, Event{}, hmcDead
			}
			return t, hk, g.prop.ev, hmcMove
		}
	}
	return 0, 0, Event{}, hmcComplete
}

// stateAt leaves in h.st thread t's interpreter state before its event k, re-running
// the events before it (which have been checked already).
func (h *hmc) stateAt(g *ExecutionGraph, t, k int) bool {
	code := g.Prog.Threads[t]
	h.st.reset(code)
	for i := 0; i < k; i++ {
		if !code.next(&h.st, &g.prop) {
			return false
		}
		code.apply(&h.st, &g.Threads[t].Events[i])
	}
	return true
}

// place returns a copy of g with ev at slot k of thread t (the end of the thread, or
// a hole), a write at coherence position coPos, or nil if the thread's kept events do
// not come out again.
func (h *hmc) place(g *ExecutionGraph, t, k int, ev Event, coPos int) *ExecutionGraph {
	g2 := g.Clone()
	ev.Stamp = g2.nextStamp
	g2.nextStamp++
	th := &g2.Threads[t]
	if k == len(th.Events) {
		th.Events = append(th.Events, ev)
	} else {
		th.Events[k] = ev
	}
	if ev.Kind == KindWrite {
		ref := EventRef{int32(t), int32(k)}
		co := append(g2.Co[ev.Loc], EventRef{})
		copy(co[coPos+1:], co[coPos:])
		co[coPos] = ref
		g2.Co[ev.Loc] = co
	}
	if !rerun(g2, t) {
		return nil
	}
	return g2
}

// rerun runs thread t from its start over its events up to its first hole, feeding
// reads their recorded values, and checks that each event comes out again: the same
// instruction, kind, location, fence and marker, and for a write the same value. The
// events' dependencies and annotations are refreshed from the run. Without a hole the
// thread's state is left after its last event.
func rerun(g *ExecutionGraph, t int) bool {
	th := &g.Threads[t]
	code := g.Prog.Threads[t]
	th.State.reset(code)
	for i := range th.Events {
		e := &th.Events[i]
		if isHole(e) {
			return true
		}
		if !code.next(&th.State, &g.prop) {
			return false
		}
		c := g.prop.ev
		if c.Kind != e.Kind || c.PC != e.PC || c.Fence != e.Fence || c.Marker != e.Marker || c.Args != e.Args {
			return false
		}
		if (c.Kind == KindRead || c.Kind == KindWrite || c.Kind == KindFence && c.Fence.HasLoc()) && c.Loc != e.Loc {
			return false
		}
		if c.Kind == KindWrite && c.Val != e.Val {
			return false
		}
		if c.Kind == KindRead {
			c.Val, c.RF = e.Val, e.RF
		}
		code.apply(&th.State, &c)
		e.Ann, e.Addr, e.Data, e.Ctrl, e.CtrlAll, e.InAwait = c.Ann, c.Addr, c.Data, c.Ctrl, c.CtrlAll, c.InAwait
	}
	return true
}

// revisits tries every read that the write a just added (coherence-latest) may revisit.
func (h *hmc) revisits(g *ExecutionGraph, a EventRef) {
	wa := g.Event(a)
	pre := h.prefix(g, a)
	for u := range g.Threads {
		for i := range g.Threads[u].Events {
			if h.x.stopped {
				return
			}
			r := &g.Threads[u].Events[i]
			if r.Kind != KindRead || r.Loc != wa.Loc || r.RF == a || pre[u].Has(i) {
				continue
			}
			h.revisit(g, EventRef{int32(u), int32(i)}, a, pre)
		}
	}
}

// prefix is what a revisit by the write a keeps besides the events added before the
// read: per thread, the events in a's prefix (see the file comment).
func (h *hmc) prefix(g *ExecutionGraph, a EventRef) []DepSet {
	pre := make([]DepSet, len(g.Threads))
	unordered := make([][][2]int32, len(g.Threads))
	done := make([]bool, len(g.Threads))
	stack := []EventRef{a}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !c.IsThreadEvent() || pre[c.Thread].Has(int(c.Index)) {
			continue
		}
		pre[c.Thread].Add(int(c.Index))
		evs := g.Threads[c.Thread].Events
		e := &evs[c.Index]
		if e.Kind == KindRead {
			stack = append(stack, e.RF)
		}
		if e.Kind != KindWrite && h.lo != nil {
			continue
		}
		if e.Kind == KindWrite && e.Ann&AnnRMW != 0 && c.Index > 0 && evs[c.Index-1].Ann&AnnRMW != 0 {
			stack = append(stack, EventRef{c.Thread, c.Index - 1})
		}
		for j := int32(0); j < c.Index; j++ {
			p := &evs[j]
			if isHole(p) {
				continue
			}
			if h.lo == nil {
				stack = append(stack, EventRef{c.Thread, j})
				continue
			}
			if p.Kind != KindRead {
				continue
			}
			t := int(c.Thread)
			if !done[t] {
				unordered[t], done[t] = h.lo.UnorderedReadWrites(g, t), true
			}
			if !hasPair(unordered[t], j, c.Index) {
				stack = append(stack, EventRef{c.Thread, j})
			}
		}
	}
	return pre
}

func hasPair(pairs [][2]int32, i, j int32) bool {
	for _, p := range pairs {
		if p[0] == i && p[1] == j {
			return true
		}
	}
	return false
}

// revisit makes r read from a, deletes what the revisit does not keep and explores the
// result with a in every coherence position among the writes that stay.
func (h *hmc) revisit(g *ExecutionGraph, r, a EventRef, pre []DepSet) {
	h.x.stats.Revisits++
	g2 := g.Clone()
	rs := g2.Event(r).Stamp
	keep := make([]DepSet, len(g2.Threads))
	for t := range g2.Threads {
		keep[t] = pre[t]
		for i := range g2.Threads[t].Events {
			if e := &g2.Threads[t].Events[i]; !isHole(e) && e.Stamp < rs {
				keep[t].Add(i)
			}
		}
	}
	keep[r.Thread].Add(int(r.Index))
	rd := g2.Event(r)
	rd.RF, rd.Val = a, g2.Event(a).Val
	rd.Stamp = g2.nextStamp
	g2.nextStamp++
	for l, co := range g2.Co {
		out := co[:0]
		for _, w := range co {
			if keep[w.Thread].Has(int(w.Index)) && w != a {
				out = append(out, w)
			}
		}
		g2.Co[l] = out
	}
	for t := range g2.Threads {
		evs := g2.Threads[t].Events
		n := len(evs)
		for n > 0 && (!keep[t].Has(n-1) || isHole(&evs[n-1])) {
			n--
		}
		evs = evs[:n]
		for i := range evs {
			if !keep[t].Has(i) && !isHole(&evs[i]) {
				evs[i] = Event{Kind: KindMarker, Marker: holeTag, PC: evs[i].PC, Stamp: -1}
			}
		}
		g2.Threads[t].Events = evs
		if !rerun(g2, t) {
			return
		}
	}
	wa := g2.Event(a)
	lo, hi := 0, len(g2.Co[wa.Loc])
	if wa.Ann&AnnRMW != 0 {
		rdHalf := g2.Event(EventRef{a.Thread, a.Index - 1})
		lo = g2.CoIndex(rdHalf.RF) + 1
		hi = lo
	}
	for pos := hi; pos >= lo && !h.x.stopped; pos-- {
		g3 := g2.Clone()
		co := append(g3.Co[wa.Loc], EventRef{})
		copy(co[pos+1:], co[pos:])
		co[pos] = a
		g3.Co[wa.Loc] = co
		if h.x.consistent(g3) {
			h.explore(g3)
		}
	}
}

// key names a partial graph and the relative order in which its events were added.
func (h *hmc) key(g *ExecutionGraph) string {
	var stamps []int32
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; !isHole(e) {
				stamps = append(stamps, e.Stamp)
			}
		}
	}
	sort.Slice(stamps, func(i, j int) bool { return stamps[i] < stamps[j] })
	rank := func(s int32) int { return sort.Search(len(stamps), func(i int) bool { return stamps[i] >= s }) }
	var b strings.Builder
	for t := range g.Threads {
		b.WriteByte('T')
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if isHole(e) {
				b.WriteString(" _")
				continue
			}
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(int(e.PC)))
			b.WriteByte('/')
			b.WriteString(strconv.Itoa(int(e.Val)))
			b.WriteByte('#')
			b.WriteString(strconv.Itoa(rank(e.Stamp)))
			if e.Kind == KindRead {
				b.WriteByte('<')
				b.WriteString(e.RF.String())
			}
		}
		b.WriteByte('\n')
	}
	for l, co := range g.Co {
		if len(co) > 0 {
			b.WriteString(strconv.Itoa(l))
			for _, w := range co {
				b.WriteByte(' ')
				b.WriteString(w.String())
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}
