package litmus

import (
	"errors"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/stretchr/testify/require"
)

func mustParse(t *testing.T, src string) *Test {
	t.Helper()
	test, err := Parse("t.litmus", []byte(src))
	require.NoError(t, err)
	return test
}

func run(t *testing.T, src, modelName string) *Result {
	t.Helper()
	res, err := Run(mustParse(t, src), modelName, model.Options{})
	require.NoError(t, err)
	return res
}

func TestAtomicAddUnless(t *testing.T) {
	// add_unless adds only when the old value is not the "unless" operand, and says
	// whether it added.
	res := run(t, "C T\n{ x=1; }\nP0(int *x) {\nint r0 = atomic_add_unless(x, 1, 0);\nint r1 = atomic_add_unless(x, 5, 2);\n}\nexists (0:r0=1 /\\ 0:r1=0 /\\ x=2)\n", "sc")
	require.Equal(t, "Always", res.Observation())
}

func TestUnsupported(t *testing.T) {
	cases := []struct{ body, prim string }{
		{"while (READ_ONCE(*x) == 0) { }", "while"},
		{"atomic_xor(1, x);", "atomic_xor"},
		{"int r0 = atomic_fetch_andnot_release(1, x);", "atomic_fetch_andnot_release"},
		{"int *r0 = &x;", "&"},
	}
	for _, c := range cases {
		src := "C T\n{}\nP0(int *x) {\n" + c.body + "\n}\nexists (x=0)\n"
		_, err := Translate(mustParse(t, src))
		var u *UnsupportedError
		require.True(t, errors.As(err, &u), "%s: %v", c.body, err)
		require.Equal(t, c.prim, u.Primitive)
		require.Equal(t, "T", u.Test)
		require.Contains(t, err.Error(), "unsupported primitive "+c.prim)
	}
}

func TestUnsupportedByModel(t *testing.T) {
	src := `C RCU
{}
P0(int *x, int *y) { rcu_read_lock(); WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); rcu_read_unlock(); }
P1(int *x, int *y) { int r0 = READ_ONCE(*x); synchronize_rcu(); int r1 = READ_ONCE(*y); }
exists (1:r0=1 /\ 1:r1=0)
`
	for _, m := range []string{"sc", "tso", "armv8"} {
		_, err := Run(mustParse(t, src), m, model.Options{})
		var u *UnsupportedError
		require.True(t, errors.As(err, &u), "%s: %v", m, err)
		require.Equal(t, "synchronize_rcu", u.Primitive)
		require.Equal(t, Pos{4, 46}, u.Pos)
	}
	require.Equal(t, "Never", run(t, src, "lkmm").Observation())
}

func TestIllFormed(t *testing.T) {
	cases := []struct{ src, msg string }{
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(*y); }\nexists (x=0)\n", "undeclared name y"},
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); }\nexists (0:r9=0)\n", "no register r9"},
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); }\nexists (3:r0=0)\n", "no thread P3"[3:]},
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(x); }\nexists (x=0)\n", "wants an lvalue"},
		{"C T\n{}\nP0(int *x) { int r0 = smp_mb(); }\nexists (x=0)\n", "yields no value"},
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(*x, 1); }\nexists (x=0)\n", "takes 1 argument"},
		{"C T\n{}\nP0() { int r0 = *r0; }\nexists (0:r0=0)\n", "no shared location"},
		{"C T\n{ 5:r0=1; }\nP0(int *x) { }\nexists (x=0)\n", "no thread P5"},
		{"C T\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1 /\\ z=0)\n", "4:16: unknown location z: not declared in the initial state nor a thread parameter"},
		{"C T\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nlocations [y]\nexists (x=1)\n", "4:1: unknown location y"},
		{"C T\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nfilter (w=0)\nexists (x=1)\n", "4:9: unknown location w"},
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); }\nexists (0:r0=q)\n", "4:9: unknown location q"},
		{"C T\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); }\nexists (x=[v])\n", "4:9: unknown location v"},
		{"C T\n{}\nP0(int *x) { frobnicate(x); }\nexists (x=0)\n", `3:14: unknown primitive "frobnicate": neither the kernel's linux-kernel.def nor steercheck defines it`},
	}
	for _, c := range cases {
		_, err := Translate(mustParse(t, c.src))
		var pe *ParseError
		require.True(t, errors.As(err, &pe), "%q: %v", c.src, err)
		require.Contains(t, err.Error(), c.msg)
	}
}

// TestPointers checks the address scheme: pointer values print as names, and a load
// through a register carries an address dependency on the load that produced it.
func TestPointers(t *testing.T) {
	src := `C ptr
{ int x = 7; int y = 8; int *p = &x; 0:r9 = y; }
P0(int **p, int *y) {
	int *r0 = READ_ONCE(*p);
	int r1 = READ_ONCE(*r0);
	int r2 = *r9;
	WRITE_ONCE(*p, y);
}
locations [p]
exists (0:r0=x /\ 0:r1=7 /\ 0:r2=8)
`
	p, err := Translate(mustParse(t, src))
	require.NoError(t, err)
	require.Equal(t, []string{"x", "y", "p"}, p.Locs)
	m, _ := barriers.New("sc")
	addrDeps := 0
	model.Explore(p.Prog, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		evs := g.Threads[0].Events
		require.Len(t, evs, 4)
		require.Equal(t, "x", g.LocName(evs[1].Loc))
		if evs[1].Addr.Has(0) {
			addrDeps++
		}
		require.True(t, evs[2].Addr.Empty(), "r9 comes from the initial state: no dependency")
		return true
	})
	require.Equal(t, 1, addrDeps)
	res, err := p.Run("sc", model.Options{})
	require.NoError(t, err)
	require.Equal(t, "Always", res.Observation())
	require.Equal(t, "States 1\n0:r0=x; 0:r1=7; 0:r2=8; [p]=y;\n", res.StatesBlock()) // as herd7 prints it
}

func TestFault(t *testing.T) {
	res := run(t, "C F\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*r0); }\nexists (0:r1=0)\n", "sc")
	require.Equal(t, int64(1), res.Faults)
	require.Equal(t, int64(0), res.Positive+res.Negative)
}

func TestDeadlockIsNoFinalState(t *testing.T) {
	src := `C ABBA
{}
P0(spinlock_t *a, spinlock_t *b, int *x) { spin_lock(a); spin_lock(b); WRITE_ONCE(*x, 1); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b, int *x) { spin_lock(b); spin_lock(a); WRITE_ONCE(*x, 2); spin_unlock(a); spin_unlock(b); }
exists (x=1)
`
	for _, m := range []string{"sc", "lkmm"} {
		res := run(t, src, m)
		require.Positive(t, res.Blocked, m)
		require.Equal(t, int64(1), res.Positive, m)
		require.Equal(t, int64(1), res.Negative, m)
	}
}

func TestQuantifiers(t *testing.T) {
	sb := `C SB
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); int r0 = READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); int r0 = READ_ONCE(*x); }
`
	cases := []struct {
		cond, model, verdict, witnesses, observation string
	}{
		{`exists (0:r0=0 /\ 1:r0=0)`, "sc", "No", "Positive: 0 Negative: 3", "Never 0 3"},
		{`exists (0:r0=0 /\ 1:r0=0)`, "tso", "Ok", "Positive: 1 Negative: 3", "Sometimes 1 3"},
		{`~exists (0:r0=0 /\ 1:r0=0)`, "sc", "Ok", "Positive: 3 Negative: 0", "Never 0 3"},
		{`~exists (0:r0=0 /\ 1:r0=0)`, "tso", "No", "Positive: 3 Negative: 1", "Sometimes 1 3"},
		{`forall (0:r0=1 \/ 1:r0=1)`, "sc", "Ok", "Positive: 3 Negative: 0", "Always 3 0"},
		{`forall (0:r0=1 \/ 1:r0=1)`, "tso", "No", "Positive: 3 Negative: 1", "Sometimes 3 1"},
		{`forall (0:r0=1 => 1:r0=1)`, "sc", "No", "Positive: 2 Negative: 1", "Sometimes 2 1"},
	}
	for _, c := range cases {
		res := run(t, sb+c.cond+"\n", c.model)
		out := FormatHerd(res)
		for _, want := range []string{"\n" + c.verdict + "\n", c.witnesses, "Observation SB " + c.observation, "Condition " + c.cond} {
			require.Contains(t, out, want, "%s under %s", c.cond, c.model)
		}
	}
	require.Contains(t, FormatHerd(run(t, sb+"~exists (0:r0=2)\n", "sc")), "Test SB Forbidden\n")
	require.Contains(t, FormatHerd(run(t, sb+"forall (0:r0=2)\n", "sc")), "Test SB Required\n")
}

func TestFilterAndLocations(t *testing.T) {
	src := `C filt
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); int r0 = READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); int r0 = READ_ONCE(*x); }
locations [y; x]
filter (0:r0=1)
exists (1:r0=0)
`
	res := run(t, src, "sc")
	// The displayed locations are the "locations" list and the condition's; the
	// filter's own (0:r0) are not displayed.
	require.Equal(t, int64(1), res.Filtered)
	require.Equal(t, "Sometimes", res.Observation())
	require.Equal(t, "States 2\n1:r0=0; [x]=1; [y]=1;\n1:r0=1; [x]=1; [y]=1;\n", res.StatesBlock())
}

func TestBudgetGivesUnknown(t *testing.T) {
	src := "C B\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0 = READ_ONCE(*x); }\nexists (1:r0=2)\n"
	res, err := Run(mustParse(t, src), "sc", model.Options{MaxExecutions: 1})
	require.NoError(t, err)
	require.False(t, res.Complete())
	require.Equal(t, "Unknown", res.Observation())
	require.Equal(t, "Unknown", res.Verdict())
	require.Contains(t, FormatHerd(res), "Incomplete B: execution budget")
}

func TestExpressions(t *testing.T) {
	src := `C expr
{ int x = 3; atomic_t v = ATOMIC_INIT(5); 0:r5 = -2; }
P0(int *x, atomic_t *v, spinlock_t *l) {
	int r0 = -READ_ONCE(*x) * 2 + ~0 - (7 % 4) + (1 << 3) / 2;
	int r1 = 0 && READ_ONCE(*x);
	int r2 = 1 || READ_ONCE(*x);
	int r3 = atomic_dec_and_test(v) + 10 * atomic_add_negative(-10, v) + 100 * atomic_sub_and_test(-5, v);
	int r4 = (int)atomic_fetch_inc_relaxed(v);
	int r6 = spin_trylock(l);
	int r7 = spin_is_locked(l);
	if (r6 != 1) r6 = 99; else if (r7) r7 = r7 + 1;
	r5 = !r5;
}
exists (0:r0=-6 /\ 0:r1=0 /\ 0:r2=1 /\ 0:r3=10 /\ 0:r4=-1 /\ 0:r5=0 /\ 0:r6=1 /\ 0:r7=2 /\ v=0)
`
	// sc and tso only: the candidate enumerator behind lkmm and armv8 enumerates
	// every value of v for each of the five RMW reads, which does not finish.
	for _, m := range []string{"sc", "tso"} {
		res := run(t, src, m)
		require.Equal(t, "Always", res.Observation(), "%s\n%s", m, FormatHerd(res))
	}
	// The short-circuited loads never happen.
	p, err := Translate(mustParse(t, src))
	require.NoError(t, err)
	mm, _ := barriers.New("sc")
	model.Explore(p.Prog, mm, model.Options{}, func(g *model.ExecutionGraph) bool {
		reads := 0
		for _, e := range g.Threads[0].Events {
			if e.Kind == model.KindRead && g.LocName(e.Loc) == "x" {
				reads++
			}
		}
		require.Equal(t, 1, reads)
		return true
	})
}

func TestFormatValueAndNames(t *testing.T) {
	p, err := Translate(mustParse(t, "C n\n{ int *p = &b; }\nP0(int *a) { }\nexists (a=0)\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"p", "a", "b"}, p.Locs)
	require.Equal(t, "b", p.FormatValue(AddrBase+2))
	require.Equal(t, "42", p.FormatValue(42))
	require.True(t, strings.Contains(p.Prog.String(), "p = 4294967298"))
	_, ok := p.Prog.LocByName("a")
	require.True(t, ok)
}
