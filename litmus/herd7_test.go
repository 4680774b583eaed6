package litmus

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kernelDef is the kernel model's macro file, reference data outside the project.
var kernelDef = filepath.Join("..", "..", "shared", "litmus", "lkmm-model", "linux-kernel.def")

// The list of herd7 macros is the kernel's linux-kernel.def, name for name.
func TestHerd7MacrosMatchTheKernelDef(t *testing.T) {
	src, err := os.ReadFile(kernelDef)
	if err != nil {
		t.Skipf("no linux-kernel.def at %s (reference data of the project's checkout): %v", kernelDef, err)
	}
	var want []string
	for _, m := range regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*)\(`).FindAllStringSubmatch(string(src), -1) {
		want = append(want, m[1])
	}
	sort.Strings(want)
	var got []string
	for n := range herd7Macros {
		got = append(got, n)
	}
	sort.Strings(got)
	assert.Equal(t, want, got, "go test -run TestHerd7MacrosMatchTheKernelDef ./litmus/")
}

// herd7 runs every one of the kernel's own tests, so CheckHerd7 must pass them all.
func TestCheckHerd7AcceptsTheKernelTests(t *testing.T) {
	for _, f := range kernelFiles(t) {
		test, err := ParseFile(f)
		require.NoError(t, err)
		assert.NoError(t, CheckHerd7(test), "go test -run TestCheckHerd7AcceptsTheKernelTests ./litmus/")
	}
}

// herd7Case builds a one-thread test around a body.
func herd7Case(init, params, body string) string {
	return "C T\n\n{\n\tint x = 0;\n" + init + "}\n\nP0(" + params + ")\n{\n\tint r0;\n\n" + body + "\n}\n\nexists (0:r0=0)\n"
}

// Each of these is rejected by herd7 7.58 with the kernel's model (the message it
// printed is in the comment), and by CheckHerd7; the last ones it runs.
func TestCheckHerd7(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{
		// Unknown macro smp_read_barrier_depends (User error)
		{"rbd", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nsmp_read_barrier_depends();"), "smp_read_barrier_depends is no macro"},
		// Cannot find the size of type spinlock_t
		{"spinlock init", herd7Case("\tspinlock_t l;\n", "int *x, spinlock_t *l", "spin_lock(l);\nr0 = READ_ONCE(*x);\nspin_unlock(l);"), "cannot size spinlock_t l"},
		// unexpected '}' (in prog)
		{"empty if", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nif (r0 == 1) {\n}"), "empty block"},
		{"comment-only if", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nif (r0 == 1) {\n// nothing\n}"), "empty block"},
		{"empty thread", "C T\n{ int x = 0; }\nP0(int *x)\n{\n}\nP1(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\nexists (1:r0=0)\n", "empty body of P0"},
		// unexpected '&' (in prog)
		{"&&", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nif (r0 == 0 && r0 == 0) {\nWRITE_ONCE(*x, 1);\n}"), "no operator &&"},
		// Lex error C lexer
		{"!", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nif (!r0) {\nWRITE_ONCE(*x, 1);\n}"), "no unary !"},
		{"%", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nWRITE_ONCE(*x, r0 % 2);"), "no operator %"},
		// unexpected '-' (in prog)
		{"-r0", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nWRITE_ONCE(*x, -r0);"), "no unary -"},
		// unexpected 'lock' (in prog)
		{"lock", herd7Case("", "int *x, spinlock_t *lock", "spin_lock(lock);\nr0 = READ_ONCE(*x);\nspin_unlock(lock);"), "lock is a word herd7's C reserves"},
		// Observation T Always 1 0
		{"&", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nif ((r0 == 0) & (r0 == 0)) {\nWRITE_ONCE(*x, 1);\n}"), ""},
		{"-1", herd7Case("", "int *x", "r0 = READ_ONCE(*x);\nWRITE_ONCE(*x, -1 + (r0 - r0));"), ""},
		{"spinlock parameter", herd7Case("", "int *x, spinlock_t *l", "spin_lock(l);\nr0 = READ_ONCE(*x);\nspin_unlock(l);"), ""},
	} {
		test, err := Parse(c.name+".litmus", []byte(c.src))
		require.NoError(t, err, c.name)
		err = CheckHerd7(test)
		if c.want == "" {
			assert.NoError(t, err, "%s: go test -run TestCheckHerd7 ./litmus/", c.name)
			continue
		}
		require.Error(t, err, "%s: go test -run TestCheckHerd7 ./litmus/", c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
		assert.Equal(t, 1, strings.Count(err.Error()+"\n", "\n"), "one line: %q", err.Error())
	}
}

func TestCheckDeclarations(t *testing.T) {
	good := "C T\n{\n\tint x = 0;\n\tatomic_t a = ATOMIC_INIT(0);\n}\n" +
		"P0(int *x, atomic_t *a, spinlock_t *l)\n{\n\tint r0;\n\tspin_lock(l);\n\tr0 = READ_ONCE(*x);\n\tatomic_inc(a);\n\tspin_unlock(l);\n}\n" +
		"exists (0:r0=0 /\\ a=1 /\\ [x]=0)\n"
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"good", "", "", ""},
		{"unused local", "\tint r0;\n", "\tint r0;\n\tint r9;\n", "P0 declares r9 and never uses it"},
		{"unused parameter", "spinlock_t *l)", "spinlock_t *l, int *y)", "parameter y is never used"},
		{"undeclared parameter", "\tint x = 0;\n", "", "parameter x is no location of the initial state"},
		{"unused location", "\tint x = 0;\n", "\tint x = 0;\n\tint z = 0;\n", "declares z and no thread uses it"},
		{"undeclared register", "0:r0=0", "0:r1=0", "0:r1 names no register P0 declares"},
		{"unknown location", "[x]=0", "[y]=0", "y names no location"},
	} {
		src := good
		if c.old != "" {
			require.Contains(t, good, c.old, c.name)
			src = strings.Replace(good, c.old, c.new, 1)
		}
		test, err := Parse(c.name+".litmus", []byte(src))
		require.NoError(t, err, c.name)
		err = CheckDeclarations(test)
		if c.want == "" {
			assert.NoError(t, err, "%s: go test -run TestCheckDeclarations ./litmus/", c.name)
			continue
		}
		require.Error(t, err, "%s: go test -run TestCheckDeclarations ./litmus/", c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
}
