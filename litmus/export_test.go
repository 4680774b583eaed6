package litmus

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// exportCase builds a DSL program for the round trip.
type exportCase struct {
	name  string
	cond  string
	build func() *model.Program
}

var exportCases = []exportCase{
	{"MP+wmb+rmb", `exists (1:r0=1 /\ 1:r1=0)`, func() *model.Program {
		p := model.NewProgram("MP")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 1)
		p0.Site("wmb").SmpWmb()
		p0.WriteOnce(y, 1)
		p1.Named("r0").ReadOnce(y)
		p1.SmpRmb()
		p1.Named("r1").ReadOnce(x)
		return p
	}},
	{"SB+branches", "", func() *model.Program {
		p := model.NewProgram("SB")
		x, y := p.Var("x", 0), p.Var("y", 0)
		for i, a := range []model.Array{x, y} {
			b := []model.Array{y, x}[i]
			t := p.Thread(fmt.Sprintf("P%d", i), "cpu")
			t.Write(a, 1)
			t.SmpMb()
			r := t.Named("r0").Read(b)
			t.If(model.Eq(r, 0), func() {
				t.WriteOnce(a, model.Add(r, 2))
			}, func() {
				t.If(model.Gt(r, 0), func() { t.StoreRelease(b, 3) })
			})
			t.Named("r1").LoadAcquire(a)
		}
		return p
	}},
	{"atomics", "", func() *model.Program {
		p := model.NewProgram("atomics")
		v := p.Var("tgt0.reqs", 1)
		q := p.ArrayOf("req_vq", 2, 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.Named("ignored").AtomicInc(v)
		p0.SmpMbAfterAtomic()
		r := p0.Named("r0").AtomicIncReturn(v)
		p0.Named("r1").Xchg(q.At(1), model.Mod(r, 2))
		p1.SmpMbBeforeAtomic()
		p1.Named("r0").Cmpxchg(q.At(1), 0, 5)
		p1.Named("r1").RMWOp(model.RMWCmpxchg, q.At(0), 0, 7, model.AnnRelease, false)
		p1.Named("r2").RMWOp(model.RMWAdd, v, -1, nil, model.AnnAcquire, false)
		p1.AtomicSet(q.At(0), 9)
		return p
	}},
	{"locks", "", func() *model.Program {
		p := model.NewProgram("locks")
		l, x := p.Var("lock", 0), p.Var("int", 0)
		for i := 0; i < 2; i++ {
			t := p.Thread(fmt.Sprintf("P%d", i), "cpu")
			ok := t.Named("got").SpinTrylock(l)
			t.If(ok, func() {
				t.Fence(model.FenceAfterSpinlock)
				t.WriteOnce(x, i+1)
				t.SpinUnlock(l)
			}, func() {
				t.SpinLock(l)
				r := t.Named("seen").ReadOnce(x)
				t.WriteOnce(x, model.Add(r, 10))
				t.SpinUnlock(l)
				t.Fence(model.FenceAfterUnlockLock)
			})
		}
		return p
	}},
	{"expressions", `exists (1:r0=5 /\ y=2)`, func() *model.Program {
		// &&, ||, !, % and negative values have no herd7 spelling of their own.
		p := model.NewProgram("E")
		x, y := p.Var("x", 0), p.Var("y", 3)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 5)
		r := p1.Named("r0").ReadOnce(x)
		s := p1.Named("r1").ReadOnce(y)
		p1.If(model.And(model.Eq(r, 5), s), func() {
			p1.WriteOnce(y, model.Mod(r, 3))
		}, func() {
			p1.If(model.Or(model.Not(r), model.Eq(s, 0)), func() { p1.WriteOnce(y, model.Sub(-1, r)) })
		})
		return p
	}},
	{"smp_read_barrier_depends", "", func() *model.Program {
		p := model.NewProgram("RBD")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 1)
		p0.SmpWmb()
		p0.WriteOnce(y, 1)
		p1.Named("r0").ReadOnce(y)
		p1.SmpReadBarrierDepends()
		p1.Named("r1").ReadOnce(x)
		return p
	}},
}

// hardwareOnlyIf is LB with an if that holds nothing on one side and a data dependency
// on the other: the if orders P0's store after its read only for the hardware.
func hardwareOnlyIf() *model.Program {
	p := model.NewProgram("LB+ctrl-hw+data")
	x, y := p.Var("x", 0), p.Var("y", 0)
	p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
	r := p0.Named("r0").ReadOnce(x)
	p0.If(model.Eq(r, 1), func() {})
	p0.WriteOnce(y, 1)
	s := p1.Named("r0").ReadOnce(y)
	p1.WriteOnce(x, s)
	return p
}

// outcomeSet explores p under m and returns, per final state (registers by name,
// locations by name, thread statuses), how many executions end there.
func outcomeSet(t tb, p *model.Program, modelName string, regs [][]string, regID func(th int, name string) int,
	locs []string, locID func(name string) model.LocID) map[string]int {
	m, err := barriers.New(modelName)
	require.NoError(t, err)
	out := map[string]int{}
	res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		var b strings.Builder
		for th := range g.Threads {
			fmt.Fprintf(&b, "%d(%s):", th, g.Status(th))
			for _, r := range regs[th] {
				fmt.Fprintf(&b, " %s=%d", r, g.Reg(th, regID(th, r)))
			}
			b.WriteString("; ")
		}
		for _, l := range locs {
			fmt.Fprintf(&b, "%s=%d ", l, g.FinalValue(locID(l)))
		}
		out[b.String()]++
		return true
	})
	require.True(t, res.Complete())
	return out
}

// tb is what the round trip needs from *testing.T and *rapid.T.
type tb interface {
	require.TestingT
	Fatalf(format string, args ...any)
}

func TestExportRoundTrip(t *testing.T) {
	for _, c := range exportCases {
		t.Run(c.name, func(t *testing.T) {
			checkRoundTrip(t, c.build(), c.name, c.cond, []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"})
		})
	}
}

// TestRapidExportRoundTrip: random litmus-sized programs (rapid draws every thread,
// access, value and fence), exported, parsed and translated back, have the same
// final states with the same execution counts as the original, under sc and lkmm.
func TestRapidExportRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		p := model.NewProgram("R")
		locs := []model.Array{p.Var("x", 0), p.Var("y", 0)}
		nthreads := rapid.IntRange(2, 3).Draw(rt, "threads")
		for i := 0; i < nthreads; i++ {
			th := p.Thread(fmt.Sprintf("P%d", i), "cpu")
			n := rapid.IntRange(1, 3).Draw(rt, "ops")
			for k := 0; k < n; k++ {
				l := locs[rapid.IntRange(0, 1).Draw(rt, "loc")]
				switch rapid.IntRange(0, 4).Draw(rt, "op") {
				case 0:
					th.Named(fmt.Sprintf("r%d", k)).ReadOnce(l)
				case 1:
					th.WriteOnce(l, rapid.IntRange(1, 2).Draw(rt, "val"))
				case 2:
					th.SmpMb()
				case 3:
					th.Named(fmt.Sprintf("r%d", k)).AtomicIncReturn(l)
				case 4:
					th.Named(fmt.Sprintf("r%d", k)).LoadAcquire(l)
				}
			}
		}
		checkRoundTrip(rt, p, "R", "", []string{"sc", "lkmm"})
	})
}

func checkRoundTrip(t tb, orig *model.Program, name, cond string, models []string) {
	text, err := Export(orig, name, cond)
	require.NoError(t, err)
	test, err := Parse(name+".litmus", []byte(text))
	require.NoError(t, err, text)
	back, err := Translate(test)
	require.NoError(t, err, text)

	// Compare on what both sides name: the exported registers and locations.
	var regs [][]string
	for th := range orig.Threads {
		var names []string
		for _, n := range back.Threads[th].Names {
			if !strings.HasPrefix(n, "_t") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		regs = append(regs, names)
	}
	locs := append([]string(nil), back.Locs...)
	origReg := func(th int, name string) int {
		for i, n := range orig.Threads[th].RegNames {
			if n == name {
				return i
			}
		}
		t.Fatalf("P%d has no register %s", th, name)
		return 0
	}
	exported := ExportedNames(orig)
	origLoc := func(name string) model.LocID {
		for i, n := range exported {
			if n == name {
				return model.LocID(i)
			}
		}
		t.Fatalf("no location %s", name)
		return 0
	}
	backReg := func(th int, name string) int { return back.Threads[th].Regs[name].ID }
	backLoc := func(name string) model.LocID {
		i, _ := back.LocIndex(name)
		return back.Mem.Base + model.LocID(i)
	}
	for _, m := range models {
		want := outcomeSet(t, orig, m, regs, origReg, locs, origLoc)
		got := outcomeSet(t, back.Prog, m, regs, backReg, locs, backLoc)
		require.Equal(t, want, got, "model %s, exported as:\n%s", m, text)
	}
}

func TestExportRejects(t *testing.T) {
	cases := []struct {
		name  string
		build func(p *model.Program, t *model.Thread, x model.Array)
		want  string
	}{
		{"await", func(p *model.Program, t *model.Thread, x model.Array) {
			t.Await(func() model.Expr { return t.ReadOnce(x) })
		}, "Await"},
		{"marker", func(p *model.Program, t *model.Thread, x model.Array) { t.Mark("submit", 1) }, `marker "submit"`},
		{"loop", func(p *model.Program, t *model.Thread, x model.Array) {
			t.While(2, func() model.Expr { return model.Const(1) }, func() { t.SmpMb() })
		}, "bounded loop"},
		{"dynamic index", func(p *model.Program, t *model.Thread, x model.Array) {
			a := p.ArrayOf("a", 2, 0)
			r := t.ReadOnce(x)
			t.WriteOnce(a.Idx(r), 1)
		}, "computed at run time"},
		{"rmw or", func(p *model.Program, t *model.Thread, x model.Array) {
			t.RMWOp(model.RMWOr, x, 1, nil, model.AnnMb, false)
		}, "no litmus primitive"},
		{"void result used", func(p *model.Program, t *model.Thread, x model.Array) {
			r := t.RMWOp(model.RMWAdd, x, 1, nil, model.AnnRelaxed|model.AnnNoReturn, true)
			t.WriteOnce(x, r)
		}, "void atomic"},
	}
	for _, c := range cases {
		p := model.NewProgram(c.name)
		x := p.Var("x", 0)
		th := p.Thread("P0", "cpu")
		c.build(p, th, x)
		_, err := Export(p, "t", "exists (true)")
		require.Error(t, err, c.name)
		require.Contains(t, err.Error(), c.want, c.name)
	}
}

// The export round trip is only worth its name if a broken exporter breaks it: with
// every fence exported as barrier(), MP+wmb+rmb's weak outcome becomes allowed under
// lkmm, which the original program forbids.
func TestRoundTripCatchesABrokenExporter(t *testing.T) {
	defer func() { selfTestMutation = 0 }()
	var c exportCase
	for _, e := range exportCases {
		if e.name == "MP+wmb+rmb" {
			c = e
		}
	}
	require.NotNil(t, c.build)
	observe := func() string {
		text, err := Export(c.build(), c.name, c.cond)
		require.NoError(t, err)
		res, err := Run(mustParse(t, text), "lkmm", model.Options{})
		require.NoError(t, err)
		return res.Observation()
	}
	assert.Equal(t, "Never", observe(), "the real exporter keeps smp_wmb/smp_rmb")
	selfTestMutation = 1
	assert.Equal(t, "Sometimes", observe(), "a broken exporter loses the fences")
}

// What herd7 cannot spell is written as a comment and explained in the header.
func TestExportWritesWhatHerd7LacksAsComments(t *testing.T) {
	var rbd exportCase
	for _, c := range exportCases {
		if c.name == "smp_read_barrier_depends" {
			rbd = c
		}
	}
	require.NotNil(t, rbd.build)
	text, err := Export(rbd.build(), rbd.name, "")
	require.NoError(t, err)
	assert.Contains(t, text, "\t// smp_read_barrier_depends(): not in the kernel's current model, see the header\n")
	assert.Contains(t, text, " * smp_read_barrier_depends() (Linux before 4.15) is written as a comment")

	text, err = Export(hardwareOnlyIf(), "LB", `exists (0:r0=1 /\ 1:r0=1)`)
	require.NoError(t, err)
	assert.Contains(t, text, "\t// if (r0 == 1) { }: a control dependency only the hardware keeps, see the header\n")
	assert.Contains(t, text, " * An if with nothing inside is written as a comment")
	assert.NotContains(t, text, "if (r0 == 1) {\n")
}

// Dropping an if with nothing inside keeps the test's meaning under herd7's C semantics
// (lkmm: the dependency ends at the join) and loses it under armv8, as the header
// says: there the if ordered P0's store after its read and forbade the cycle.
func TestDroppedHardwareOnlyIf(t *testing.T) {
	p := hardwareOnlyIf()
	const cond = `exists (0:r0=1 /\ 1:r0=1)`
	checkRoundTrip(t, p, "LB", cond, []string{"sc", "tso", "lkmm", "lkmm-alpha"})
	text, err := Export(p, "LB", cond)
	require.NoError(t, err)
	res, err := Run(mustParse(t, text), "armv8", model.Options{})
	require.NoError(t, err)
	assert.Equal(t, "Sometimes", res.Observation(), "without the if, armv8 allows the cycle:\n%s", text)
	m, err := barriers.New("armv8")
	require.NoError(t, err)
	hit := false
	model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		hit = hit || (g.Reg(0, 0) == 1 && g.Reg(1, 0) == 1)
		return true
	})
	assert.False(t, hit, "with the if, armv8 forbids it (go test -run TestDroppedHardwareOnlyIf ./litmus/)")
}
