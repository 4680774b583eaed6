package model

import (
	"sort"
	"time"
)

// porfcycle.go decides, before any candidate is built, which thread paths can take part
// in a po ∪ rf cycle that a memory model allows, so that the second phase of Explore
// enumerates only combinations that might yield one, and nothing at all when none can.
//
// The argument. Take a consistent graph whose po ∪ rf has a cycle. Merge consecutive
// po edges, and internal rf edges too (a coherent read reads an earlier write of its own
// thread, so rfi goes forward in po): what is left alternates external reads-from edges
// W →rfe R and program-order segments R →po W′ inside one thread, each from a read that
// reads another thread's write to a write that another thread reads. A model
// implementing LocalOrder names a relation L, computed from one thread's events alone
// (program order, dependencies, annotations, fences: never rf or co), such that every
// consistent graph has no cycle in L⁺ ∪ rfe on the events L relates. If every such
// segment is in L⁺, the cycle is one of L⁺ ∪ rfe, so the graph is not consistent.
// Hence a consistent po ∪ rf cycle needs, in at least one thread, a path with a read
// and a later write that L does not order — an open pair — where the read's location is
// written by another thread and the write's is read by another. A path with no open
// pair is closed; a combination of closed paths is skipped, and when every path is
// closed the phase has nothing to enumerate.
//
// A model whose local order relates marked accesses only, but whose locks order the
// plain accesses they guard (PlainOrderedByLocks), closes more pairs: lockguard.go.
//
// A model whose forbidden cycles take external coherence as well (CoherenceOrdered:
// armv8, whose ob holds coe beside rfe) closes every pair whose read and write access
// one location, whatever its local order says of them. Take such a segment R →po W′ of
// a cycle, on location x, entered through W →rfe R. Per-location coherence puts W
// before W′ in co (W′ →co W would make W′ →co W →rf R →po W′ a coherence cycle), and W
// is another thread's, so W →coe W′: the edge W →rfe R and the segment are replaced by
// that one coe edge. Replace every such segment of a cycle (a run of them becomes a run
// of coe edges on x); if each of the others is in L⁺, or closed by a lock
// (lockguard.go: the rf edges on x are then not lock-replaced, or the segment would
// already be closed by the entry lock's acquire, so W and W′ are the edges' own ends),
// what is left is a cycle of the model's forbidden relation. So a consistent cycle
// still passes through a pair that is open by the rest of the analysis and whose read
// and write, in the path at hand, access different locations; the pairs of one
// instruction pair are open when some path has them on two locations. In vq
// (bench/vq.go), the completer's relaxed atomic_dec(&reqs) pairs were armv8's only
// open pairs, and the second phase built 19,608·k graphs that resolved to nothing.
//
// Thread paths are every sequence of events a thread produces when each read returns
// any value its location may hold, a superset of the paths in consistent graphs, so the
// argument covers every graph the phase would visit. The analysis looks at one path per
// shape (shapes.go): paths that differ only in values have the same open pairs.

// LocalOrder is implemented by memory models that allow po ∪ rf cycles (PorfCyclic)
// and can show most of them inconsistent from each thread's events alone.
type LocalOrder interface {
	// UnorderedReadWrites lists the pairs (i, j), i < j, of thread t's events in g
	// (the other threads may be empty) where event i is a read, event j a write, and the
	// model's local order does not relate i to j, directly or through other events of
	// the thread. The local order must be computed from program order, dependencies,
	// annotations and fences only, and every consistent graph must have an acyclic
	// union of it with rfe (restricted to the events it relates).
	UnorderedReadWrites(g *ExecutionGraph, t int) [][2]int32
}

// LocalOrderAll is implemented by a LocalOrder that can list the pairs of every thread
// at once, for the cost of one: UnorderedReadWritesAll(g)[t] is
// UnorderedReadWrites(g, t).
type LocalOrderAll interface {
	UnorderedReadWritesAll(g *ExecutionGraph) [][][2]int32
}

// CoherenceOrdered is implemented by a LocalOrder for a model in which coherence is
// per-location sequentially consistent (po-loc ∪ co ∪ rf ∪ fr acyclic) and the relation
// whose acyclicity forbids the cycles of the local order and rfe holds coe too: every
// consistent graph has an acyclic L⁺ ∪ rfe ∪ coe (on the events L relates). Then a
// read and a later write of the same location are never an open pair (see the file
// comment).
type CoherenceOrdered interface {
	LocalOrder
	OrdersExternalCoherence() bool
}

// OpenPair is a read and a later write of one thread that a model's local order may
// leave unordered, and that other threads may write and read: instructions of Thread by
// their index in Program.Threads[Thread].Code.
type OpenPair struct {
	Thread          int
	ReadPC, WritePC int32
}

// OpenPairs lists, in thread and instruction order, every open pair of p under m (see
// the file comment): an empty list proves that m allows no po ∪ rf cycle in p. The
// enumeration stops at the options' budgets; the Result says whether it was complete.
func OpenPairs(p *Program, m LocalOrder, opts Options) ([]OpenPair, Result) {
	out, _, res := openPairs(p, m, opts)
	return out, res
}

// openPairs is OpenPairs, and also returns the enumeration it used: a value domain of
// each location (candidates.cheapDomains) and a path of each thread shape
// (candidates.traces, shapes.go).
func openPairs(p *Program, m LocalOrder, opts Options) ([]OpenPair, *candidates, Result) {
	c := &candidates{explorer: explorer{prog: p.Seal(), opts: opts, start: time.Now()}}
	if opts.Timeout > 0 {
		c.deadline = c.start.Add(opts.Timeout)
	}
	seen := map[OpenPair]bool{}
	if c.cheapDomains() && !c.stopped {
		c.traces = make([][]threadTrace, len(p.Threads))
		for t := range p.Threads {
			var st ThreadState
			st.reset(p.Threads[t])
			c.enumShapes(t, &st, make([]Event, 0, 256), c.flows[t].shape) // one array for every path (enumShapes)
		}
		if !c.stopped {
			c.openTraces(m, seen)
		}
	}
	out := sortedPairs(seen)
	c.stats.Elapsed = time.Since(c.start)
	return out, c, Result{Stats: c.stats, Reason: c.reason, steps: c.steps}
}

// sortedPairs lists seen in thread and instruction order.
func sortedPairs(seen map[OpenPair]bool) []OpenPair {
	out := make([]OpenPair, 0, len(seen))
	for op := range seen {
		out = append(out, op)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Thread != b.Thread {
			return a.Thread < b.Thread
		}
		if a.ReadPC != b.ReadPC {
			return a.ReadPC < b.ReadPC
		}
		return a.WritePC < b.WritePC
	})
	return out
}

// openWrite is an open pair and a location its write writes where the pair is open.
type openWrite struct {
	pair OpenPair
	loc  LocID
}

// openTraces marks each thread path that has an open pair (see above), and adds every
// open pair to seen when it is not nil. It reports false when no path has one: then no
// consistent graph has a po ∪ rf cycle.
func (c *candidates) openTraces(lo LocalOrder, seen map[OpenPair]bool) bool {
	p := c.prog
	plainOrdered, lockOrdered := false, false
	if pl, ok := lo.(PlainOrderedByLocks); ok {
		plainOrdered = pl.PlainOrderedByLocks()
	}
	if lk, ok := lo.(LockOrdered); ok {
		lockOrdered = lk.LocksOrderCriticalSections()
	}
	coOrdered := false
	if co, ok := lo.(CoherenceOrdered); ok {
		coOrdered = co.OrdersExternalCoherence()
	}
	acc := summarizeAccesses(p, c.traces, lockOrdered, plainOrdered)
	g := NewGraph(p)
	c.open = make([][]bool, len(c.traces))
	c.openWrites = c.openWrites[:0]
	written := map[openWrite]bool{}
	any := false
	for t, trs := range c.traces {
		c.open[t] = make([]bool, len(trs))
		for i := range trs {
			if c.stop() {
				return true
			}
			evs := append(g.Threads[t].Events[:0], trs[i].events...)
			for k := range evs {
				if evs[k].Kind == KindRead {
					evs[k].RF = InitRef(evs[k].Loc)
				}
			}
			g.Threads[t].Events = evs
			for _, pr := range lo.UnorderedReadWrites(g, t) {
				r, w := &evs[pr[0]], &evs[pr[1]]
				if coOrdered && r.Loc == w.Loc {
					continue // closed by coherence (see the file comment)
				}
				if acc.open(t, r, w) {
					c.open[t][i] = true
					any = true
					if seen == nil {
						break
					}
					op := OpenPair{t, r.PC, w.PC}
					seen[op] = true
					if ow := (openWrite{op, w.Loc}); !written[ow] {
						written[ow] = true
						c.openWrites = append(c.openWrites, ow)
					}
				}
			}
		}
		g.Threads[t].Events = g.Threads[t].Events[:0]
	}
	return any
}
