package properties

import (
	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Relation names the order "before" is judged on.
type Relation uint8

// Relations, strongest first.
const (
	RelSC    Relation = iota // po ∪ rf ∪ co ∪ fr: the interleavings of an SC execution
	RelPoRf                  // (po ∪ rf)+: when the execution is not SC (weak models)
	RelPo                    // po alone: when even po ∪ rf is cyclic (load buffering)
	RelModel                 // the memory model's own global order (barriers.Ordered)
)

func (r Relation) String() string {
	return [...]string{"po∪rf∪co∪fr", "(po∪rf)+", "po", "the model's order"}[r]
}

// order is the transitive closure of a relation over the events of one graph, as one
// bitset row per event. Before answers "is there a path from a to b". It reuses its
// buffers between graphs.
type order struct {
	rel   Relation
	n     int
	words int
	off   []int32 // first dense id of each thread
	coPos []int32 // position of each write in its location's coherence order
	start []int32 // CSR adjacency
	adj   []int32
	deg   []int32 // in-degrees, then Kahn's queue
	topo  []int32
	reach []uint64 // n rows of words
	src   []int32
	dst   []int32

	// With a model that has a global order (weak models only: under sc the fast path
	// above is that order), the model's order is used instead of the fallbacks.
	model barriers.Ordered
	glob  barriers.GlobalOrder
	// racer, when set, is model judging P11 too: buildModel asks it for the order and
	// the data races at once (they share happens-before), and keeps the races for
	// dataRaceFree in races, with racesOf naming the graph they are of.
	racer   orderRaceFinder
	races   []barriers.Race
	racesOf *model.ExecutionGraph
	mem     []bool   // by dense id: a memory access (the model's order relates only these)
	post    []uint64 // n rows: the events the model's order puts at or after each event
	acc     []uint64 // buildModel scratch
}

func (o *order) id(r model.EventRef) int32 { return o.off[r.Thread] + r.Index }

// build computes the closure of the strongest acyclic relation of g.
func (o *order) build(g *model.ExecutionGraph) {
	o.off = o.off[:0]
	n := int32(0)
	for t := range g.Threads {
		o.off = append(o.off, n)
		n += int32(len(g.Threads[t].Events))
	}
	o.n = int(n)
	o.words = (o.n + 63) / 64
	o.coPos = grow32(o.coPos, o.n)
	for _, co := range g.Co {
		for i, w := range co {
			o.coPos[o.id(w)] = int32(i)
		}
	}
	if o.model != nil && o.buildModel(g) {
		return
	}
	for rel := RelSC; ; rel++ {
		o.rel = rel
		o.edges(g, rel)
		if o.sort() || rel == RelPo {
			break
		}
	}
	o.close()
}

func (o *order) edges(g *model.ExecutionGraph, rel Relation) {
	o.src, o.dst = o.src[:0], o.dst[:0]
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			v := o.off[t] + int32(i)
			if i+1 < len(evs) {
				o.edge(v, v+1)
			}
			e := &evs[i]
			if e.Kind != model.KindRead || rel == RelPo {
				continue
			}
			next := int32(0)
			if !e.RF.IsInit() {
				w := o.id(e.RF)
				o.edge(w, v)
				next = o.coPos[w] + 1
			}
			if rel == RelSC {
				if co := g.Co[e.Loc]; int(next) < len(co) {
					o.edge(v, o.id(co[next]))
				}
			}
		}
	}
	if rel == RelSC {
		for _, co := range g.Co {
			for i := 1; i < len(co); i++ {
				o.edge(o.id(co[i-1]), o.id(co[i]))
			}
		}
	}
}

func (o *order) edge(a, b int32) {
	if a == b {
		return
	}
	o.src = append(o.src, a)
	o.dst = append(o.dst, b)
}

// sort builds the adjacency and a topological order; false when there is a cycle.
func (o *order) sort() bool {
	n := o.n
	o.start = grow32(o.start, n+1)
	o.deg = grow32(o.deg, n)
	clear(o.start)
	clear(o.deg)
	for i, a := range o.src {
		o.start[a+1]++
		o.deg[o.dst[i]]++
	}
	for i := 1; i <= n; i++ {
		o.start[i] += o.start[i-1]
	}
	o.adj = grow32(o.adj, len(o.src))
	cur := o.topo[:0]
	cur = append(cur, o.start[:n]...) // reuse topo as a cursor buffer
	for i, a := range o.src {
		o.adj[cur[a]] = o.dst[i]
		cur[a]++
	}
	o.topo = cur[:0]
	for v := int32(0); v < int32(n); v++ {
		if o.deg[v] == 0 {
			o.topo = append(o.topo, v)
		}
	}
	for k := 0; k < len(o.topo); k++ {
		v := o.topo[k]
		for _, u := range o.adj[o.start[v]:o.start[v+1]] {
			o.deg[u]--
			if o.deg[u] == 0 {
				o.topo = append(o.topo, u)
			}
		}
	}
	return len(o.topo) == n
}

// close fills the reach rows in reverse topological order.
func (o *order) close() {
	w := o.words
	need := o.n * w
	if cap(o.reach) < need {
		o.reach = make([]uint64, need)
	}
	o.reach = o.reach[:need]
	clear(o.reach)
	if len(o.topo) != o.n { // still cyclic (cannot happen for po): leave rows empty
		return
	}
	for k := o.n - 1; k >= 0; k-- {
		v := o.topo[k]
		row := o.reach[int(v)*w : int(v)*w+w]
		for _, u := range o.adj[o.start[v]:o.start[v+1]] {
			row[u>>6] |= 1 << (uint(u) & 63)
			urow := o.reach[int(u)*w : int(u)*w+w]
			for i := range row {
				row[i] |= urow[i]
			}
		}
	}
}

// Before reports whether a path leads from a to b (a strictly before b).
func (o *order) Before(a, b model.EventRef) bool {
	if o.rel == RelModel {
		return o.modelBefore(a, b)
	}
	ia, ib := o.id(a), o.id(b)
	return o.reach[int(ia)*o.words+int(ib>>6)]&(1<<(uint(ib)&63)) != 0
}

// beforeEq is Before or equality.
func (o *order) beforeEq(a, b model.EventRef) bool { return a == b || o.Before(a, b) }

// canOrder reports whether some linearization of the relation puts every x[i] before
// y[i]: adding the edges x[i] → y[i] leaves the relation acyclic. An edge with a
// missing end (noEv) is left out. It handles the one or two added edges the
// properties need.
func (o *order) canOrder(x1, y1, x2, y2 model.EventRef) bool {
	// A cycle through x1→y1 alone needs y1 ⇝ x1; through x2→y2 alone, y2 ⇝ x2;
	// through both, y1 ⇝ x2 and y2 ⇝ x1.
	e1, e2 := has(x1) && has(y1), has(x2) && has(y2)
	if e1 && o.beforeEq(y1, x1) {
		return false
	}
	if e2 && o.beforeEq(y2, x2) {
		return false
	}
	if e1 && e2 && o.beforeEq(y1, x2) && o.beforeEq(y2, x1) {
		return false
	}
	return true
}

// buildModel computes the order from the model's global order; false when the model
// finds g inconsistent (then the fallbacks are used).
//
// The model's order relates memory accesses only; the events the properties ask about
// are mostly markers (submit, steer, submitted, consume), which have no memory effect.
// A marker is placed by program order against its own thread's accesses and by the
// model's order against everything else: a is before b when
//
//   - a and b are of one thread, a first, and one of them is not an access; or
//   - some access x at or po-after a (x = a for an access) is at or before, in the
//     model's order, some access y at or po-before b (y = b for an access).
//
// So a marker never lends its thread's program order to the accesses around it: a
// store and a load that x86 may reorder stay unordered though a marker sits between
// them. (Treating markers as events ordered by po with their neighbours would make each
// marker a full fence.) Two accesses are ordered exactly when the model orders them.
//
// The relation is not transitive through a marker (x before m before y does not make x
// before y), so it need not have a linearization, and porcupine's form of P1, which
// needs one, is not run on it (Check). canOrder only asks for paths between the ends
// of the edges it adds, never through a third marker, so on this relation it reads:
// no chain of the model's order, entered after one marker and left before another,
// contradicts the edges.
func (o *order) buildModel(g *model.ExecutionGraph) bool {
	var ok bool
	if o.racer != nil {
		ok, o.races = o.racer.OrderAndRaces(g, &o.glob)
		o.racesOf = g
	} else {
		ok = o.model.Order(g, &o.glob)
	}
	if !ok {
		return false
	}
	o.rel = RelModel
	w, gw := o.words, o.glob.Words
	if cap(o.mem) < o.n {
		o.mem = make([]bool, o.n)
	}
	o.mem = o.mem[:o.n]
	need := o.n * w
	if cap(o.post) < need {
		o.post = make([]uint64, need)
	}
	o.post = o.post[:need]
	clear(o.post)
	if cap(o.acc) < w {
		o.acc = make([]uint64, w)
	}
	acc := o.acc[:w]
	for t := range g.Threads {
		evs := g.Threads[t].Events
		clear(acc)
		for i := len(evs) - 1; i >= 0; i-- {
			v := int(o.off[t]) + i
			row := o.post[v*w : (v+1)*w]
			k := evs[i].Kind
			o.mem[v] = k == model.KindRead || k == model.KindWrite
			if o.mem[v] {
				gv := o.glob.ID(model.EventRef{Thread: int32(t), Index: int32(i)})
				copy(row, o.glob.Rows[gv*gw:(gv+1)*gw])
				row[v>>6] |= 1 << (uint(v) & 63)
				for j := range acc {
					acc[j] |= row[j]
				}
			} else {
				copy(row, acc)
			}
		}
	}
	return true
}

// modelBefore is Before on the model's order (see buildModel). It is reflexive on
// accesses; canOrder asks it only through beforeEq.
func (o *order) modelBefore(a, b model.EventRef) bool {
	ia, ib := int(o.id(a)), int(o.id(b))
	if a.Thread == b.Thread && a.Index < b.Index && (!o.mem[ia] || !o.mem[ib]) {
		return true
	}
	row := o.post[ia*o.words : (ia+1)*o.words]
	if o.mem[ib] {
		return row[ib>>6]&(1<<(uint(ib)&63)) != 0
	}
	// any access of b's thread po-before b: dense ids [off, ib)
	for v := int(o.off[b.Thread]); v < ib; v++ {
		if row[v>>6]&(1<<(uint(v)&63)) != 0 {
			return true
		}
	}
	return false
}

func grow32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
