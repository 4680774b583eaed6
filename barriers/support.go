package barriers

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// support.go says which primitives each model can judge, and holds the event sets and
// checks the axiomatic models share.

// limited is implemented by models that cannot judge some barrier.
type limited interface {
	unsupportedFence(k model.FenceKind) bool
}

// Supports reports whether m can judge every primitive p uses. When it cannot, the
// error names the primitives ("unsupported by tso: synchronize_rcu"), and m must not be
// asked about p's executions: rather than mis-judge them, its Consistent panics when it
// meets such an event.
//
// The models other than lkmm (sc, tso, armv8) cannot judge synchronize_rcu or
// synchronize_srcu: a grace period is no instruction but a wait for every reader that
// started before it, which only lkmm models. They take rcu_read_lock/rcu_read_unlock as
// compiler barriers (what they are in a non-preemptible kernel), which is exact when no
// grace period is involved, and srcu_read_lock/srcu_read_unlock as the kernel's .def
// spells them, a load and a store of the srcu_struct; that is weaker than their
// implementation (a per-CPU counter and a full barrier), so it allows more, never less.
func Supports(m model.Consistency, p *model.Program) error {
	var lim limited
	switch mm := m.(type) {
	case limited:
		lim = mm
	default:
		if m.Name() == "sc" {
			lim = hardwareLimits{}
		}
	}
	if lim == nil {
		return nil
	}
	var bad []string
	seen := map[model.FenceKind]bool{}
	for _, t := range p.Threads {
		for _, in := range t.Code {
			if in.Op == model.OpFence && lim.unsupportedFence(in.Fence) && !seen[in.Fence] {
				seen[in.Fence] = true
				bad = append(bad, in.Fence.String())
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("unsupported by %s: %s", m.Name(), strings.Join(bad, ", "))
	}
	return nil
}

// hardwareLimits is what the hardware models cannot judge.
type hardwareLimits struct{}

func (hardwareLimits) unsupportedFence(k model.FenceKind) bool {
	return k == model.FenceSyncRcu || k == model.FenceSyncSrcu
}

// afterSrcuUnlock is po? ; [Srcu-unlock] ; fencerel(After-srcu-read-unlock): what
// smp_mb__after_srcu_read_unlock() orders, an srcu_read_unlock and everything before
// it against everything after the fence. LKMM has it as a term of mb; the hardware
// models give it the same ordering, that of the full barrier the kernel's
// srcu_read_unlock executes (the fence itself is empty there).
func (x *execution) afterSrcuUnlock() *rel {
	a := &x.a
	fences := x.fences(model.FenceAfterSrcuReadUnlock)
	if fences.empty() {
		return a.newRel()
	}
	return a.seq(a.opt(x.po), a.id(x.setOf(cSrcuUnlock, 0)), x.fencerel(fences))
}

// refuseUnsupported panics when g holds an event m cannot judge (see Supports).
func refuseUnsupported(name string, lim limited, g *model.ExecutionGraph) {
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if e.Kind == model.KindFence && lim.unsupportedFence(e.Fence) {
				panic(fmt.Sprintf("barriers: %s cannot judge %s (check barriers.Supports first)", name, e.Fence))
			}
		}
	}
}

// setOf is the set of nodes having every class in all and at least one in any (when any
// is not zero).
func (x *execution) setOf(all, any evClass) set {
	s := x.a.newSet()
	for v, c := range x.class {
		if c&all == all && (any == 0 || c&any != 0) {
			s.add(v)
		}
	}
	return s
}

// fences is the set of fence events of the given kinds.
func (x *execution) fences(kinds ...model.FenceKind) set {
	s := x.a.newSet()
	for v, c := range x.class {
		if c&cFence == 0 {
			continue
		}
		f := x.g.Threads[x.info[v].thread].Events[x.info[v].index].Fence
		for _, k := range kinds {
			if f == k {
				s.add(v)
			}
		}
	}
	return s
}

// fencerel(S) = po ; [S] ; po: pairs of events with a member of S between them. Since
// po is transitive, an event's row is the po-successors of the first member of S after
// it in its thread, which is how it is built (one row copy per event, no composition).
func (x *execution) fencerel(s set) *rel {
	r := x.a.newRel()
	for t := range x.g.Threads {
		next := -1 // the first member of s after the event at hand
		for i := len(x.g.Threads[t].Events) - 1; i >= 0; i-- {
			v := x.off[t] + i
			if next >= 0 && x.class[v]&cMarker == 0 {
				copy(r.row(v), x.po.row(next))
			}
			if s.has(v) {
				next = v
			}
		}
	}
	return r
}

// atomic is the RMW axiom every model shares: no write of another thread comes between
// the read half of an RMW and its write half in coherence, empty(rmw ∩ (fre ; coe)).
func (x *execution) atomic() bool {
	a := &x.a
	fre := a.minus(x.fr, x.intr)
	coe := a.minus(x.co, x.intr)
	return a.inter(x.rmw, a.seq(fre, coe)).empty()
}

// uniproc is SC per location: acyclic(po-loc ∪ rf ∪ co ∪ fr). Herd calls it
// "coherence" in the kernel model, "uniproc" for x86 and "internal" for ARMv8.
func (x *execution) uniproc() bool {
	a := &x.a
	return a.acyclic(a.union(a.inter(x.po, x.loc), x.rf, x.co, x.fr))
}

// Checker is implemented by every model in this package that can say which axiom an
// inconsistent graph breaks.
type Checker interface {
	Model
	// Violation names the first axiom g breaks, or "" when g is consistent.
	Violation(g *model.ExecutionGraph) string
}
