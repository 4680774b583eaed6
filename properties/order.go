package properties

import "github.com/steercheck/steercheck/model"

// Relation names the order "before" is judged on.
type Relation uint8

// Relations, strongest first.
const (
	RelSC   Relation = iota // po ∪ rf ∪ co ∪ fr: the interleavings of an SC execution
	RelPoRf                 // (po ∪ rf)+: when the execution is not SC (weak models)
	RelPo                   // po alone: when even po ∪ rf is cyclic (load buffering)
)

func (r Relation) String() string {
	return [...]string{"po∪rf∪co∪fr", "(po∪rf)+", "po"}[r]
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

func grow32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
