package litmus

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// fuzzSeeds are small inputs that each reach one corner of the grammar,
// valid or not, so the fuzzer starts from every kind of construct.
var fuzzSeeds = []string{
	// Header forms.
	"C t\n{}\nP0() {}\nexists (true)\n",
	"C t \"doc\" ;\n{}\nP0() {}\nexists (false)\n",
	"C a/b.c-d+e[0]\nKey=Value\nOther = = x\n{}\nP0() {}\nforall (true)\n",
	"C t\n(* (* nested *) *) // line\n/* block */\n{}\nP0() {}\nexists (true)\n",
	"X86 t\n{}\n",
	"C\n{}\n",
	// Initial state forms.
	"C t\n{ int x = 1; y=0; int *p = &x; q=x; }\nP0() {}\nexists (x=1)\n",
	"C t\n{ atomic_t v = ATOMIC_INIT(-1); spinlock_t l; unsigned long z }\nP0() {}\nexists (v=-1)\n",
	"C t\n{ 0:r1=1; P1:r2 = x; int 0:r3 = 2; int **pp; }\nP0() {}\nP1() {}\nexists (0:r1=1)\n",
	"C t\n{ ; ; x = 0x1F; }\nP0() {}\nexists (x=31)\n",
	"C t\n{ x = 012; }\n",
	"C t\n{ * = 1; }\n",
	// Thread bodies.
	"C t\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); }\nexists (x=1)\n",
	"C t\n{}\nP0(int *x) { int r0; r0 = (*x); *x = r0 * (r0 - 1) / 2 % 3; }\nexists (x=0)\n",
	"C t\n{}\nP0(int *x) { if (*x) if (!*x) smp_mb(); else smp_rmb(); }\nexists (true)\n",
	"C t\n{}\nP0(int *x) { if (*x == 1) { smp_wmb(); } else if (*x) { } else barrier(); }\nexists (true)\n",
	"C t\n{}\nP0(int *x) { while (READ_ONCE(*x) < 3) { } { { } } }\nexists (true)\n",
	"C t\n{}\nP0(atomic_t *v) { (void)atomic_add_unless(v, 1, 0); int r = (int)~-1; }\nexists (true)\n",
	"C t\n{}\nP0(int *x) { r = a || b && c | d ^ e & f != g >= h >> i - j; }\nexists (true)\n",
	"C t\n{}\nP0(int **p) { int *r0 = rcu_dereference(*p); r1 = & &x; r2 = **p; }\nexists (true)\n",
	"C t\n{}\nP0(spinlock_t *l) { spin_lock(l); r = spin_trylock(l); spin_unlock(l); }\nexists (true)\n",
	"C t\n{}\nP0(void) { foo_t x; mytype y = 2; }\nexists (true)\n",
	"C t\n{}\nP0() { f(x) = 1; }\n",
	"C t\n{}\nP0() { r0 = ; }\n",
	"C t\n{}\nP1() {}\n",
	"C t\n{}\nP0() { r = (x_t) + 1; }\n",
	// Conditions.
	"C t\n{}\nP0() {}\nlocations [x; 0:r1;]\nfilter (~0:r0=1)\n~exists (0:r0=1)\n",
	"C t\n{}\nP0() {}\nlocations []\nnot exists 0:r0=1 \\/ x=2 /\\ y!=3\n",
	"C t\n{}\nP0() {}\nexists (a=1 => b=1 => c=1) ;\n",
	"C t\n{}\nP0() {}\nexists ((a=1 => b=1) /\\ (c=1 \\/ d=1))\n",
	"C t\n{}\nP0() {}\nexists (0:r0=x /\\ 0:r1=1:r0 /\\ x==[y] /\\ [true]=1)\n",
	"C t\n{}\nP0() {}\nexists (not ~not x=1)\n",
	"C t\n{}\nP0() {}\nexists (x 1)\n",
	"C t\n{}\nP0() {}\nexists (x=1) junk\n",
	"C t\n{}\nP0() {}\n",
}

// FuzzParse checks that Parse never panics, that every failure is a
// one-line *ParseError whose position lies inside the input, and that
// every success survives a format/parse round trip unchanged.
func FuzzParse(f *testing.F) {
	if _, err := os.Stat(kernelDir); err == nil {
		for _, path := range kernelFiles(f) {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Add([]byte(sample))
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		test, err := Parse("fuzz.litmus", src)
		if err != nil {
			checkError(t, src, err)
			return
		}
		_ = CheckPrimitives(test)
		if msg := roundTrip("fuzz.litmus", test); msg != "" {
			t.Fatalf("%s\ninput:\n%s", msg, src)
		}
	})
}

// checkError verifies that err is a *ParseError on one line whose
// position is inside src (or just past its end).
func checkError(t *testing.T, src []byte, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error of type %T: %v", err, err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("multi-line error %q", err.Error())
	}
	lines := bytes.Split(src, []byte("\n"))
	if pe.Line < 1 || pe.Line > len(lines) || pe.Col < 1 || pe.Col > len(lines[pe.Line-1])+1 {
		t.Fatalf("error position %d:%d outside the input: %v", pe.Line, pe.Col, err)
	}
}

// TestFuzzSeeds runs the seeds through the same checks in a plain test
// run, so a regression shows up without -fuzz.
func TestFuzzSeeds(t *testing.T) {
	valid := 0
	for _, s := range fuzzSeeds {
		test, err := Parse("seed.litmus", []byte(s))
		if err != nil {
			checkError(t, []byte(s), err)
			continue
		}
		valid++
		if msg := roundTrip("seed.litmus", test); msg != "" {
			t.Errorf("%q: %s", s, msg)
		}
	}
	if valid < len(fuzzSeeds)/2 {
		t.Errorf("only %d of %d seeds parse; the seeds should be mostly valid", valid, len(fuzzSeeds))
	}
}
