package model

import (
	"fmt"
	"math"
)

// Symmetry reduction.
//
// Two submitters that run the same code on the same target differ only in their CPU
// number and their request's number. Swap them (and rename what their numbers name) and
// every execution becomes another execution of the same program, with the same
// verdicts. Options.Symmetry lets the explorer visit one graph of each such family and
// skip the others.
//
// Which graph stands for its family: for two threads s < t of one symmetry class, walk
// their events from the first. While the two agree (same kind; reads of one location
// from the same write; the same fence) go on. At the first event where they differ,
// if both are reads of one location or both writes to one location, the lower thread
// must come first in the model's extended coherence order there: s's read reads from a
// write no earlier in coherence order than t's read does, s's write is coherence-before
// t's. A graph in which t comes first is a "mirror image" and is skipped. Events of
// different kinds or locations, or a read whose write is not chosen yet, decide nothing:
// such a pair is never skipped.
//
// Why a graph of every family is kept: call t ⊲ s when t comes first at their first
// difference. Among three sequences two of the three first differences coincide and
// are the smallest, so ⊲ has no cycle; renaming the threads by a topological order of ⊲
// gives a member of the family with no mirrored pair. (This is the rule of GenMC's
// symmetry reduction, Kokologiannakis, Marmanis and Vafeiadis, extended to the first
// differing event whatever its kind.)
//
// Why skipping partial graphs loses no complete one: whether a pair is mirrored depends
// only on the events up to their first difference, and on the coherence order of
// writes both threads already read or wrote; adding events changes neither, and the
// explorer's revisits only delete events. The tests check it the long way: under every
// model, a reduced exploration visits exactly the graphs of the full exploration that
// are not mirror images (symmetry_external_test.go, and properties' tests for every
// steering variant and mutant).
//
// The program's author declares the classes (Program.Symmetric) and vouches that the
// threads are interchangeable: same code up to the values and locations that only name
// the thread's own work, and nothing in the program or in what is checked afterwards
// that tells those apart but by equality.

// Symmetric declares threads interchangeable (see above): Options.Symmetry may then
// visit one of the executions that differ only by a permutation of them. Threads may be
// in one class at most; a class of fewer than two threads declares nothing.
func (p *Program) Symmetric(threads ...*Thread) {
	if p.sealed {
		panic("model: program is sealed")
	}
	if len(threads) < 2 {
		return
	}
	class := make([]int, len(threads))
	for i, t := range threads {
		if t.prog != p {
			panic(fmt.Sprintf("model: thread %s is not in program %s", t.Name, p.Name))
		}
		for _, c := range p.symmetric {
			for _, u := range c {
				if u == t.ID {
					panic(fmt.Sprintf("model: thread %s is already in a symmetry class", t.Name))
				}
			}
		}
		if i > 0 && t.ID <= class[i-1] {
			panic("model: a symmetry class lists its threads in increasing order")
		}
		class[i] = t.ID
	}
	p.symmetric = append(p.symmetric, class)
}

// SymmetryClasses returns the declared classes of interchangeable threads, by thread
// ID, each in increasing order.
func (p *Program) SymmetryClasses() [][]int {
	out := make([][]int, len(p.symmetric))
	for i, c := range p.symmetric {
		out[i] = append([]int(nil), c...)
	}
	return out
}

// Mirrored reports whether g is a mirror image under p's symmetry classes: a graph
// Options.Symmetry skips, because another member of its family is visited.
func (p *Program) Mirrored(g *ExecutionGraph) bool {
	for _, c := range p.symmetric {
		for i := 0; i < len(c); i++ {
			for j := i + 1; j < len(c); j++ {
				if higherFirst(g, c[i], c[j]) {
					return true
				}
			}
		}
	}
	return false
}

// mirroredForGood reports whether g is a mirror image and every graph the explorer
// could reach from it is one too, so that its whole subtree may be skipped: some pair
// of a class is mirrored (higherFirst) at events no later step can change. The
// explorer never changes an event in place; a backward revisit deletes events added
// after the read it revisits and makes that read read from a new write. So an event
// stays as it is when no read that may still be revisited was added before it (stamp
// order), and a read is never revisited again once it is not Revisitable or was not
// added maximally (revisit.go, maximallyAdded). A read that may be revisited keeps its
// pair mirrored anyway when the other thread's read reads the initial value: no write
// comes before that in coherence order.
func (p *Program) mirroredForGood(g *ExecutionGraph) bool {
	minRev := int32(-2) // not computed yet
	for _, c := range p.symmetric {
		for i := 0; i < len(c); i++ {
			for j := i + 1; j < len(c); j++ {
				lo, hi := c[i], c[j]
				if !higherFirst(g, lo, hi) {
					continue
				}
				k, _ := firstDifference(g, lo, hi)
				if minRev == -2 {
					minRev = earliestRevisitable(g)
				}
				if settled(g, lo, hi, k, minRev) {
					return true
				}
			}
		}
	}
	return false
}

// earliestRevisitable is the smallest stamp of a read a backward revisit may still
// take (Revisitable, added maximally, its write chosen), or MaxInt32 if none.
func earliestRevisitable(g *ExecutionGraph) int32 {
	m := int32(math.MaxInt32)
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			e := &evs[i]
			if e.Kind == KindRead && e.Revisitable && e.AddedMax && !e.RF.IsSpeculated() && e.Stamp < m {
				m = e.Stamp
			}
		}
	}
	return m
}

// settled reports whether the first difference of threads lo and hi at index k, and
// their agreement before it, can no longer change (mirroredForGood).
func settled(g *ExecutionGraph, lo, hi, k int, minRev int32) bool {
	a, b := g.Threads[lo].Events, g.Threads[hi].Events
	for j := 0; j < k; j++ {
		if !stays(&a[j], minRev) || !stays(&b[j], minRev) {
			return false
		}
	}
	ea, eb := &a[k], &b[k]
	if !stays(eb, minRev) || !kept(ea, minRev) {
		return false
	}
	return ea.Kind == KindWrite || stays(ea, minRev) || eb.RF.IsInit()
}

// kept reports whether event e is never deleted (mirroredForGood): it was not added
// maximally, or it is in a revisiting write's prefix, or no read a revisit may take
// comes before it.
func kept(e *Event, minRev int32) bool {
	if !e.Revisitable || e.Stamp <= minRev {
		return true
	}
	return (e.Kind == KindRead || e.Kind == KindWrite) && !e.AddedMax
}

// stays reports whether event e is never deleted nor, for a read, revisited.
func stays(e *Event, minRev int32) bool {
	if !kept(e, minRev) {
		return false
	}
	return e.Kind != KindRead || !e.Revisitable || !e.AddedMax
}

// firstDifference is the index of the first event at which threads lo and hi differ,
// and whether it decides their order (both reads of one location from chosen writes,
// or both writes to one location).
func firstDifference(g *ExecutionGraph, lo, hi int) (int, bool) {
	a, b := g.Threads[lo].Events, g.Threads[hi].Events
	n := min(len(a), len(b))
	for k := 0; k < n; k++ {
		ea, eb := &a[k], &b[k]
		if ea.Kind != eb.Kind {
			return k, false
		}
		switch ea.Kind {
		case KindRead:
			if ea.Loc != eb.Loc || ea.RF.IsSpeculated() || eb.RF.IsSpeculated() {
				return k, false
			}
			if ea.RF != eb.RF {
				return k, true
			}
		case KindWrite:
			return k, ea.Loc == eb.Loc
		case KindFence:
			if ea.Fence != eb.Fence || ea.Loc != eb.Loc {
				return k, false
			}
		}
	}
	return n, false
}

// higherFirst reports whether thread hi comes before thread lo at their first
// difference (the rule above).
func higherFirst(g *ExecutionGraph, lo, hi int) bool {
	k, decided := firstDifference(g, lo, hi)
	if !decided {
		return false
	}
	if ea, eb := &g.Threads[lo].Events[k], &g.Threads[hi].Events[k]; ea.Kind == KindRead {
		return g.CoIndex(eb.RF) < g.CoIndex(ea.RF)
	}
	return g.CoIndex(EventRef{int32(hi), int32(k)}) < g.CoIndex(EventRef{int32(lo), int32(k)})
}
