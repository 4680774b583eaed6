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

// steeredStoreProgram builds a random program shaped like v2-2012's steering: a CPU
// takes a lock (or not), counts itself in with an atomic_inc_return (or reads the
// counter), stores a plain value when it was first, releases the lock, and reads the
// value back with READ_ONCE, then maybe writes what it read; the others do the same or
// read and write the shared locations. Under lkmm the lock read and the counter's RMW
// read are open before the plain store, which is what makes the second phase choose
// its exit mode (exitcut.go).
func steeredStoreProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("steered-%d", seed))
	l, c, v, y := p.Var("l", 0), p.Var("c", 0), p.Var("v", 0), p.Var("y", 0)
	nthreads := 2 + rng.Intn(2)
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		locked := rng.Intn(3) > 0
		if locked {
			th.SpinLock(l)
		}
		var first model.Reg
		if rng.Intn(3) > 0 {
			first = th.AtomicIncReturn(c)
		} else {
			first = th.ReadOnce(c)
		}
		q := ti%2 + 1
		th.If(model.Eq(first, 1), func() { th.Write(v, q) })
		if locked && rng.Intn(4) > 0 {
			th.SpinUnlock(l)
		}
		r := th.ReadOnce(v)
		switch rng.Intn(3) {
		case 0:
			th.WriteOnce(y, model.Add(r, 0))
		case 1:
			th.If(model.Eq(r, q), func() { th.WriteOnce(c, 0) })
		}
		if rng.Intn(3) == 0 {
			th.ReadOnce(y)
		}
	}
	return p
}

// The second phase's exit mode visits exactly the graphs candidate enumeration
// visits, each once: forced on every program where it applies (the load-buffering,
// branchy and steered-store programs), and chosen by itself on the steered-store
// programs, where it must be chosen for most.
func TestExitModeMatchesCandidates(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 50
	}
	defer model.SetExitMode(model.ExitAuto)
	cyclic := 0
	count := func(g *model.ExecutionGraph) {
		if model.HasPorfCycle(g) {
			cyclic++
		}
	}
	model.SetExitMode(model.ExitAlways)
	before := model.ExitModeRuns()
	for _, gen := range []func(int64) *model.Program{loadBufferingProgram, branchyProgram, steeredStoreProgram} {
		matchesCandidates(t, n, 12, gen, fingerprint, count)
	}
	forced := model.ExitModeRuns() - before
	model.SetExitMode(model.ExitAuto)
	before = model.ExitModeRuns() + model.MixedModeRuns()
	matchesCandidates(t, 2*n, 10, steeredStoreProgram, fingerprint, count)
	chosen := model.ExitModeRuns() + model.MixedModeRuns() - before
	// The programs must give exit mode work, or this test shows nothing (measured with
	// at most 12 memory instructions, the generators of lkmm's post-join rule included:
	// 48 forced and 11 chosen at n = 50, 134 and 37 at n = 150). A program whose open
	// pairs include one of a plain read chooses mixed mode, which cuts the gated pairs
	// at their exit all the same (mixedcut_external_test.go tests it further).
	assert.Greater(t, forced, int64(n*3/5), "second phases run in exit mode when forced")
	assert.Greater(t, chosen, int64(n/6), "second phases that chose exit or mixed mode on steered stores")
	assert.Greater(t, cyclic, 4*n, "graphs with a po ∪ rf cycle among the programs")
	t.Logf("%d forced and %d chosen exit- or mixed-mode second phases; %d graphs with a cycle", forced, chosen, cyclic)
}

// Exit mode found every graph on these load-buffering programs only once two of its
// maximality rules were fixed (found by running TestExitModeMatchesCandidates's
// comparison over 800 seeds): a read revisited to read the latest write it may read,
// below another thread's open write, is added maximally, and a spin-wait whose final
// iteration read such a write is not cut as blocked on a stale value. Either way a
// revisit that had to delete the read later was refused and graphs were lost: without
// the first rule on all five programs, without the second on lb-391, lb-421 and lb-776.
func TestExitModeKeepsReadsOfTheLatestReadableWrite(t *testing.T) {
	defer model.SetExitMode(model.ExitAuto)
	model.SetExitMode(model.ExitAlways)
	m, err := barriers.New("armv8")
	require.NoError(t, err)
	for _, seed := range []int64{281, 391, 421, 434, 776} {
		p := loadBufferingProgram(seed)
		what := fmt.Sprintf("armv8 %s in exit mode", p.Name)
		a := visitedOnce(t, p, m, fingerprint, what)
		b := candidateKeys(p, m, fingerprint, func(*model.ExecutionGraph) {})
		assert.Equal(t, keys(b), keys(a), "%s\n%s", what, p)
	}
}

// gapProgram is three CPUs running the same code: a READ_ONCE(y), a cmpxchg(x, 0, 2)
// whose read pairs with the later store to y (a failed cmpxchg orders nothing), and
// y++ under a lock. The exit cut speculates the reads of y; the one under the lock,
// after another CPU's critical section, must read that CPU's open store (the lock
// orders it first), so its maximal choice, the latest write it may read, is
// inconsistent, and every graph that needed a revisit to delete it was lost: 72 of 96
// graphs were visited under armv8 and lkmm (found by the symmetry tests).
func gapProgram() *model.Program {
	p := model.NewProgram("exit-cut-gap")
	x, y, l := p.Var("x", 0), p.Var("y", 0), p.Var("l", 0)
	for i := 0; i < 3; i++ {
		th := p.Thread(fmt.Sprintf("P%d", i), "cpu")
		th.ReadOnce(y)
		th.Cmpxchg(x, 0, 2)
		th.SpinLock(l)
		r := th.ReadOnce(y)
		th.WriteOnce(y, model.Add(r, 1))
		th.SpinUnlock(l)
	}
	return p
}

// At a read whose maximal choice the exit cut skips and cannot take (a gap), the first
// speculated value is the maximal one: every graph with a cycle is visited once, in
// exit mode (which the program chooses) as in entry mode.
func TestExitCutGapsAreSpeculatedMaximally(t *testing.T) {
	defer model.SetExitMode(model.ExitAuto)
	p := gapProgram()
	for _, mode := range []int{model.ExitAuto, model.ExitNever} {
		model.SetExitMode(mode)
		for _, name := range []string{"armv8", "lkmm"} {
			m, err := barriers.New(name)
			require.NoError(t, err)
			what := fmt.Sprintf("%s, exit mode %d", name, mode)
			a := visitedOnce(t, p, m, fingerprint, what)
			b := candidateKeys(p, m, fingerprint, func(*model.ExecutionGraph) {})
			assert.Equal(t, 96, len(b), "%s: the candidates", what)
			assert.Equal(t, keys(b), keys(a), "%s", what)
		}
	}
}
