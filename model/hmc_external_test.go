package model_test

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// graphSet runs explore and returns the fingerprints of the graphs it visited,
// failing the test if one is visited twice.
func graphSet(t *testing.T, what string, explore func(visit func(*model.ExecutionGraph) bool) model.Result) (map[string]bool, model.Result) {
	t.Helper()
	out := map[string]bool{}
	dup := ""
	res := explore(func(g *model.ExecutionGraph) bool {
		fp := g.Fingerprint()
		if out[fp] && dup == "" {
			dup = fp
		}
		out[fp] = true
		return true
	})
	require.Empty(t, dup, "%s: a graph visited twice", what)
	return out, res
}

// hmcAgainstCandidates compares ExploreHMC with the candidate enumerator on p under
// the named model.
func hmcAgainstCandidates(t *testing.T, name string, p *model.Program, what string) bool {
	t.Helper()
	m, err := barriers.New(name)
	require.NoError(t, err)
	a, ra := graphSet(t, what+" hmc", func(v func(*model.ExecutionGraph) bool) model.Result {
		return model.ExploreHMC(p, m, model.Options{MaxSteps: 5_000_000}, v)
	})
	require.Equal(t, model.Exhausted, ra.Reason, "%s: hmc", what)
	b := map[string]bool{}
	if name == "sc" || name == "tso" {
		b, _ = graphSet(t, what+" explore", func(v func(*model.ExecutionGraph) bool) model.Result {
			return model.Explore(p, m, model.Options{}, v)
		})
	} else {
		model.ExploreCandidates(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			b[g.Fingerprint()] = true
			return true
		})
	}
	hmcGraphs += len(a)
	return assert.Equal(t, keys(b), keys(a), "%s\n%s", what, p)
}

var hmcGraphs int // graphs compared, for the tests' logs

func TestHMCMatchesCandidatesOnRandomPrograms(t *testing.T) {
	hmcOnSeeds(t, []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"}, randomProgram, "TestHMCMatchesCandidatesOnRandomPrograms")
}

// hmcOnSeeds compares ExploreHMC with the candidate enumerator on the programs gen
// makes from the first seeds (150, 40 with -short, STEERCHECK_HMC_SEEDS when set) of
// at most 8 accesses, under each of models.
func hmcOnSeeds(t *testing.T, models []string, gen func(int64) *model.Program, test string) {
	n := 150
	if testing.Short() {
		n = 40
	}
	n = hmcSeeds(n)
	defer func(g int) { t.Logf("%d graphs", hmcGraphs-g) }(hmcGraphs)
	for _, name := range models {
		for seed := int64(1); seed <= int64(n); seed++ {
			p := gen(seed)
			if sizeOf(p) > 8 {
				continue
			}
			if !hmcAgainstCandidates(t, name, p, fmt.Sprintf("%s seed %d (go test ./model -run %s)", name, seed, test)) {
				return
			}
		}
	}
}

// hmcSeeds is n, or STEERCHECK_HMC_SEEDS when set (longer runs by hand).
func hmcSeeds(n int) int {
	if v, err := strconv.Atoi(os.Getenv("STEERCHECK_HMC_SEEDS")); err == nil && v > 0 {
		return v
	}
	return n
}

// plainDependencyProgram is a random program of plain and marked accesses whose
// writes depend on earlier reads by data and control: the shapes in which lkmm allows
// cycles of dependencies (docs/DESIGN.md, C00069).
func plainDependencyProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("plaindep-%d", seed))
	locs := []model.Addr{p.Var("x", 0), p.Var("y", 0), p.Var("z", 0)}
	nthreads := 2 + rng.Intn(2)
	for ti := 0; ti < nthreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		for s := 0; s < 1+rng.Intn(3); s++ {
			l := locs[rng.Intn(len(locs))]
			marked := rng.Intn(2) == 0
			switch rng.Intn(4) {
			case 0, 1:
				if marked {
					regs = append(regs, th.ReadOnce(l))
				} else {
					regs = append(regs, th.Read(l))
				}
			case 2:
				var v any = 1 + rng.Intn(2)
				if len(regs) > 0 && rng.Intn(2) == 0 {
					v = model.Add(model.Sub(regs[len(regs)-1], regs[len(regs)-1]), 1)
				}
				if marked {
					th.WriteOnce(l, v)
				} else {
					th.Write(l, v)
				}
			case 3:
				if len(regs) == 0 {
					th.SmpMb()
					continue
				}
				r := regs[rng.Intn(len(regs))]
				th.If(model.Ne(r, 0), func() { th.WriteOnce(l, 1) })
			}
		}
	}
	return p
}

func TestHMCMatchesCandidatesOnPlainDependencies(t *testing.T) {
	hmcOnSeeds(t, []string{"lkmm", "armv8"}, plainDependencyProgram, "TestHMCMatchesCandidatesOnPlainDependencies")
}

// C00069 of the generated corpus: herd7 allows the cycle whose every program-order
// edge is a dependency, because the plain read's control dependency is not ordered.
func TestHMCBuildsDependencyCycleThroughPlainRead(t *testing.T) {
	p := model.NewProgram("C00069")
	x, y := p.Var("x", 0), p.Var("y", 0)
	p0 := p.Thread("P0", "cpu")
	r0 := p0.ReadOnce(x)
	p0.WriteOnce(y, model.Add(model.Sub(r0, r0), 1))
	p1 := p.Thread("P1", "cpu")
	r1 := p1.Read(y)
	p1.If(model.Ne(r1, 0), func() { p1.WriteOnce(x, 1) })
	m, err := barriers.New("lkmm")
	require.NoError(t, err)
	cycle := false
	res := model.ExploreHMC(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		cycle = cycle || g.Reg(0, r0.ID) == 1 && g.Reg(1, r1.ID) == 1
		return true
	})
	require.Equal(t, model.Exhausted, res.Reason)
	assert.True(t, cycle, "the cycle herd7 allows was not built")
	hmcAgainstCandidates(t, "lkmm", p, "C00069")
}
