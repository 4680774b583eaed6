package model_test

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// exploreOutcomes runs the graph explorer under sc and returns the outcome set, the
// number of executions, and fails the test if any graph is visited twice.
func exploreOutcomes(t *testing.T, p *model.Program) (map[string]bool, int64) {
	t.Helper()
	m, err := barriers.New("sc")
	require.NoError(t, err)
	seen := map[string]bool{}
	outs := map[string]bool{}
	dup := ""
	res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		fp := g.Fingerprint()
		if seen[fp] && dup == "" {
			dup = fp
		}
		seen[fp] = true
		outs[model.OutcomeOf(g).Key()] = true
		return true
	})
	require.Empty(t, dup, "graph visited twice:\n%s", dup)
	require.Equal(t, model.Exhausted, res.Reason)
	return outs, res.Executions
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func naiveKeys(r model.NaiveResult) []string {
	var out []string
	for k := range r.Outcomes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func checkAgainstNaive(t *testing.T, p *model.Program) {
	t.Helper()
	outs, execs := exploreOutcomes(t, p)
	nv := model.NaiveExplore(p, 0)
	if !assert.Equal(t, naiveKeys(nv), keys(outs), "outcome sets differ\n%s", p) {
		return
	}
	assert.LessOrEqual(t, execs, nv.Interleavings, "explorer visited more executions than there are interleavings")
}

func TestStoreBufferingSC(t *testing.T) {
	p := model.NewProgram("SB")
	x, y := p.Var("x", 0), p.Var("y", 0)
	p0 := p.Thread("P0", "cpu")
	p0.WriteOnce(x, 1)
	p0.ReadOnce(y)
	p1 := p.Thread("P1", "cpu")
	p1.WriteOnce(y, 1)
	p1.ReadOnce(x)
	outs, execs := exploreOutcomes(t, p)
	assert.Equal(t, 3, len(outs), "SC forbids r0=0 ∧ r1=0: %v", keys(outs))
	assert.Equal(t, int64(3), execs)
	checkAgainstNaive(t, p)
}

func TestMessagePassingWithLockAndAwait(t *testing.T) {
	p := model.NewProgram("MP+lock+await")
	x, flag, l := p.Var("x", 0), p.Var("flag", 0), p.Var("l", 0)
	p0 := p.Thread("P0", "cpu")
	p0.SpinLock(l)
	p0.WriteOnce(x, 1)
	p0.SpinUnlock(l)
	p0.StoreRelease(flag, 1)
	p1 := p.Thread("P1", "cpu")
	p1.Await(func() model.Expr { return model.Eq(p1.LoadAcquire(flag), 1) })
	p1.SpinLock(l)
	p1.ReadOnce(x)
	p1.SpinUnlock(l)
	checkAgainstNaive(t, p)
}

func TestDeadlockIsReportedBlocked(t *testing.T) {
	p := model.NewProgram("ABBA")
	a, b := p.Var("a", 0), p.Var("b", 0)
	p0 := p.Thread("P0", "cpu")
	p0.SpinLock(a)
	p0.SpinLock(b)
	p0.SpinUnlock(b)
	p0.SpinUnlock(a)
	p1 := p.Thread("P1", "cpu")
	p1.SpinLock(b)
	p1.SpinLock(a)
	p1.SpinUnlock(a)
	p1.SpinUnlock(b)
	m, _ := barriers.New("sc")
	res := model.Explore(p, m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
	assert.Equal(t, int64(1), res.Blocked, "exactly one deadlocked execution (both hold one lock)")
	checkAgainstNaive(t, p)
}

// randomLocations declares two or three locations x0, x1, … and a lock word l, and
// draws a number of threads, 2 or 3.
func randomLocations(rng *rand.Rand, p *model.Program) ([]model.Array, model.Array, int) {
	locs := make([]model.Array, 2+rng.Intn(2))
	for i := range locs {
		locs[i] = p.Var(fmt.Sprintf("x%d", i), 0)
	}
	return locs, p.Var("l", 0), 2 + rng.Intn(2)
}

// randomValue draws a value to write: one of the registers plus one a third of the
// time (a data dependency), otherwise a constant from lo to 2.
func randomValue(rng *rand.Rand, regs []model.Reg, lo int) any {
	if len(regs) > 0 && rng.Intn(3) == 0 {
		return model.Add(regs[rng.Intn(len(regs))], 1)
	}
	return lo + rng.Intn(3-lo)
}

// randomProgram builds a small program from a seed: 2–3 threads of 1–4 statements over
// two or three locations, mixing every kind of access the DSL has.
func randomProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("random-%d", seed))
	locs, lock, nthreads := randomLocations(rng, p)
	nloc := len(locs)
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		val := func() any { return randomValue(rng, regs, 1) }
		n := 1 + rng.Intn(4)
		for s := 0; s < n; s++ {
			l := locs[rng.Intn(nloc)]
			switch rng.Intn(9) {
			case 0, 1:
				regs = append(regs, th.ReadOnce(l))
			case 2, 3:
				th.WriteOnce(l, val())
			case 4:
				regs = append(regs, th.AtomicIncReturn(l))
			case 5:
				regs = append(regs, th.Cmpxchg(l, 0, val()))
			case 6:
				th.SpinLock(lock)
				th.WriteOnce(l, val())
				regs = append(regs, th.ReadOnce(locs[rng.Intn(nloc)]))
				th.SpinUnlock(lock)
			case 7:
				v := 1 + rng.Intn(2)
				th.Await(func() model.Expr { return model.Ge(th.ReadOnce(l), v) })
			case 8:
				if len(regs) > 0 {
					r := regs[rng.Intn(len(regs))]
					th.If(model.Eq(r, 0), func() { th.WriteOnce(l, 2) }, func() { regs = append(regs, th.ReadOnce(l)) })
				} else {
					th.SmpMb()
				}
			}
		}
	}
	return p
}

func TestExplorerMatchesNaiveOnRandomPrograms(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 150
	}
	var totalExec, totalInter int64
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		outs, execs := exploreOutcomes(t, p)
		nv := model.NaiveExplore(p, 0)
		totalExec += execs
		totalInter += nv.Interleavings
		if !assert.Equal(t, naiveKeys(nv), keys(outs), "seed %d: outcome sets differ; reproduce: go test ./model -run 'TestExplorerMatchesNaiveOnRandomPrograms' (seed %d)\n%s", seed, seed, p) {
			return
		}
		if !assert.LessOrEqual(t, execs, nv.Interleavings, "seed %d", seed) {
			return
		}
	}
	t.Logf("%d random programs: %d executions explored, %d interleavings", n, totalExec, totalInter)
}
