package model

import (
	varint "encoding/binary"
	"slices"
	"time"
)

// hmc.go: an explorer that builds graphs with po ∪ rf cycles directly, in the line of
// HMC (Kokologiannakis and Vafeiadis, ASPLOS 2020), for models with a LocalOrder (lkmm,
// lkmm-alpha, armv8). It is not Explore's default: it is far slower than the two-phase
// explorer on the steering models, so only the checks that explorer cannot finish use
// it (docs/BARRIERS.md's table cells, requirements.Budget.CellHMCMaxSteps). It is
// measured against ExploreCandidates and herd7 (hmc_external_test.go, and the litmus
// package's corpus tests). See docs/DESIGN.md, "Building po∪rf cycles directly".
//
// The construction. Events are added one at a time as Explore adds them: a read from
// each write of its location, a write in each coherence position. A write W may then
// revisit any read R of its location that is not in W's prefix: the closure of W under
// reads-from and, inside a thread, under the model's local order from reads to writes
// (a read L does not order before a write does not hold that write back), with the
// fences and markers before each event kept (they read nothing; deleting them only
// made holes, and holes are what this construction pays for); the local order is
// taken without the barriers of the cmpxchgs that succeeded, which a revisit may
// make fail (hmcprefix.go). R is made to read W; every event added after R that is
// not in W's prefix is deleted. An event deleted while a later event of its thread
// stays leaves a hole: the thread is re-run from its start with its reads' recorded
// values, and its next event is the first hole's. A hole is a gap of any length: the
// deleted events need not come back as they were (a read re-added with another
// value may take the other side of an if before the events kept after its join:
// C01010 of the generated corpus), so the events added into a hole are inserted
// before it, and the hole closes when the thread's next event is the kept one after
// it, named by its instruction, kind and how many events of that instruction and
// kind came before it (Event.occ). Whenever a thread is re-run, every event it kept
// must come out again (the same instruction, location and, for a write, value), or
// the graph is dropped. That is how a write is kept while the read it depends on in
// a way the model does not preserve is deleted and re-added (lkmm's plain reads:
// C00069 in the generated corpus, see DESIGN.md).
//
// Which event is added next: a thread in the middle of an RMW first, then the
// lowest-numbered thread without a hole that can move; when none can, the first hole
// of each thread that has one, each in turn: filling the lowest thread's hole first
// lost graphs herd7 allows (C00838 of the generated corpus, R00051 of the second).
//
// Exactly once is not argued here: the explorer visits each complete graph once by
// remembering the graphs it visited, and each partial graph (with the relative order in
// which its events were added, which the revisits depend on) is expanded once. A
// revisit is performed only under TruSt's maximality condition restated for holes,
// with TruSt's marks on the revisiting write's prefix (hmcmax.go), which keeps most
// of the paths to a graph from being built at all; it is not shown to leave one path
// per graph, so the memory stays, and costs in proportion to the partial graphs: this
// is a tool for small programs and for the checks the two-phase explorer cannot
// finish.

// hmcNoMemory, set only by tests (export_test.go), makes ExploreHMC forget what it
// expanded and visited: every path to a graph then reaches the visitor, which is how
// the tests see how many paths the revisit condition leaves.
var hmcNoMemory bool

// revisitableBit is 4 for an event a later revisit may take or delete: two partial
// graphs that differ only there do not lead to the same graphs.
func revisitableBit(e *Event) byte {
	if e.Revisitable {
		return 4
	}
	return 0
}

// holeTag marks a hole: an event deleted by a revisit while a later event of its
// thread stays. Memory models see a marker, which is in no relation.
const holeTag = "\x00hole"

func isHole(e *Event) bool { return e.Kind == KindMarker && e.Marker == holeTag }

// ExploreHMC visits every complete execution graph of p that m allows, once each, with
// the construction above. Options.MaxSteps, MaxExecutions, Timeout and Context bound
// it as they bound Explore. It does not split: with Options.Shard the first shard runs
// it whole and the others visit nothing, so shards still add up to the run; Workers
// and Resume run it in one goroutine from the start. Symmetry is not applied: every
// graph is visited and counted, mirror images included.
func ExploreHMC(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool) Result {
	if !opts.Shard.owns0() {
		return Result{}
	}
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
	buf    []byte  // key's
	stamps []int32 // key's
}

// slot is where the next event goes: thread t's event k (its end, or a hole, before
// which the event is inserted), and the event the thread proposes there.
type slot struct {
	t, k int
	ev   Event
}

// explore expands g once.
func (h *hmc) explore(g *ExecutionGraph) {
	if h.x.stop() {
		return
	}
	if key := h.key(g); h.states[string(key)] && !hmcNoMemory {
		return
	} else {
		h.states[string(key)] = true
	}
	slots, complete := h.next(g)
	if complete {
		fp := g.Fingerprint()
		if h.seen[fp] && !hmcNoMemory {
			return
		}
		h.seen[fp] = true
		h.x.finish(g)
		return
	}
	for _, s := range slots {
		h.expand(g, s)
	}
}

// expand adds s's event to g in every way the model allows, and for a write tries
// the revisits it allows.
func (h *hmc) expand(g *ExecutionGraph, s slot) {
	t, k, ev := s.t, s.k, s.ev
	switch ev.Kind {
	case KindFence, KindMarker:
		if g2, _ := h.place(g, t, k, ev, -1); g2 != nil && h.x.consistent(g2) {
			h.explore(g2)
		}
	case KindRead:
		co := g.Co[ev.Loc]
		// Below the coherence floor of the events before it in its thread, the read
		// would break per-location coherence, which every model keeps: not built.
		for i := len(co) - 1; i >= floorOf(g, t, int32(k), ev.Loc) && !h.x.stopped; i-- {
			w := InitRef(ev.Loc)
			if i >= 0 {
				w = co[i]
			}
			ev.RF, ev.Val = w, g.WriteValue(w)
			if g2, _ := h.place(g, t, k, ev, -1); g2 != nil && h.x.consistent(g2) {
				h.explore(g2)
			}
		}
	case KindWrite:
		lo, hi := floorOf(g, t, int32(k), ev.Loc)+1, len(g.Co[ev.Loc])
		if ev.Ann&AnnRMW != 0 {
			rd := &g.Threads[t].Events[k-1]
			lo = g.CoIndex(rd.RF) + 1
			hi = lo
		}
		for pos := hi; pos >= lo && !h.x.stopped; pos-- {
			g2, ref := h.place(g, t, k, ev, pos)
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
				h.revisits(g2, ref)
			}
		}
	}
}

// next lists the slots the next event may go to (see the file comment), or reports a
// complete graph. A thread with a hole that cannot produce an event there makes the
// graph dead: no slot, not complete.
func (h *hmc) next(g *ExecutionGraph) ([]slot, bool) {
	holes := make([]int, len(g.Threads))
	any := false
	for t := range g.Threads {
		holes[t] = firstHole(g, t)
		if holes[t] < 0 {
			if g.Threads[t].State.rmwPending {
				g.Prog.Threads[t].next(&g.Threads[t].State, &g.prop)
				return []slot{{t, len(g.Threads[t].Events), g.prop.ev}}, false
			}
			continue
		}
		any = true
		if !h.stateAt(g, t, holes[t]) || !g.Prog.Threads[t].next(&h.st, &g.prop) {
			return nil, false
		}
		if h.st.rmwPending {
			return []slot{{t, holes[t], g.prop.ev}}, false
		}
	}
	for t := range g.Threads {
		if holes[t] < 0 && g.Prog.Threads[t].next(&g.Threads[t].State, &g.prop) {
			return []slot{{t, len(g.Threads[t].Events), g.prop.ev}}, false
		}
	}
	if !any {
		return nil, true
	}
	var out []slot
	for t := range g.Threads {
		if holes[t] >= 0 {
			h.stateAt(g, t, holes[t])
			g.Prog.Threads[t].next(&h.st, &g.prop)
			out = append(out, slot{t, holes[t], g.prop.ev})
		}
	}
	return out, false
}

func firstHole(g *ExecutionGraph, t int) int {
	for i := range g.Threads[t].Events {
		if isHole(&g.Threads[t].Events[i]) {
			return i
		}
	}
	return -1
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

// place returns a copy of g with ev added as thread t's event k (at its end, or
// inserted before the hole at k), a write at coherence position coPos, and the new
// event's reference; nil if the thread's kept events do not come out again.
func (h *hmc) place(g *ExecutionGraph, t, k int, ev Event, coPos int) (*ExecutionGraph, EventRef) {
	if len(g.Threads[t].Events) >= MaxThreadEvents {
		return nil, EventRef{} // a hole that keeps growing: the thread runs out of its bound
	}
	g2 := g.Clone()
	ev.Stamp = g2.nextStamp
	ev.Revisitable = true
	g2.nextStamp++
	th := &g2.Threads[t]
	if k < len(th.Events) {
		insertSlot(g2, t, k)
		if ev.Kind == KindRead && int(ev.RF.Thread) == t && int(ev.RF.Index) >= k {
			ev.RF.Index++ // a write of its own thread kept after the hole (incoherent, for the model to say)
		}
	} else {
		th.Events = append(th.Events, Event{})
	}
	th.Events[k] = ev
	ref := EventRef{int32(t), int32(k)}
	if ev.Kind == KindWrite {
		co := append(g2.Co[ev.Loc], EventRef{})
		copy(co[coPos+1:], co[coPos:])
		co[coPos] = ref
		g2.Co[ev.Loc] = co
	}
	if !rerun(g2, t) {
		return nil, ref
	}
	return g2, ref // a hole that closes lies after the event: ref stays
}

// rerun runs thread t from its start over its events, feeding reads their recorded
// values, and checks that each event comes out again: the same instruction, kind,
// location, fence and marker, and for a write the same value. At a hole, if the
// thread's next event is the kept event after it, the hole closes; otherwise the run
// stops there. The events' dependencies and annotations are refreshed from the run.
// Without a hole the thread's state is left after its last event.
func rerun(g *ExecutionGraph, t int) bool {
	th := &g.Threads[t]
	code := g.Prog.Threads[t]
	th.State.reset(code)
	count := make(map[[2]int32]int32)
	for i := 0; i < len(th.Events); i++ {
		e := &th.Events[i]
		if isHole(e) {
			if !code.next(&th.State, &g.prop) {
				return false
			}
			c := &g.prop.ev
			kept := &th.Events[i+1]
			n := count[[2]int32{c.PC, int32(c.Kind)}]
			if c.PC != kept.PC || c.Kind != kept.Kind || n != kept.occ {
				return true
			}
			removeSlot(g, t, i)
			e = &th.Events[i]
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
		id := [2]int32{c.PC, int32(c.Kind)}
		e.occ = count[id]
		count[id]++
		e.Ann, e.Addr, e.Data, e.Ctrl, e.CtrlAll, e.InAwait = c.Ann, c.Addr, c.Data, c.Ctrl, c.CtrlAll, c.InAwait
	}
	return true
}

// insertSlot makes room for an event at index k of thread t, renumbering the events
// after it wherever they are named.
func insertSlot(g *ExecutionGraph, t, k int) {
	evs := append(g.Threads[t].Events, Event{})
	copy(evs[k+1:], evs[k:])
	g.Threads[t].Events = evs
	renumber(g, t, func(i int32) int32 {
		if i >= int32(k) {
			return i + 1
		}
		return i
	}, k+1)
}

// removeSlot removes the hole at index k of thread t.
func removeSlot(g *ExecutionGraph, t, k int) {
	evs := g.Threads[t].Events
	g.Threads[t].Events = append(evs[:k], evs[k+1:]...)
	renumber(g, t, func(i int32) int32 {
		if i > int32(k) {
			return i - 1
		}
		return i
	}, k)
}

// renumber applies to every reference to an event of thread t (reads-from, coherence
// order, and the dependency sets of t's events from index from on) the renumbering f
// (-1: deleted).
func renumber(g *ExecutionGraph, t int, f func(int32) int32, from int) {
	for u := range g.Threads {
		for i := range g.Threads[u].Events {
			e := &g.Threads[u].Events[i]
			if e.Kind == KindRead && int(e.RF.Thread) == t {
				e.RF.Index = f(e.RF.Index)
			}
		}
	}
	for l, co := range g.Co {
		for j, w := range co {
			if int(w.Thread) == t {
				g.Co[l][j].Index = f(w.Index)
			}
		}
	}
	evs := g.Threads[t].Events
	for i := from; i < len(evs); i++ {
		e := &evs[i]
		for _, d := range []*DepSet{&e.Addr, &e.Data, &e.Ctrl, &e.CtrlAll} {
			var n DepSet
			for _, j := range d.Members() {
				if nj := f(int32(j)); nj >= 0 {
					n.Add(int(nj))
				}
			}
			*d = n
		}
	}
}

// revisits tries every read that the write a just added (coherence-latest) may revisit.
func (h *hmc) revisits(g *ExecutionGraph, a EventRef) {
	wa := g.Event(a)
	var ord *localOrder
	if h.lo != nil {
		ord = newLocalOrder(h.lo, g)
	}
	pre := prefix(g, a, ord, false)
	var porf []DepSet   // a's po ∪ rf prefix, for maximalRevisit
	var marked []DepSet // a's dependency prefix, which a revisit marks (hmcprefix.go)
	for u := range g.Threads {
		for i := range g.Threads[u].Events {
			if h.x.stopped {
				return
			}
			r := &g.Threads[u].Events[i]
			if r.Kind != KindRead || r.Loc != wa.Loc || r.RF == a || pre[u].Has(i) ||
				!r.Revisitable && !hmcNoMaximality && !markLifted(g, a, r.markedAt) {
				continue
			}
			if porf == nil {
				porf = porfSet(g, a)
			}
			if !hmcNoMaximality && !h.maximalRevisit(g, EventRef{int32(u), int32(i)}, a, pre, porf) {
				continue
			}
			if marked == nil {
				marked = pre
				if ord != nil {
					marked = prefix(g, a, ord, true)
				}
			}
			h.revisit(g, EventRef{int32(u), int32(i)}, a, pre, marked)
		}
	}
}

// byStamp finds the event with the given stamp.
func byStamp(g *ExecutionGraph, stamp int32) EventRef {
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; !isHole(e) && e.Stamp == stamp {
				return EventRef{int32(t), int32(i)}
			}
		}
	}
	panic("model: no event with that stamp")
}

// revisit makes r read from a, deletes what the revisit does not keep (a run of
// deleted events followed by a kept one becomes one hole) and explores the result with
// a in every coherence position among the writes that stay.
func (h *hmc) revisit(g *ExecutionGraph, r, a EventRef, pre, marked []DepSet) {
	h.x.stats.Revisits++
	g2 := g.Clone()
	rs := g2.Event(r).Stamp
	if !hmcNoMaximality {
		// TruSt's marks (hmcmax.go): these events are not revisited, nor deleted,
		// again, except by a write that depends on r, which takes the stamp
		// g2.nextStamp below (markLifted).
		for t := range g2.Threads {
			for i := range g2.Threads[t].Events {
				if marked[t].Has(i) {
					e := &g2.Threads[t].Events[i]
					e.Revisitable, e.markedAt = false, g2.nextStamp
				}
			}
		}
	}
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
	rd := *g2.Event(r)
	g2.Event(r).RF, g2.Event(r).Val = a, g2.Event(a).Val
	g2.Event(r).Stamp = g2.nextStamp
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
		for n > 0 && !keep[t].Has(n-1) {
			n--
		}
		mapping := make([]int32, len(evs))
		out := make([]Event, 0, n)
		for i := 0; i < len(evs); i++ {
			switch {
			case i >= n:
				mapping[i] = -1
			case keep[t].Has(i):
				mapping[i] = int32(len(out))
				out = append(out, evs[i])
			default:
				mapping[i] = -1
				if len(out) == 0 || !isHole(&out[len(out)-1]) {
					out = append(out, Event{Kind: KindMarker, Marker: holeTag, PC: evs[i].PC, Stamp: -1})
				}
			}
		}
		g2.Threads[t].Events = out
		renumber(g2, t, func(i int32) int32 { return mapping[i] }, 0)
		if int(a.Thread) == t {
			a.Index = mapping[a.Index]
		}
		if int(r.Thread) == t {
			r.Index = mapping[r.Index]
		}
	}
	for t := range g2.Threads {
		if !rerun(g2, t) {
			return
		}
	}
	// A hole that closed renumbered its thread: find a again through r's reads-from.
	a = g2.Event(byStamp(g2, rd.Stamp)).RF
	wa := g2.Event(a)
	lo, hi := revisitFloor(g2, a, byStamp(g2, rd.Stamp), wa.Loc)+1, len(g2.Co[wa.Loc])
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

// revisitFloor is the lowest coherence position a may take once r reads it: after
// every write that the events before a in its thread, and those before r in its
// thread, wrote or read, since every model keeps per-location coherence. a, and r
// when it is one of those events (it then reads a po-later write: the model refuses
// that), are left out.
func revisitFloor(g *ExecutionGraph, a, r EventRef, l LocID) int {
	floor := -1
	for _, e := range [2]EventRef{a, r} {
		evs := g.Threads[e.Thread].Events
		for i := int32(0); i < e.Index; i++ {
			x := &evs[i]
			if x.Loc != l || x.Kind != KindRead && x.Kind != KindWrite {
				continue
			}
			w := EventRef{e.Thread, i}
			if x.Kind == KindRead {
				w = x.RF
			}
			if w == a {
				continue
			}
			if c := g.CoIndex(w); c > floor {
				floor = c
			}
		}
	}
	return floor
}

// key names a partial graph and the relative order in which its events were added:
// an encoding, with lengths, of each thread's events (a hole, or the instruction,
// value, rank of its stamp, occurrence and, for a read, the write it reads) and of
// each location's coherence order. It is built in h.buf; the map lookup with
// string(h.buf) does not copy it, only a new key stored does.
func (h *hmc) key(g *ExecutionGraph) []byte {
	stamps := h.stamps[:0]
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; !isHole(e) {
				stamps = append(stamps, e.Stamp)
			}
		}
	}
	slices.Sort(stamps)
	h.stamps = stamps
	b := varint.AppendUvarint(h.buf[:0], uint64(len(g.Threads)))
	for t := range g.Threads {
		evs := g.Threads[t].Events
		b = varint.AppendUvarint(b, uint64(len(evs)))
		for i := range evs {
			e := &evs[i]
			switch {
			case isHole(e):
				b = append(b, 0)
				continue
			case e.Kind == KindRead:
				b = append(b, 2|revisitableBit(e))
				b = varint.AppendVarint(b, int64(e.RF.Thread))
				b = varint.AppendVarint(b, int64(e.RF.Index))
			default:
				b = append(b, 1|revisitableBit(e))
			}
			if !e.Revisitable {
				// The revisit that marked it: the writes that depend on its read
				// may still revisit or delete it (markLifted).
				mr, found := slices.BinarySearch(stamps, e.markedAt)
				if !found {
					mr = -1
				}
				b = varint.AppendVarint(b, int64(mr))
			}
			rank, _ := slices.BinarySearch(stamps, e.Stamp)
			b = varint.AppendVarint(b, int64(e.PC))
			b = varint.AppendVarint(b, int64(e.Val))
			b = varint.AppendUvarint(b, uint64(rank))
			b = varint.AppendVarint(b, int64(e.occ))
		}
	}
	for l, co := range g.Co {
		if len(co) > 0 {
			b = varint.AppendUvarint(b, uint64(l))
			b = varint.AppendUvarint(b, uint64(len(co)))
			for _, w := range co {
				b = varint.AppendVarint(b, int64(w.Thread))
				b = varint.AppendVarint(b, int64(w.Index))
			}
		}
	}
	h.buf = b
	return b
}
