package model_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// postJoinProgram builds a random cycle shape whose threads branch on what they read
// and access the next location after the branch's join: 2–3 threads in a ring over
// a[0..n-1], thread i reading a[i] (READ_ONCE, smp_load_acquire, a plain read or a
// atomic_fetch_inc_relaxed) and then, most of the time, testing the value in an if
// (with a write of z or nothing inside, sometimes an else) and writing a[i+1] after
// the join — the class herd7's C front end leaves unordered under LKMM (a control
// dependency ends at the join) and the hardware orders (armv8: a branch orders every
// later store). The other threads order their pair by a write inside the if, an
// address or data dependency, a fence, or nothing; now and then the access after the
// join is a read (a message-passing shape).
func postJoinProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("postjoin-%d", seed))
	n := 2 + rng.Intn(2)
	a := p.ArrayOf("a", n, 0)
	z := p.Var("z", 0)
	for i := 0; i < n; i++ {
		th := p.Thread(fmt.Sprintf("P%d", i), "cpu")
		var r model.Reg
		switch rng.Intn(5) {
		case 0:
			r = th.LoadAcquire(a.At(i))
		case 1:
			r = th.Read(a.At(i))
		case 2:
			r = th.RMWOp(model.RMWAdd, a.At(i), 1, nil, model.AnnRelaxed, false) // atomic_fetch_inc_relaxed
		default:
			r = th.ReadOnce(a.At(i))
		}
		next := a.At((i + 1) % n)
		access := func(at model.LocExpr) {
			switch k := rng.Intn(8); {
			case k == 0:
				th.ReadOnce(at)
			case k == 1:
				th.Write(at, 1)
			case k == 2:
				th.StoreRelease(at, 1)
			default:
				th.WriteOnce(at, 1)
			}
		}
		switch rng.Intn(8) {
		case 0: // inside the if: a control dependency under every model
			th.If(model.Eq(r, 1), func() { access(next) })
		case 1: // an address dependency
			access(a.Idx(model.Add(model.Sub(r, r), (i+1)%n)))
		case 2: // a data dependency
			th.WriteOnce(next, model.Add(model.Sub(r, r), 1))
		case 3:
			th.Fence([]model.FenceKind{model.FenceMb, model.FenceRmb, model.FenceWmb}[rng.Intn(3)])
			access(next)
		default: // after the join of an if on the read
			inside := func() {
				if rng.Intn(2) == 0 {
					th.WriteOnce(z, 1)
				}
			}
			if rng.Intn(3) == 0 {
				th.If(model.Ne(r, 0), inside, func() { th.WriteOnce(z, 2) })
			} else {
				th.If(model.Eq(r, 1), inside)
			}
			access(next)
		}
	}
	return p
}

// hasAddressDependency reports whether some access of p computes its location from a
// register: lkmm-alpha differs from lkmm only there.
func hasAddressDependency(p *model.Program) bool {
	for _, t := range p.Threads {
		for _, in := range t.Code {
			if in.Loc.Index != nil {
				if _, ok := in.Loc.Index.(model.Const); !ok {
					return true
				}
			}
		}
	}
	return false
}

// postJoinWriteReadByOthers reports whether g has a write after an if's join (its
// control dependency ended there: Ctrl empty, CtrlAll not) that another thread reads.
func postJoinWriteReadByOthers(g *model.ExecutionGraph) bool {
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			if !e.IsRead() || !e.RF.IsThreadEvent() || int(e.RF.Thread) == t {
				continue
			}
			w := g.Event(e.RF)
			if w.Ctrl.Empty() && !w.CtrlAll.Empty() {
				return true
			}
		}
	}
	return false
}

// Explore visits exactly the graphs candidate enumeration visits, each once, on cycle
// shapes with accesses after an if's join, under lkmm, lkmm-alpha (programs with an
// address dependency) and armv8; the second phase must find the po ∪ rf cycles
// through post-join writes that LKMM allows and the hardware forbids.
func TestPostJoinCyclesMatchCandidates(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 200
	}
	cyclic := map[string]int{}
	for _, name := range []string{"lkmm", "lkmm-alpha", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		matchesCandidatesUnder(t, m, n, 10, postJoinProgram, fingerprint, func(g *model.ExecutionGraph) {
			if model.HasPorfCycle(g) && postJoinWriteReadByOthers(g) {
				cyclic[name]++
			}
		})
		if t.Failed() {
			return
		}
	}
	// The programs must have cycles through post-join writes, and more under lkmm,
	// which leaves them unordered, than under armv8, which orders them.
	assert.Greater(t, cyclic["lkmm"], 50, "lkmm graphs with a po ∪ rf cycle and a post-join write read by another thread")
	assert.Greater(t, cyclic["lkmm"], cyclic["armv8"], "lkmm allows more cycles through post-join writes than armv8")
	assert.Greater(t, cyclic["lkmm-alpha"], 0, "lkmm-alpha graphs with such a cycle")
	t.Logf("graphs with a po ∪ rf cycle and a post-join write read by another thread: %v", cyclic)
}
