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
// the extra edges; ok is false when the relation is cyclic.
func topoOrder(g *model.ExecutionGraph, full bool, extra [][2]model.EventRef) ([]model.EventRef, bool) {
	preds := map[model.EventRef][]model.EventRef{}
	edge := func(from, to model.EventRef) {
		if !from.IsInit() && from != to {
			preds[to] = append(preds[to], from)
		}
	}
	for _, e := range extra {
		edge(e[0], e[1])
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.Kind != model.KindRead {
				continue
			}
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			edge(e.RF, r)
			if full {
				// fr: the read comes before the write that follows the one it read.
				if next := g.CoIndex(e.RF) + 1; next < len(g.Co[e.Loc]) {
					edge(r, g.Co[e.Loc][next])
				}
			}
		}
	}
	if full {
		for _, co := range g.Co {
			for i := 1; i < len(co); i++ {
				edge(co[i-1], co[i])
			}
		}
	}
	done := map[model.EventRef]bool{}
	next := make([]int32, len(g.Threads))
	total := g.NumEvents()
	out := make([]model.EventRef, 0, total)
	for len(out) < total {
		progressed := false
		for t := range g.Threads {
			if int(next[t]) >= len(g.Threads[t].Events) {
				continue
			}
			r := model.EventRef{Thread: int32(t), Index: next[t]}
			ready := true
			for _, q := range preds[r] {
				if !done[q] {
					ready = false
					break
				}
			}
			if ready {
				done[r] = true
				out = append(out, r)
				next[t]++
				progressed = true
				break
			}
		}
		if !progressed {
			return nil, false
		}
	}
	return out, true
}

// reach answers reachability questions over the relation Order used (po ∪ rf, plus
// co ∪ fr for RelSC) by depth-first search.
type reach struct {
	off  []int32
	succ [][]int32
	seen []bool
}

func newReach(g *model.ExecutionGraph, rel Relation) *reach {
	x := &reach{}
	n := int32(0)
	for t := range g.Threads {
		x.off = append(x.off, n)
		n += int32(len(g.Threads[t].Events))
	}
	x.succ = make([][]int32, n)
	x.seen = make([]bool, n)
	edge := func(from, to model.EventRef) {
		if !from.IsInit() && from != to {
			x.succ[x.id(from)] = append(x.succ[x.id(from)], x.id(to))
		}
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			if i > 0 {
				edge(model.EventRef{Thread: int32(t), Index: int32(i - 1)}, r)
			}
			e := &g.Threads[t].Events[i]
			if e.Kind != model.KindRead || rel == RelPo {
				continue
			}
			edge(e.RF, r)
			if rel == RelSC {
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
	return x
}

func (x *reach) id(r model.EventRef) int32 { return x.off[r.Thread] + r.Index }

// path reports whether b is reachable from a (a == b counts).
func (x *reach) path(a, b model.EventRef) bool {
	for i := range x.seen {
		x.seen[i] = false
	}
	target := x.id(b)
	stack := []int32{x.id(a)}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v == target {
			return true
		}
		if x.seen[v] {
			continue
		}
		x.seen[v] = true
		stack = append(stack, x.succ[v]...)
	}
	return false
}

// canAdd reports whether the edges u1→v1 and u2→v2 can both be added to the
// (acyclic) relation without closing a cycle.
func (x *reach) canAdd(u1, v1, u2, v2 model.EventRef) bool {
	return !x.path(v1, u1) && !x.path(v2, u2) && !(x.path(v1, u2) && x.path(v2, u1))
}
