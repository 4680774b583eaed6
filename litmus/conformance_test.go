package litmus

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/model"
)

// The kernel's litmus tests against herd7's verdicts under the kernel memory model
// (testdata/kernel/expected.tsv: file, the verdict the test's comment
// claims, herd7's verdict, herd7's positive and negative counts).

// conformanceModel is the model the kernel tests are judged under.
const conformanceModel = "lkmm"

type herdExpect struct {
	file     string // path relative to kernelDir
	verdict  string // Never, Sometimes or Always
	pos, neg int64
}

// loadExpected reads expected.tsv.
func loadExpected(tb testing.TB) []herdExpect {
	tb.Helper()
	path := filepath.Join(kernelDir, "expected.tsv")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("herd7 verdicts not found: %v", err)
	}
	defer f.Close()
	var out []herdExpect
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 1 || len(cols) < 5 {
			continue
		}
		pos, err1 := strconv.ParseInt(cols[3], 10, 64)
		neg, err2 := strconv.ParseInt(cols[4], 10, 64)
		if err1 != nil || err2 != nil {
			tb.Fatalf("%s:%d: bad counts %q %q", path, line, cols[3], cols[4])
		}
		out = append(out, herdExpect{file: cols[0], verdict: cols[2], pos: pos, neg: neg})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// kernelOutcome is what running one kernel test gave.
type kernelOutcome struct {
	exp         herdExpect
	res         *Result
	err         error
	unsupported *UnsupportedError
}

// runKernelFolder parses, translates and runs every test of expected.tsv, on all
// CPUs. The tests are independent; each run gets its own model instance.
func runKernelFolder(tb testing.TB, exps []herdExpect, modelName string) []kernelOutcome {
	out := make([]kernelOutcome, len(exps))
	parallelFor(len(exps), func(i int) {
		o := &out[i]
		o.exp = exps[i]
		test, err := ParseFile(filepath.Join(kernelDir, exps[i].file))
		if err == nil {
			o.res, err = Run(test, modelName, model.Options{})
		}
		o.err = err
		errors.As(err, &o.unsupported)
	})
	return out
}

// TestKernelLitmusConformance requires our verdict and counts to equal herd7's for
// every kernel test we support, and lists the ones we do not.
func TestKernelLitmusConformance(t *testing.T) {
	exps := loadExpected(t)
	listed := map[string]bool{}
	for _, e := range exps {
		listed[filepath.ToSlash(e.file)] = true
	}
	for _, f := range kernelFiles(t) {
		rel, _ := filepath.Rel(kernelDir, f)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s has no herd7 verdict in expected.tsv", rel)
		}
	}
	agree, disagree := 0, 0
	var unsupported []string
	for _, o := range runKernelFolder(t, exps, conformanceModel) {
		switch {
		case o.unsupported != nil:
			unsupported = append(unsupported, fmt.Sprintf("%s (%s)", o.exp.file, o.unsupported.Primitive))
		case o.err != nil:
			disagree++
			t.Errorf("%s: %v", o.exp.file, o.err)
		default:
			got := fmt.Sprintf("%s %d %d", o.res.Observation(), o.res.Positive, o.res.Negative)
			want := fmt.Sprintf("%s %d %d", o.exp.verdict, o.exp.pos, o.exp.neg)
			if got != want {
				disagree++
				t.Errorf("%s under %s: got %s, herd7 says %s\n%s", o.exp.file, conformanceModel, got, want, FormatHerd(o.res))
			} else {
				agree++
			}
		}
	}
	for _, u := range unsupported {
		t.Logf("unsupported: %s", u)
	}
	t.Logf("kernel litmus tests under %s: %d agree with herd7, %d disagree, %d unsupported (of %d)",
		conformanceModel, agree, disagree, len(unsupported), len(exps))
}

// BenchmarkKernelLitmusFolder measures parsing, translating and running the whole
// kernel folder in one process, as the conformance test does.
func BenchmarkKernelLitmusFolder(b *testing.B) {
	exps := loadExpected(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, o := range runKernelFolder(b, exps, conformanceModel) {
			if o.err != nil && o.unsupported == nil {
				b.Fatal(o.err)
			}
		}
	}
}

// TestKernelModelsNested checks, on the kernel tests, that a weaker model never
// forbids what a stronger one allows: sc is the strongest; x86-TSO and ARMv8 under
// the kernel's mappings must be sound for lkmm, and lkmm-alpha only weakens lkmm.
func TestKernelModelsNested(t *testing.T) {
	exps := loadExpected(t)
	allowed := map[string][]bool{}
	for _, m := range []string{"sc", "tso", "armv8", "lkmm", "lkmm-alpha"} {
		for _, o := range runKernelFolder(t, exps, m) {
			if o.err != nil && o.unsupported == nil {
				t.Errorf("%s under %s: %v", o.exp.file, m, o.err)
			}
			allowed[m] = append(allowed[m], o.res != nil && o.res.Positive > 0)
		}
	}
	for _, pair := range [][2]string{{"sc", "tso"}, {"sc", "armv8"}, {"tso", "lkmm"}, {"armv8", "lkmm"}, {"lkmm", "lkmm-alpha"}} {
		strong, weak := pair[0], pair[1]
		for i, e := range exps {
			if allowed[strong][i] && !allowed[weak][i] {
				t.Errorf("%s: %s allows the condition but the weaker %s forbids it", e.file, strong, weak)
			}
		}
	}
}
