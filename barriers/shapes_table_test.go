package barriers

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

func rcuDeref(th *model.Thread, a model.Array) model.Reg { return th.RcuDereference(a) }

func noRMW(*model.Thread, model.Array) {}

func fenceZ(k model.FenceKind) func(*model.Thread, model.Array) {
	return func(th *model.Thread, _ model.Array) { th.Fence(k) }
}

func plainWrite(th *model.Thread, a model.Array, _ model.Reg) { th.WriteOnce(a, 1) }

func ctrlWrite(th *model.Thread, a model.Array, r model.Reg) {
	th.If(r, func() { th.WriteOnce(a, 1) })
}

func dataWrite(th *model.Thread, a model.Array, r model.Reg) { th.WriteOnce(a, fakeDep(r, 1)) }

func releaseWrite(th *model.Thread, a model.Array, _ model.Reg) { th.StoreRelease(a, 1) }

// shapes is the table. Columns: sc, tso, lkmm, lkmm-alpha, armv8 (Y = weak outcome allowed).
var shapes = []shape{
	{"MP", "NNYYY", "TSO keeps W→W and R→R; ARMv8 and LKMM reorder both (MP+poonceonces: Sometimes)",
		mp(nothing, writeOnce, readOnce, nothing)},
	{"MP+wmb+rmb", "NNNNN", "MP+fencewmbonceonce+fencermbonceonce: Never; DMB ISHST/ISHLD",
		mp(fence(model.FenceWmb), writeOnce, readOnce, fence(model.FenceRmb))},
	{"MP+wmb+po", "NNYYY", "the reader's loads are unordered (not on TSO)",
		mp(fence(model.FenceWmb), writeOnce, readOnce, nothing)},
	{"MP+po+rmb", "NNYYY", "the writer's stores are unordered (not on TSO)",
		mp(nothing, writeOnce, readOnce, fence(model.FenceRmb))},
	{"MP+release+acquire", "NNNNN", "MP+pooncerelease+poacquireonce: Never; STLR/LDAR",
		mp(nothing, storeRelease, loadAcquire, nothing)},
	{"MP+wmb+addr", "NNNYN", "an address dependency orders loads in lkmm and ARMv8 (dob), not on Alpha",
		mpAddr(readOnce, nothing, false)},
	{"MP+wmb+addr-via-plain", "NNNYN", "the dependency passes through a plain local: the .bell's carry-dep; ARMv8 (addr|data);rfi",
		mpAddr(readOnce, nothing, true)},
	{"MP+wmb+rbd-addr", "NNNNN", "smp_read_barrier_depends restores the order on Alpha",
		mpAddr(readOnce, fence(model.FenceReadBarrierDepend), false)},
	{"MP+wmb+deref-addr", "NNNNN", "rcu_dereference had smp_read_barrier_depends built in",
		mpAddr(rcuDeref, nothing, false)},
	{"MP+wmb+rmb-addr", "NNNNN", "smp_rmb orders the loads whatever the dependency",
		mpAddr(readOnce, fence(model.FenceRmb), false)},

	{"SB", "NYYYY", "the store buffer (SB+poonceonces: Sometimes)", sb(noRMW)},
	{"SB+mbs", "NNNNN", "SB+fencembonceonces: Never; MFENCE, DMB ISH", sb(fenceZ(model.FenceMb))},
	{"SB+rmbs", "NYYYY", "smp_rmb does not order a store before a load", sb(fenceZ(model.FenceRmb))},
	{"SB+xchgs", "NNNNN", "a fully ordered RMW acts as smp_mb before and after; locked on x86",
		sb(func(th *model.Thread, z model.Array) { th.Xchg(z, 1) })},
	{"SB+atomic_incs", "NNYYY", "a void atomic orders nothing in lkmm or on ARMv8, but is a locked instruction on x86",
		sb(func(th *model.Thread, z model.Array) { th.AtomicInc(z) })},
	{"SB+atomic_incs+mb__after_atomic", "NNNNN", "smp_mb__after_atomic makes the preceding RMW a full barrier",
		sb(func(th *model.Thread, z model.Array) { th.AtomicInc(z); th.SmpMbAfterAtomic() })},
	{"SB+mb__after_atomic", "NYYYN", "smp_mb__after_atomic with no RMW before it orders nothing in lkmm; it is a DMB ISH on arm64",
		sb(fenceZ(model.FenceAfterAtomic))},

	{"LB", "NNYYY", "LB+poonceonces: Sometimes; ARMv8 may satisfy a load late", lb(plainWrite, plainWrite)},
	{"LB+ctrl+po", "NNYYY", "one control dependency is not enough", lb(ctrlWrite, plainWrite)},
	{"LB+ctrl+data", "NNNNN", "control and data dependencies order later stores (rwdep; ARMv8 ctrl;[W], data)",
		lb(ctrlWrite, dataWrite)},
	{"LB+datas", "NNNNN", "data dependencies order later stores", lb(dataWrite, dataWrite)},
	{"LB+releases", "NNNNN", "a release orders earlier loads before it (po-rel; ARMv8 po;[L])", lb(releaseWrite, releaseWrite)},

	{"IRIW", "NNYYY", "IRIW+poonceonces+OnceOnce: Sometimes; ARMv8 reorders the loads", iriw(nothing)},
	{"IRIW+mbs", "NNNNN", "IRIW+fencembonceonces+OnceOnce: Never", iriw(fence(model.FenceMb))},
	{"IRIW+rmbs", "NNYYN", "lkmm is not multicopy atomic: only strong fences order the two writes; TSO and ARMv8 are",
		iriw(fence(model.FenceRmb))},

	{"WRC", "NNYYY", "WRC+poonceonces+Once: Sometimes", wrc(plainWrite, nothing)},
	{"WRC+release+rmb", "NNNNN", "WRC+pooncerelease+fencermbonceonce+Once: Never (A-cumulative release)",
		wrc(releaseWrite, fence(model.FenceRmb))},
	{"WRC+data+rmb", "NNYYN", "a data dependency is not A-cumulative in lkmm; ARMv8 is multicopy atomic",
		wrc(dataWrite, fence(model.FenceRmb))},

	{"ISA2", "NNYYY", "ISA2+poonceonces: Sometimes", isa2(false, false)},
	{"ISA2+release+acquire", "NNNNN", "ISA2+pooncerelease+poacquirerelease+poacquireonce: Never", isa2(true, true)},

	{"2+2W", "NNYYY", "stores to different locations are unordered in lkmm and on ARMv8", twoPlusTwoW(nothing)},
	{"2+2W+wmbs", "NNYYN", "two coherence links need strong fences in lkmm (prop starts with one overwrite); ARMv8 DMB ISHST suffices",
		twoPlusTwoW(fence(model.FenceWmb))},
	{"2+2W+mbs", "NNNNN", "strong fences on both sides (pb)", twoPlusTwoW(fence(model.FenceMb))},

	{"R", "NYYYY", "R+poonceonces: Sometimes; the store buffer", rShape(nothing)},
	{"R+mbs", "NNNNN", "R+fencembonceonces: Never", rShape(fence(model.FenceMb))},
	{"R+wmb+mb", "NNYYN", "lkmm needs strong fences on both sides (two non-rf links); ARMv8 is multicopy atomic",
		rShapeAsym(fence(model.FenceWmb), fence(model.FenceMb))},

	{"S", "NNYYY", "S+poonceonces: Sometimes", sShape(nothing, readOnce, false)},
	{"S+wmb+acquire", "NNNNN", "S+fencewmbonceonce+poacquireonce: Never", sShape(fence(model.FenceWmb), loadAcquire, false)},
	{"S+wmb+data", "NNNNN", "prop from the coherence link back into P1 closes an hb cycle", sShape(fence(model.FenceWmb), readOnce, true)},

	{"CoRR", "NNNNN", "CoRR+poonceonce+Once: Never (coherence)", coRR},
	{"CoRW", "NNNNN", "CoRW+poonceonce+Once: Never", coRW},
	{"CoWR", "NNNNN", "CoWR+poonceonce+Once: Never", coWR},
	{"CoWW", "NNNNN", "CoWW+poonceonce: Never", coWW},
}

// explore runs p under the named model and reports whether some execution in which
// every thread finished satisfies weak, and the set of outcomes.
func explore(t *testing.T, name string, p *model.Program, weak weakFn) (bool, map[string]bool) {
	t.Helper()
	m, err := New(name)
	require.NoError(t, err)
	require.NoError(t, Supports(m, p))
	seen := false
	outcomes := map[string]bool{}
	res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		for th := range g.Threads {
			if g.Status(th) != model.Done {
				return true
			}
		}
		outcomes[model.OutcomeOf(g).Key()] = true
		seen = seen || weak(g)
		return true
	})
	require.True(t, res.Complete(), "%s under %s: %v", p.Name, name, res.Reason)
	return seen, outcomes
}

func TestShapes(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			require.Len(t, string(s.want), len(modelNames))
			for i, name := range modelNames {
				p, weak := s.build()
				got, _ := explore(t, name, p, weak)
				assert.Equal(t, s.want[i] == 'Y', got, "%s under %s (%s)", s.name, name, s.why)
			}
		})
	}
}

func subset(a, b map[string]bool) []string {
	var missing []string
	for k := range a {
		if !b[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	return missing
}

// Every outcome a stronger model allows, the weaker one allows too:
// sc ⊆ tso ⊆ lkmm ⊆ lkmm-alpha, and sc ⊆ armv8.
func TestModelInclusion(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			out := map[string]map[string]bool{}
			for _, name := range modelNames {
				p, weak := s.build()
				_, out[name] = explore(t, name, p, weak)
			}
			for _, pair := range [][2]string{{"sc", "tso"}, {"tso", "lkmm"}, {"lkmm", "lkmm-alpha"}, {"sc", "armv8"}} {
				assert.Empty(t, subset(out[pair[0]], out[pair[1]]), "%s: outcomes of %s missing from %s", s.name, pair[0], pair[1])
			}
		})
	}
}

// TSO is prefix-closed, so the TruSt explorer and the candidate enumerator must visit
// the same graphs under it (shapes and kernel tests: locks, trylock, cmpxchg, RMWs).
func TestTSOPrefixClosedAgreesWithCandidates(t *testing.T) {
	for _, p := range tablePrograms() {
		if Supports(must(New("tso")), p) != nil {
			continue
		}
		fps := func(explore func(*model.Program, model.Consistency, model.Options, func(*model.ExecutionGraph) bool) model.Result) []string {
			var out []string
			explore(p, must(New("tso")), model.Options{}, func(g *model.ExecutionGraph) bool {
				out = append(out, g.Fingerprint())
				return true
			})
			sort.Strings(out)
			return out
		}
		assert.Equal(t, fps(model.ExploreCandidates), fps(model.Explore), "%s", p.Name)
	}
}

// The table, printed for the record (go test -run TestPrintTable -v).
func TestPrintTable(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("verbose only")
	}
	fmt.Printf("%-34s %s\n", "shape", modelNames)
	for _, s := range shapes {
		fmt.Printf("%-34s %s\n", s.name, s.want)
	}
}
