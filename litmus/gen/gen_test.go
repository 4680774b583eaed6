package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/litmus"
)

// perFamily is how many tests of each family the tests below generate.
const perFamily = 300

// Every generated tree survives Format and Parse unchanged, and its text is a valid
// test: the parser, the primitive table and the translator accept it.
func TestGeneratedTestsRoundTripAndTranslate(t *testing.T) {
	for _, f := range Families {
		for i := 0; i < perFamily; i++ {
			test, err := Generate(7, f, i)
			require.NoError(t, err)
			require.NoError(t, litmus.CheckRoundTrip(test.Name+".litmus", test), "reproduce: go run ./cmd/litmusgen -seed 7 -%s %d -out /tmp/gen", f, i+1)
			text := litmus.Format(test)
			parsed, err := litmus.Parse(test.Name+".litmus", []byte(text))
			require.NoError(t, err, text)
			require.NoError(t, litmus.CheckPrimitives(parsed), text)
			_, err = litmus.Translate(parsed)
			require.NoError(t, err, text)
		}
	}
}

// The same seed, family and index give the same test; another seed another one.
func TestGenerateIsDeterministic(t *testing.T) {
	differ := 0
	for _, f := range Families {
		for i := 0; i < 50; i++ {
			a, err := Generate(3, f, i)
			require.NoError(t, err)
			b, err := Generate(3, f, i)
			require.NoError(t, err)
			require.Equal(t, litmus.Format(a), litmus.Format(b))
			c, err := Generate(4, f, i)
			require.NoError(t, err)
			if litmus.Format(a) != litmus.Format(c) {
				differ++
			}
		}
	}
	assert.Greater(t, differ, 140, "another seed gives other tests")
	_, err := Generate(1, Family("loops"), 0)
	assert.EqualError(t, err, `gen: unknown family "loops" (want random, cycles or srcu)`)
}

// Each family produces what its documentation promises: every primitive family,
// every cycle shape and ordering method, every SRCU construct, and conditions that go
// every way (the counts are over perFamily tests of seed 7).
func TestFamiliesCoverTheirConstructs(t *testing.T) {
	texts := map[Family]string{}
	methods := map[Family]map[string]bool{}
	for _, f := range Families {
		var b strings.Builder
		methods[f] = map[string]bool{}
		for i := 0; i < perFamily; i++ {
			test, err := Generate(7, f, i)
			require.NoError(t, err)
			b.WriteString(litmus.Format(test))
			if _, ms, ok := strings.Cut(test.Doc, "; ordered by "); ok {
				for _, m := range strings.Split(ms, ", ") {
					methods[f][m] = true
				}
			}
		}
		texts[f] = b.String()
	}
	for _, m := range cycleMethods {
		assert.True(t, methods[Cycles][methodNames[m]], "cycles: no thread ordered by %s", methodNames[m])
	}
	for _, m := range srcuMethods {
		assert.True(t, methods[SRCU][methodNames[m]], "srcu: no thread ordered by %s", methodNames[m])
	}
	want := map[Family][]string{
		Random: {"READ_ONCE(", "WRITE_ONCE(", "smp_load_acquire(", "smp_store_release(", " = *", "\t*x = ",
			"smp_mb()", "smp_rmb()", "smp_wmb()", "smp_mb__before_atomic()", "smp_mb__after_atomic()", "barrier()",
			"xchg_relaxed(", "cmpxchg_acquire(", "xchg_release(", "atomic_inc(", "atomic_fetch_sub_acquire(",
			"atomic_add_return_relaxed(", "atomic_cmpxchg(", "atomic_add_unless(", "atomic_dec_and_test(",
			"atomic_read_acquire(", "atomic_set_release(", "if (", "} else {", "(r0 & 8) + ", " + (r0 & 8);",
			"spin_lock(l);", "rcu_read_lock();", "synchronize_rcu();"},
		Cycles: {`"LB: `, `"MP: `, `"SB: `, `"S: `, `"R: `, `"2+2W: `, `"3-thread cycle`, `"4-thread cycle`,
			"WRITE_ONCE(*z9, 1);", "smp_mb__after_atomic();", "synchronize_rcu_expedited();"},
		SRCU: {"srcu_read_lock(s)", "srcu_read_unlock(s, ", "srcu_down_read(s)", "srcu_up_read(s, ",
			"synchronize_srcu(s);", "synchronize_srcu(s2);", "synchronize_srcu_expedited(", "srcu_read_lock(s2)",
			"smp_mb__after_srcu_read_unlock();",
			"WRITE_ONCE(*ip, ", "smp_store_release(ip, ", "READ_ONCE(*ip)", "smp_load_acquire(ip)",
			"synchronize_srcu(s);\n", "rcu_read_lock();\n\tsynchronize_srcu(s);"},
	}
	for f, subs := range want {
		for _, s := range subs {
			assert.Contains(t, texts[f], s, "family %s", f)
		}
	}
}

// Write puts each family in its folder under the test's name.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	paths, err := Write(dir, 5, map[Family]int{Random: 2, SRCU: 1})
	require.NoError(t, err)
	require.Equal(t, []string{
		filepath.Join(dir, "random", "R00000.litmus"), filepath.Join(dir, "random", "R00001.litmus"),
		filepath.Join(dir, "srcu", "S00000.litmus")}, paths)
	b, err := os.ReadFile(paths[2])
	require.NoError(t, err)
	want, err := Generate(5, SRCU, 0)
	require.NoError(t, err)
	assert.Equal(t, litmus.Format(want), string(b))
}

// The corpus in litmus/testdata/generated2 is this generator's, seed 2: every file is
// what Generate makes for its name, so the corpus can be remade (and grown) here. A
// change to the generator that changes them needs herd7 to remake the TSVs there.
func TestGenerated2IsReproducible(t *testing.T) {
	counts := map[Family]int{Random: 400, Cycles: 400, SRCU: 200}
	for _, f := range Families {
		files, err := filepath.Glob(filepath.Join("..", "testdata", "generated2", string(f), "*.litmus"))
		require.NoError(t, err)
		require.Len(t, files, counts[f], "family %s", f)
		for i, path := range files {
			want, err := Generate(2, f, i)
			require.NoError(t, err)
			require.Equal(t, want.Name+".litmus", filepath.Base(path))
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, litmus.Format(want), string(got),
				"reproduce: go run ./cmd/litmusgen -seed 2 -random 400 -cycles 400 -srcu 200 -out /tmp/g2 && diff -r /tmp/g2 litmus/testdata/generated2")
		}
	}
}
