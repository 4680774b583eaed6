package litmus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kernelDir holds the kernel's litmus tests (GPL-2.0, see its NOTICE), relative to
// this package: a copy of tools/memory-model's tests and herd7's verdicts for them.
var kernelDir = filepath.Join("testdata", "kernel")

// kernelFiles lists every .litmus file under kernelDir.
func kernelFiles(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(kernelDir); err != nil {
		tb.Fatalf("kernel litmus tests not found at %s: %v", kernelDir, err)
	}
	var files []string
	err := filepath.WalkDir(kernelDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".litmus") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no .litmus files under %s", kernelDir)
	}
	return files
}

// roundTrip checks parse→format→parse gives an equal tree, and that
// formatting is then stable (CheckRoundTrip). It returns a description of the
// failure.
func roundTrip(name string, t1 *Test) string {
	if err := CheckRoundTrip(name, t1); err != nil {
		return err.Error()
	}
	return ""
}

func TestParseKernelTests(t *testing.T) {
	for _, f := range kernelFiles(t) {
		test, err := ParseFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if test.Name != strings.TrimSuffix(filepath.Base(f), ".litmus") {
			t.Errorf("%s: name %q does not match the file name", f, test.Name)
		}
		if len(test.Threads) == 0 || test.Cond == nil {
			t.Errorf("%s: no threads or no condition", f)
		}
		if err := CheckPrimitives(test); err != nil {
			t.Errorf("%v", err)
		}
	}
}

func TestRoundTripKernelTests(t *testing.T) {
	for _, f := range kernelFiles(t) {
		test, err := ParseFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if msg := roundTrip(f, test); msg != "" {
			t.Errorf("%s: %s", f, msg)
		}
	}
}

const sample = `C sample+test
"Doc string"
Cycle=Rfe PodRR Fre
(* a (* nested *) comment *)
{
	int x = 1;
	y=0;
	int *p = &x;
	q=x;
	atomic_t v = ATOMIC_INIT(-2);
	spinlock_t l;
	0:r1=1;
	unsigned long z
}

P0(int *x, int **p, atomic_t *v, spinlock_t *l) // comment
{
	int r0;
	int *r2 = (*p);
	int r3 = READ_ONCE(*x) + 1 * 2;
	/* C comment */
	r0 = (r3 - 1) - (r3 - 2);
	*r2 = ~r0 << 2;
	if (r0 == 0 && !r3)
		WRITE_ONCE(*x, -1);
	else if (r0 > 1) {
		(void)atomic_add_unless(v, 1, 0);
	} else
		spin_lock(l);
	while (r0 < 3) r0 = r0 + 1;
	{ smp_mb(); }
}

P1() {}

locations [x; 0:r1;]
filter (~0:r0=1)
~exists (0:r0=1 /\ (x=2 \/ 0:r2=x) /\ 0:r3 != 1:r0 /\ y==[x] => true) (* trailing *)
`

func TestParseSample(t *testing.T) {
	test, err := Parse("sample.litmus", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if test.Name != "sample+test" || test.Doc != "Doc string" ||
		len(test.Info) != 1 || test.Info[0] != (Info{"Cycle", "Rfe PodRR Fre"}) {
		t.Errorf("header: %q %q %v", test.Name, test.Doc, test.Info)
	}
	wantInit := []string{"int x = 1", "y = 0", "int *p = &x", "q = &x",
		"atomic_t v = ATOMIC_INIT(-2)", "spinlock_t l", "0:r1 = 1", "unsigned long z"}
	if len(test.Init) != len(wantInit) {
		t.Fatalf("init: got %d entries, want %d", len(test.Init), len(wantInit))
	}
	for i, w := range wantInit {
		if got := formatInit(test.Init[i]); got != w {
			t.Errorf("init %d: got %q, want %q", i, got, w)
		}
	}
	if d := test.Init[6]; d.Loc != (Loc{0, "r1"}) || d.Value.Int != 1 {
		t.Errorf("thread-local init: %+v", d)
	}
	p0 := test.Threads[0]
	if len(p0.Params) != 4 || p0.Params[1].Type != (Type{"int", 2}) || p0.Params[1].Name != "p" {
		t.Errorf("params: %+v", p0.Params[1])
	}
	if d, ok := p0.Body[1].(*DeclStmt); !ok || FormatExpr(d.Init) != "*p" {
		t.Errorf("(*p) in a body must be a deref, got %#v", p0.Body[1])
	}
	if a, ok := p0.Body[4].(*AssignStmt); !ok || FormatExpr(a.LHS) != "*r2" {
		t.Errorf("deref assignment: %#v", p0.Body[4])
	}
	ifs, ok := p0.Body[5].(*IfStmt)
	if !ok || len(ifs.Then.Stmts) != 1 {
		t.Fatalf("if: %#v", p0.Body[5])
	}
	if _, ok := ifs.Else.(*IfStmt); !ok {
		t.Errorf("else if: %#v", ifs.Else)
	}
	if c, ok := ifs.Else.(*IfStmt).Then.Stmts[0].(*ExprStmt).X.(*CastExpr); !ok || c.Type.Name != "void" {
		t.Errorf("cast: %#v", c)
	}
	if len(test.Threads) != 2 || len(test.Threads[1].Params) != 0 {
		t.Errorf("P1: %+v", test.Threads)
	}
	if len(test.Locations) != 2 || test.Locations[1] != (Loc{0, "r1"}) {
		t.Errorf("locations: %v", test.Locations)
	}
	if _, ok := test.Filter.(*NotProp); !ok {
		t.Errorf("filter: %#v", test.Filter)
	}
	if test.Cond.Quant != NotExists {
		t.Errorf("quantifier %v", test.Cond.Quant)
	}
	wantCond := `0:r0=1 /\ (x=2 \/ 0:r2=x) /\ 0:r3!=1:r0 /\ y=[x] => true`
	if got := FormatProp(test.Cond.Prop); got != wantCond {
		t.Errorf("condition:\n got %s\nwant %s", got, wantCond)
	}
	wantExpr := map[int]string{2: "READ_ONCE(*x) + 1 * 2"}
	for i, w := range wantExpr {
		if got := FormatExpr(p0.Body[i].(*DeclStmt).Init); got != w {
			t.Errorf("stmt %d: got %q, want %q", i, got, w)
		}
	}
	if got := FormatExpr(p0.Body[3].(*AssignStmt).RHS); got != "r3 - 1 - (r3 - 2)" {
		t.Errorf("associativity: %q", got)
	}
	if msg := roundTrip("sample.litmus", test); msg != "" {
		t.Error(msg)
	}
	if err := CheckPrimitives(test); err != nil {
		t.Error(err)
	}
}

func TestPrecedence(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{"a || b && c | d ^ e & f == g < h << i + j * k", "a || b && c | d ^ e & f == g < h << i + j * k"},
		{"((a || b) && c)", "(a || b) && c"},
		{"a * (b + c)", "a * (b + c)"},
		{"-(a - b) - -c", "-(a - b) - -c"},
		{"& &x", "& &x"},
		{"!(a == b) != c % d / e", "!(a == b) != c % d / e"},
		{"*(p + 1)", "*(p + 1)"},
	} {
		src := "C t\n{}\nP0(int *x) {\n r = " + c.expr + ";\n}\nexists (true)\n"
		test, err := Parse("t", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := FormatExpr(test.Threads[0].Body[0].(*AssignStmt).RHS); got != c.want {
			t.Errorf("%s: got %q, want %q", c.expr, got, c.want)
		}
	}
	for _, c := range []struct{ prop, want string }{
		{`a=1 \/ b=1 /\ c=1`, `a=1 \/ b=1 /\ c=1`},
		{`(a=1 \/ b=1) /\ c=1`, `(a=1 \/ b=1) /\ c=1`},
		{`a=1 => b=1 => c=1`, `a=1 => b=1 => c=1`},
		{`a=1 /\ (b=1 => c=1)`, `a=1 /\ b=1 => c=1`},
		{`[true]=1 \/ [not]!=[false]`, `[true]=1 \/ [not]!=[false]`},
		{`(a=1 => b=1) => c=1`, `(a=1 => b=1) => c=1`},
		{`not (a=1 /\ ~b=-1)`, `~(a=1 /\ ~b=-1)`},
		{`P1:r0=0x10`, `1:r0=16`},
	} {
		test, err := Parse("t", []byte("C t\n{}\nP0() {}\nforall "+c.prop+"\n"))
		if err != nil {
			t.Errorf("%s: %v", c.prop, err)
			continue
		}
		if got := FormatProp(test.Cond.Prop); got != c.want {
			t.Errorf("%s: got %q, want %q", c.prop, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"", "e.litmus:1:1: expected architecture"},
		{"X86 t\n", `e.litmus:1:1: unsupported architecture "X86"`},
		{"C\n{}", "e.litmus:1:2: missing test name"},
		{"C t\n{ int x = 1 int y; }", `e.litmus:2:13: expected ";" after initialiser, found identifier "int"`},
		{"C t\n{}\nP1() {}", `e.litmus:3:1: expected thread P0, found identifier "P1"`},
		{"C t\n{}\nP0() {}\nP2() {}", `e.litmus:4:1: expected thread P1, found identifier "P2"`},
		{"C t\n{}\nP0() {\n  r0 = ;\n}", `e.litmus:4:8: expected expression, found ";"`},
		{"C t\n{}\nP0() {\n  r0 = 1\n}", `e.litmus:5:1: expected ";" after assignment, found "}"`},
		{"C t\n{}\nP0() {\n  f(x) = 1;\n}", "e.litmus:4:8: cannot assign"},
		{"C t\n{}\nP0() {\n  if r0 == 1 {}\n}", `e.litmus:4:6: expected "(" after if`},
		{"C t\n{}\nP0() {\n  r0 = 1;\n", `e.litmus:5:1: missing "}" to close the block opened at 3:6`},
		{"C t\n{}\nP0() {}\nlocations [x]\njunk", `e.litmus:5:1: expected final condition (exists, ~exists or forall), found identifier "junk"`},
		{"C t\n{}\nP0() {}\nexists (x=1) junk", `e.litmus:4:14: unexpected identifier "junk" after the final condition`},
		{"C t\n{}\nP0() {}\nexists (x 1)", `e.litmus:4:11: expected "=" after x`},
		{"C t\n{}\nP0() {}\nexists (0:r0=1", `e.litmus:4:15: expected ")" to close the parenthesis, found end of file`},
		{"C t\n(* open\n{}", "e.litmus:2:1: unterminated (* comment"},
		{"C t\n{}\nP0() {\n /* open", "e.litmus:4:2: unterminated /* comment"},
		{"C t\n\"doc\n", "e.litmus:2:1: unterminated string"},
		{"C t\n{ x = 99999999999999999999; }", "e.litmus:2:7: integer literal 99999999999999999999 out of range"},
		{"C t\n{ x = 012; }", "e.litmus:2:7: octal literal 012 not supported"},
		{"C t\n{ x = 1a; }", `e.litmus:2:7: malformed number "1a"`},
		{"C t\n{ x = 1; }\nP0() { r = #; }", `e.litmus:3:12: unexpected character '#'`},
		{"C t\n{}\nP0() {\n" + strings.Repeat("(", 500) + "x;\n}", "nesting deeper than 200"},
		{"C t\n{ * = 1; }", `e.litmus:2:3: expected location in initial state, found "*"`},
		{"C t\n{}\nP0(x) {}", "e.litmus:3:4: expected type of parameter"},
	} {
		_, err := Parse("e.litmus", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: got %v, want a *ParseError", c.src, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("%q:\n got %s\nwant %s", c.src, msg, c.want)
		}
	}
}

func TestParseFileMissing(t *testing.T) {
	_, err := ParseFile(filepath.Join(t.TempDir(), "none.litmus"))
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "none.litmus:1:1:") {
		t.Errorf("got %v", err)
	}
}

func TestPrimitives(t *testing.T) {
	for _, name := range []string{
		"READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release",
		"rcu_dereference", "rcu_assign_pointer", "smp_mb", "smp_wmb", "smp_rmb",
		"smp_read_barrier_depends", "smp_mb__before_atomic", "smp_mb__after_atomic",
		"smp_mb__after_spinlock", "smp_mb__after_unlock_lock", "barrier",
		"rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "atomic_read",
		"atomic_set", "atomic_add", "atomic_sub", "atomic_inc", "atomic_dec",
		"atomic_add_return", "atomic_sub_return_relaxed", "atomic_inc_return_acquire",
		"atomic_dec_return_release", "atomic_fetch_add", "atomic_fetch_inc_relaxed",
		"atomic_add_unless", "xchg", "xchg_relaxed", "xchg_acquire", "xchg_release",
		"cmpxchg", "cmpxchg_relaxed", "cmpxchg_acquire", "cmpxchg_release",
		"atomic_xchg", "atomic_cmpxchg", "spin_lock", "spin_unlock", "spin_trylock",
		"spin_is_locked",
	} {
		if _, ok := LookupPrimitive(name); !ok {
			t.Errorf("%s missing from the primitive table", name)
		}
	}
	check := func(name string, kind PrimKind, order Ordering, returns bool, arity, locArg int) {
		t.Helper()
		p, _ := LookupPrimitive(name)
		if p.Kind != kind || p.Order != order || p.Returns != returns || p.Arity != arity || p.LocArg != locArg {
			t.Errorf("%s: got %+v", name, p)
		}
	}
	check("READ_ONCE", KindLoad, OrderOnce, true, 1, 0)
	check("smp_store_release", KindStore, OrderRelease, false, 2, 0)
	check("atomic_add", KindRMW, OrderRelaxed, false, 2, 1)
	check("atomic_fetch_sub_acquire", KindRMW, OrderAcquire, true, 2, 1)
	check("cmpxchg", KindRMW, OrderMB, true, 3, 0)
	check("smp_wmb", KindFence, OrderWMB, false, 0, -1)
	check("spin_unlock", KindLock, OrderRelease, false, 1, 0)
	check("synchronize_rcu", KindRCU, OrderMB, false, 0, -1)
	if ps := Primitives(); len(ps) < 80 || ps[0].Name > ps[1].Name {
		t.Errorf("Primitives(): %d entries, unsorted or short", len(ps))
	}

	for _, c := range []struct{ body, want string }{
		{"foo(x);", `u.litmus:3:8: unknown primitive "foo": neither the kernel's linux-kernel.def nor steercheck defines it`},
		{"atomic_or(1, x);", `u.litmus:3:8: unsupported primitive "atomic_or": defined by the kernel's linux-kernel.def, but not supported by steercheck`},
		{"r0 = 1 + READ_ONCE(*x, 2);", "u.litmus:3:17: READ_ONCE takes 1 argument(s), got 2"},
		{"if (1) { smp_mb(); } else { smp_mb(1); }", "u.litmus:3:36: smp_mb takes 0 argument(s), got 1"},
	} {
		test, err := Parse("u.litmus", []byte("C u\n{}\nP0() { "+c.body+" }\nexists (true)"))
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckPrimitives(test); err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.body, err, c.want)
		}
	}
}
