package barriers

import "github.com/steercheck/steercheck/model"

func init() {
	register("sc", "sequential consistency: acyclic(po ∪ rf ∪ co ∪ fr)", func() Model { return &SC{} })
}

// SC is sequential consistency (Lamport 1979) in its axiomatic form: an execution is
// allowed when program order, reads-from, coherence order and from-reads together
// have no cycle. Fences and annotations add nothing: everything is already ordered.
//
// The check builds the immediate edges (po to the next event, co to the next write,
// rf, fr to the write after the one read) and looks for a cycle; transitivity does the
// rest. It reuses its buffers, so it allocates nothing once warm.
type SC struct {
	g graphIndex
	x execution // for Order only
}

// Name implements Model.
func (*SC) Name() string { return "sc" }

// Doc implements Model.
func (*SC) Doc() string { return registry["sc"].doc }

// PorfCoherent tells the explorer that under SC no read reads from (and no write is
// placed before) a write older than what its po∪rf prefix has seen.
func (*SC) PorfCoherent() bool { return true }

// ConsistentWith implements model.IncrementalConsistency: the graph was consistent
// before the event added was put at the end of its thread, so a new cycle must leave
// that event. It has no way out when it is a write placed last in coherence order or a
// read of the coherence-latest write (or a fence or marker): then nothing can cycle.
func (s *SC) ConsistentWith(g *model.ExecutionGraph, added model.EventRef) bool {
	e := g.Event(added)
	co := g.Co[e.Loc]
	switch e.Kind {
	case model.KindWrite:
		if co[len(co)-1] == added {
			return true
		}
	case model.KindRead:
		if g.CoMax(e.Loc) == e.RF {
			return true
		}
	default:
		return true
	}
	return s.Consistent(g)
}

// Consistent implements Model.
func (s *SC) Consistent(g *model.ExecutionGraph) bool {
	x := &s.g
	x.build(g)
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			v := x.off[t] + int32(i)
			if i+1 < len(evs) {
				x.edge(v, v+1)
			}
			e := &evs[i]
			if e.Kind != model.KindRead {
				continue
			}
			next := int32(0)
			if !e.RF.IsInit() {
				w := x.id(e.RF)
				x.edge(w, v)
				next = x.coPos[w] + 1
			}
			if co := g.Co[e.Loc]; int(next) < len(co) {
				x.edge(v, x.id(co[next]))
			}
		}
	}
	for _, co := range g.Co {
		for i := 1; i < len(co); i++ {
			x.edge(x.id(co[i-1]), x.id(co[i]))
		}
	}
	return x.acyclic()
}
