package barriers

import (
	"math/bits"

	"github.com/steercheck/steercheck/model"
)

// armv8_incremental.go is ARMv8's incremental check (incremental.go): internal and
// external checked for the cycles through the added event only.
//
// The mirror keeps ob's local part: dob ∪ aob ∪ bob, over memory events, with the
// terms that go through an internal rf or co edge. Adding a node e changes none of its
// edges between earlier nodes: every term is a step of program order, a dependency or
// rmw (all into e), or ends with an internal rf or co step, which could only pass
// through e if e had a reader (it has none) or were coherence-before an earlier write of
// its own thread (an internal violation, checked first). So only e's column is added,
// and the external edges (rfe, coe, fre) are read from the mirror's base relations.

// ConsistentWith implements model.IncrementalConsistency.
func (m *ARMv8) ConsistentWith(g *model.ExecutionGraph, added model.EventRef) bool {
	return m.orderChecks().consistentWith(g, added, func() bool { return m.Violation(g) == "" })
}

func (m *ARMv8) orderChecks() *orderChecks {
	if m.checks.extend == nil {
		m.checks = orderChecks{name: "armv8", lim: m, deps: hwDeps, extend: armv8Local}
	}
	return &m.checks
}

// armv8Local adds node j's column of ob's local part (see ARMv8.ob and localOrder).
func armv8Local(mi *orderMirror, g *model.ExecutionGraph, j int) {
	c := mi.class[j]
	if c&(cRead|cWrite) == 0 {
		return
	}
	r := mi.ref[j]
	t := int(r.Thread)
	nodes := mi.nodes[t]
	evs := g.Threads[t].Events
	isW := c&cWrite != 0
	acquire := func(c evClass) bool { return c&cAcquire != 0 || c&(cRead|cMb) == cRead|cMb }
	release := func(c evClass) bool { return c&cRelease != 0 || c&(cWrite|cMb) == cWrite|cMb }
	d := &mi.deps[j]
	var col model.DepSet // sources, as indices in the thread
	col.Union(d.addr)
	col.Union(d.data)
	if isW {
		col.Union(d.ctrl)
	}
	var addrLater model.DepSet // addr sources of the events between the one at hand and j
	full, rmb, wmb, mbW := false, false, false, false
	for i := int(r.Index) - 1; i >= 0; i-- {
		u := int(nodes[i])
		cu := mi.class[u]
		if cu&cFence != 0 {
			switch evs[i].Fence {
			case model.FenceMb, model.FenceBeforeAtomic, model.FenceAfterAtomic, model.FenceAfterSpinlock:
				full = true
			case model.FenceRmb:
				rmb = true
			case model.FenceWmb:
				wmb = true
			}
			continue
		}
		if cu&(cRead|cWrite) == 0 {
			continue
		}
		mbW = mbW || cu&(cWrite|cMb) == cWrite|cMb
		switch {
		case isW && addrLater.Has(i), // addr ; po ; [W]
			i == int(r.Index)-1 && c&cRMWWrite != 0, // rmw
			full, mbW,
			release(cu) && acquire(c),
			cu&cRead != 0 && rmb,
			acquire(cu),
			cu&cWrite != 0 && isW && wmb,
			release(c):
			col.Add(i)
		}
		addrLater.Union(mi.deps[u].addr)
	}
	// The terms through an internal rf or co edge into j.
	if isW {
		for _, v := range nodes[:r.Index] {
			if mi.class[v]&cWrite == 0 || !mi.has(&mi.co_, int(v), j) {
				continue
			}
			col.Union(mi.deps[v].ctrl) // (ctrl ∪ data) ; coi
			col.Union(mi.deps[v].data)
			if release(mi.class[v]) { // po ; [L] ; coi
				vi := mi.ref[v].Index
				for i := int32(0); i < vi; i++ {
					if mi.class[nodes[i]]&(cRead|cWrite) != 0 {
						col.Add(int(i))
					}
				}
			}
		}
	} else if v := int(mi.rfOf[j]); v >= mi.nIW && int(mi.ref[v].Thread) == t {
		col.Union(mi.deps[v].addr) // (addr ∪ data) ; rfi
		col.Union(mi.deps[v].data)
		if acquire(c) && mi.class[v]&cRMWWrite != 0 { // [range(rmw)] ; rfi ; [A]
			col.Add(int(mi.ref[v].Index))
		}
	}
	for k, x := range col {
		for x != 0 {
			i := k<<6 | bits.TrailingZeros64(x)
			x &= x - 1
			mi.addEdge(&mi.local, int(nodes[i]), j)
		}
	}
}
