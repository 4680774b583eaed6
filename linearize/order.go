package linearize

import "github.com/steercheck/steercheck/model"

// Relation names the order the logical time was taken from.
type Relation uint8

// Relations, strongest first.
const (
	RelSC   Relation = iota // po ∪ rf ∪ co ∪ fr
	RelPoRf                 // po ∪ rf: the execution is not sequentially consistent
	RelPo                   // program order only: even po ∪ rf is cyclic
)

func (r Relation) String() string {
	return [...]string{"po∪rf∪co∪fr", "po∪rf", "po"}[r]
}

// Order lists every event of g once, in an order the execution allows, and says
// which relation it respects: a topological order of po ∪ rf ∪ co ∪ fr, or of po ∪ rf
// when that is cyclic, or program order thread by thread as a last resort. Ties go to
// the lowest-numbered thread, so the order is deterministic; traces.Render draws its
// rows in this order.
func Order(g *model.ExecutionGraph) ([]model.EventRef, Relation) {
	return OrderWith(g, nil)
}

// OrderWith is Order with extra edges (from, to) added to the relation; it returns a
// nil order when the extra edges close a cycle in the strongest acyclic relation.
func OrderWith(g *model.ExecutionGraph, extra [][2]model.EventRef) ([]model.EventRef, Relation) {
	if o, ok := topoOrder(g, true, nil); ok {
		if extra == nil {
			return o, RelSC
		}
		o, _ := topoOrder(g, true, extra)
		return o, RelSC
	}
	if o, ok := topoOrder(g, false, extra); ok {
		return o, RelPoRf
	}
	if _, ok := topoOrder(g, false, nil); ok {
		return nil, RelPoRf
	}
	var out []model.EventRef
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			out = append(out, model.EventRef{Thread: int32(t), Index: int32(i)})
		}
	}
	if extra != nil {
		return nil, RelPo
	}
	return out, RelPo
}

// topoOrder runs Kahn's algorithm over po ∪ rf, plus co ∪ fr when full is set, plus
// the extra edges; ok is false when the relation is cyclic. At each step it takes the
// next event of the lowest-numbered thread whose predecessors are all placed.
func topoOrder(g *model.ExecutionGraph, full bool, extra [][2]model.EventRef) ([]model.EventRef, bool) {
	ids := newEventIDs(g)
	rel := RelPoRf
	if full {
		rel = RelSC
	}
	// Program order is left out of the edges: each thread's cursor keeps it.
	succ := newSuccessors(ids, relationEdges(g, ids, rel, false, extra))
	pending := make([]int32, ids.n) // predecessors not yet placed, edge by edge
	for _, v := range succ.to {
		pending[v]++
	}
	next := make([]int32, len(g.Threads))
	out := make([]model.EventRef, 0, ids.n)
	for int32(len(out)) < ids.n {
		progressed := false
		for t := range g.Threads {
			if int(next[t]) >= len(g.Threads[t].Events) {
				continue
			}
			v := ids.off[t] + next[t]
			if pending[v] != 0 {
				continue
			}
			out = append(out, model.EventRef{Thread: int32(t), Index: next[t]})
			next[t]++
			for _, s := range succ.of(v) {
				pending[s]--
			}
			progressed = true
			break
		}
		if !progressed {
			return nil, false
		}
	}
	return out, true
}

// eventIDs numbers g's events 0..n-1, thread by thread, so that relations over them
// are slices: building maps keyed by event was most of the time P1's check took.
type eventIDs struct {
	off []int32 // the number of thread t's first event
	n   int32
}

func newEventIDs(g *model.ExecutionGraph) eventIDs {
	x := eventIDs{off: make([]int32, len(g.Threads))}
	for t := range g.Threads {
		x.off[t] = x.n
		x.n += int32(len(g.Threads[t].Events))
	}
	return x
}

func (x eventIDs) id(r model.EventRef) int32 { return x.off[r.Thread] + r.Index }

// relationEdges lists the edges of rel over g's events (rf for RelPoRf; rf, fr and co
// for RelSC; none for RelPo), program order's too when withPo is set, and the extra
// edges. Edges from an initial write, and from an event to itself, are left out.
func relationEdges(g *model.ExecutionGraph, ids eventIDs, rel Relation, withPo bool, extra [][2]model.EventRef) [][2]int32 {
	edges := make([][2]int32, 0, 2*ids.n)
	edge := func(from, to model.EventRef) {
		if from.Thread >= 0 && from != to {
			edges = append(edges, [2]int32{ids.id(from), ids.id(to)})
		}
	}
	for _, e := range extra {
		edge(e[0], e[1])
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			if withPo && i > 0 {
				edge(model.EventRef{Thread: int32(t), Index: int32(i - 1)}, r)
			}
			e := &g.Threads[t].Events[i]
			if e.Kind != model.KindRead || rel == RelPo {
				continue
			}
			edge(e.RF, r)
			if rel == RelSC {
				// fr: the read comes before the write that follows the one it read.
				if next := g.CoIndex(e.RF) + 1; next < len(g.Co[e.Loc]) {
					edge(r, g.Co[e.Loc][next])
				}
			}
		}
	}
	if rel == RelSC {
		for _, co := range g.Co {
			for i := 1; i < len(co); i++ {
				edge(co[i-1], co[i])
			}
		}
	}
	return edges
}

// successors is a relation in compressed rows: the successors of event v are
// to[start[v]:start[v+1]], in the order their edges were listed.
type successors struct {
	start []int32
	to    []int32
}

func newSuccessors(ids eventIDs, edges [][2]int32) successors {
	s := successors{start: make([]int32, ids.n+1), to: make([]int32, len(edges))}
	for _, e := range edges {
		s.start[e[0]+1]++
	}
	for v := int32(0); v < ids.n; v++ {
		s.start[v+1] += s.start[v]
	}
	fill := make([]int32, ids.n)
	copy(fill, s.start[:ids.n])
	for _, e := range edges {
		s.to[fill[e[0]]] = e[1]
		fill[e[0]]++
	}
	return s
}

func (s successors) of(v int32) []int32 { return s.to[s.start[v]:s.start[v+1]] }

// reach answers reachability questions over the relation Order used (po ∪ rf, plus
// co ∪ fr for RelSC) by depth-first search. It knows the time of each event in that
// order, a topological order of the same relation: no path leads from an event to an
// earlier one, so the search never enters an event later than its goal.
type reach struct {
	ids   eventIDs
	succ  successors
	time  Times
	seen  []bool
	stack []int32
}

// newReach is reach over rel, whose topological order gave the times t.
func newReach(g *model.ExecutionGraph, rel Relation, t Times) *reach {
	ids := t.ids
	return &reach{ids: ids, succ: newSuccessors(ids, relationEdges(g, ids, rel, true, nil)), time: t, seen: make([]bool, ids.n)}
}

// path reports whether b is reachable from a (a == b counts).
func (x *reach) path(a, b model.EventRef) bool {
	target := x.ids.id(b)
	limit := x.time.at[target]
	if x.time.at[x.ids.id(a)] > limit {
		return false
	}
	for i := range x.seen {
		x.seen[i] = false
	}
	x.stack = append(x.stack[:0], x.ids.id(a))
	for len(x.stack) > 0 {
		v := x.stack[len(x.stack)-1]
		x.stack = x.stack[:len(x.stack)-1]
		if v == target {
			return true
		}
		if x.seen[v] {
			continue
		}
		x.seen[v] = true
		for _, s := range x.succ.of(v) {
			if x.time.at[s] <= limit {
				x.stack = append(x.stack, s)
			}
		}
	}
	return false
}

// canAdd reports whether the edges u1→v1 and u2→v2 can both be added to the
// (acyclic) relation without closing a cycle.
func (x *reach) canAdd(u1, v1, u2, v2 model.EventRef) bool {
	return !x.path(v1, u1) && !x.path(v2, u2) && !(x.path(v1, u2) && x.path(v2, u1))
}
