package litmus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/steercheck/steercheck/model"
)

// FuzzTranslate feeds every input that parses through Translate and Run under sc and
// (but with -short) lkmm, whose flags and SRCU parts only it has, with a small budget: nothing may
// panic, every error is a *ParseError or an *UnsupportedError, the counts add up, and
// the formatted test (Format) gives the same result under sc as the original.
//
//	go test ./litmus/ -run XXX -fuzz FuzzTranslate -fuzztime 60s
func FuzzTranslate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	extra := []string{
		"C p\n{ int *p = &x; 0:r1 = y; }\nP0(int **p, int *y) { int *r0 = READ_ONCE(*p); WRITE_ONCE(*r0, *r1 + 1); r1 = r0; }\nexists (0:r1=x)\n",
		"C d\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); int r1 = *r0; }\nexists (0:r1=0)\n",
		"C l\n{}\nP0(spinlock_t *l) { spin_lock(l); spin_lock(l); }\nexists (true)\n",
		"C s\n{}\nP0(int *x) { int r0 = READ_ONCE(*x) && READ_ONCE(*x) || xchg_relaxed(x, 2); }\nforall (0:r0=0)\n",
		"C c\n{}\nP0(int *x) { if (cmpxchg_acquire(x, 0, 1) == 0) { if (spin_trylock(x)) spin_unlock(x); } }\nexists (x=1)\n",
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
	for _, dir := range []string{"testdata", kernelDir} {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(path) == ".litmus" {
				if src, err := os.ReadFile(path); err == nil {
					f.Add(src)
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		test, err := Parse("fuzz.litmus", src)
		if err != nil || !smallEnough(test) {
			return
		}
		if !testing.Short() { // -short (make test) runs the seeds, which the corpus tests run under lkmm
			checkRun(t, test, "lkmm")
		}
		res := checkRun(t, test, "sc")
		if res == nil {
			return
		}

		// Printing the test does not change what it means.
		again, err := Parse("fuzz.litmus", []byte(Format(test)))
		if err != nil {
			t.Fatalf("the formatted test does not parse: %v", err)
		}
		res2, err := Run(again, "sc", model.Options{MaxExecutions: 300, Timeout: time.Second})
		if err != nil {
			t.Fatalf("the formatted test does not run: %v", err)
		}
		if res.Complete() && res2.Complete() && FormatHerd(res) != FormatHerd(res2) {
			t.Fatalf("formatting changed the result:\n%s\n%s", FormatHerd(res), FormatHerd(res2))
		}
	})
}

// checkRun runs test under modelName with a small budget and checks that an error is
// a *ParseError or an *UnsupportedError and that the counts add up; it returns nil
// on an error.
func checkRun(t *testing.T, test *Test, modelName string) *Result {
	res, err := Run(test, modelName, model.Options{MaxExecutions: 300, Timeout: time.Second})
	if err != nil {
		var pe *ParseError
		var ue *UnsupportedError
		if !errors.As(err, &pe) && !errors.As(err, &ue) {
			t.Fatalf("%s: error of type %T: %v", modelName, err, err)
		}
		return nil
	}
	counted := res.Positive + res.Negative + res.Filtered + res.Blocked + res.Faults
	if counted != res.Stats.Executions {
		t.Fatalf("%s: counted %d executions, explored %d", modelName, counted, res.Stats.Executions)
	}
	if int64(len(res.States)) > res.Positive+res.Negative {
		t.Fatalf("%s: %d states from %d executions", modelName, len(res.States), res.Positive+res.Negative)
	}
	_ = FormatHerd(res)
	return res
}

// smallEnough bounds the size of a fuzzed test so one input explores quickly.
func smallEnough(t *Test) bool {
	if len(t.Threads) > 4 {
		return false
	}
	n := 0
	for _, th := range t.Threads {
		for _, s := range th.Body {
			Inspect(s, func(Node) bool { n++; return true })
		}
	}
	return n <= 200
}
