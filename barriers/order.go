package barriers

import "github.com/steercheck/steercheck/model"

// order.go exports the global order a model requires to be acyclic, for the
// properties that ask whether an event "came before" another one (package properties:
// P1 fifo-per-target and P2 one-queue).

// Ordered is implemented by the models that have one global order on events: the
// relation whose acyclicity is the model's main axiom and whose linearizations are the
// orders in which the execution's events may be taken to have happened.
//
//	sc          po ∪ rf ∪ co ∪ fr
//	tso         ppo ∪ mfence ∪ implied ∪ rfe ∪ co ∪ fr (x86tso.cat's global happens-before)
//	armv8       ob = (obs ∪ dob ∪ aob ∪ bob)⁺ over memory events (aarch64.cat's external)
//	lkmm(-alpha) hb ∪ pb when acyclic, else hb (see LKMM.Order)
//
// The order never relates markers or fence events (no model here orders them), nor
// initial writes (which nothing precedes, so no path goes through one).
type Ordered interface {
	Model
	// Order fills o with the transitive closure of the model's global order on g's
	// events and reports whether it is acyclic (false: g is not consistent under the
	// model, and o must not be used).
	Order(g *model.ExecutionGraph, o *GlobalOrder) bool
}

// GlobalOrder is the transitive closure of a model's global order over the events of
// one execution graph, as a bit matrix. Events are numbered densely: thread t's event
// i is Off[t]+i. Its buffers are reused from graph to graph.
type GlobalOrder struct {
	// Name names the relation, for messages ("tso ppo∪mfence∪implied∪rfe∪co∪fr").
	Name  string
	N     int      // number of events
	Words int      // words per row
	Off   []int    // dense number of each thread's first event
	Rows  []uint64 // N rows of Words words: row a has bit b when a is before b
}

// ID is the dense number of a graph event.
func (o *GlobalOrder) ID(r model.EventRef) int { return o.Off[r.Thread] + int(r.Index) }

// Row is the successors of dense event v.
func (o *GlobalOrder) Row(v int) []uint64 { return o.Rows[v*o.Words : (v+1)*o.Words] }

// Before reports whether a is before b in the order (a path of the relation leads from
// a to b).
func (o *GlobalOrder) Before(a, b model.EventRef) bool {
	ib := o.ID(b)
	return o.Rows[o.ID(a)*o.Words+ib>>6]&(1<<(uint(ib)&63)) != 0
}

// fill sets o to the transitive closure of r, an acyclic-or-not relation over x's
// nodes, projected on the graph's events (initial writes dropped); it reports whether
// r is acyclic.
func (x *execution) fillOrder(name string, r *rel, o *GlobalOrder) bool {
	a := &x.a
	c := a.plus(r)
	if !c.irreflexive() {
		return false
	}
	o.Name = name
	o.N = x.n - x.nIW
	o.Words = (o.N + 63) >> 6
	o.Off = o.Off[:0]
	for _, off := range x.off {
		o.Off = append(o.Off, off-x.nIW)
	}
	need := o.N * o.Words
	if cap(o.Rows) < need {
		o.Rows = make([]uint64, need)
	}
	o.Rows = o.Rows[:need]
	clear(o.Rows)
	for v := x.nIW; v < x.n; v++ {
		dst := o.Row(v - x.nIW)
		forEach(c.row(v), func(u int) {
			if u >= x.nIW {
				u -= x.nIW
				dst[u>>6] |= 1 << (uint(u) & 63)
			}
		})
	}
	return true
}

// Order implements Ordered: po ∪ rf ∪ co ∪ fr.
func (s *SC) Order(g *model.ExecutionGraph, o *GlobalOrder) bool {
	x := &s.x
	x.build(g, noDeps)
	a := &x.a
	return x.fillOrder("sc po∪rf∪co∪fr", a.union(x.po, x.rf, x.co, x.fr), o)
}

// Order implements Ordered: the relation of the tso axiom, x86-TSO's global
// happens-before (see TSO).
func (m *TSO) Order(g *model.ExecutionGraph, o *GlobalOrder) bool {
	x := &m.x
	x.build(g, noDeps)
	return x.fillOrder("tso ppo∪mfence∪implied∪rfe∪co∪fr", m.ghb(), o)
}

// Order implements Ordered: ob, the relation of the external axiom (see ARMv8).
func (m *ARMv8) Order(g *model.ExecutionGraph, o *GlobalOrder) bool {
	x := &m.x
	x.build(g, hwDeps)
	return x.fillOrder("armv8 ob", m.ob(), o)
}

// Order implements Ordered. LKMM has no single global order; the order used is the
// one its operational reading calls "executes before" (tools/memory-model/Documentation/
// explanation.txt, "THE HAPPENS-BEFORE RELATION: hb" and "THE PROPAGATES-BEFORE
// RELATION: pb"): X ->hb Y means X must execute before Y (hb is rfe plus what fences
// and dependencies force inside a CPU), and X ->pb Y means X has propagated to every
// CPU before Y executes, so X executes before Y too. "A returned before B began" is a statement about execution, which is why hb
// and pb, not prop or plain po, are the relations to judge it on. The model requires
// acyclic(hb) and acyclic(pb) separately, not of their union, so hb ∪ pb is used when
// it is acyclic and hb alone otherwise; the name says which. rb (rcu) is left out: it
// needs a grace period (synchronize_rcu), which the steering variants do not use.
// Both relations are restricted to Marked accesses: plain accesses are in no order.
func (m *LKMM) Order(g *model.ExecutionGraph, o *GlobalOrder) bool {
	_, r, hbAcyclic := m.analyze(g)
	return hbAcyclic && m.fillOrder(&r, o)
}

// fillOrder fills o with hb ∪ pb, or hb alone when their union has a cycle, of the
// graph analyze built.
func (m *LKMM) fillOrder(r *lkmmRels, o *GlobalOrder) bool {
	x := &m.x
	a := &x.a
	name := m.Name()
	if a.acyclic(a.union(r.hb, r.pb)) {
		return x.fillOrder(name+" hb∪pb", a.union(r.hb, r.pb), o)
	}
	return x.fillOrder(name+" hb", r.hb, o)
}

var (
	_ Ordered = (*SC)(nil)
	_ Ordered = (*TSO)(nil)
	_ Ordered = (*ARMv8)(nil)
	_ Ordered = (*LKMM)(nil)
)
