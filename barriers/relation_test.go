package barriers

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// pairs lists a relation's pairs, for comparisons.
func pairs(r *rel) [][2]int {
	var out [][2]int
	for i := 0; i < r.n; i++ {
		for j := 0; j < r.n; j++ {
			if r.has(i, j) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

func relOf(a *algebra, ps ...[2]int) *rel {
	r := a.newRel()
	for _, p := range ps {
		r.add(p[0], p[1])
	}
	return r
}

func TestAlgebraBasics(t *testing.T) {
	var a algebra
	a.reset(70) // two words per row
	x := relOf(&a, [2]int{0, 1}, [2]int{1, 65}, [2]int{65, 3})
	y := relOf(&a, [2]int{1, 65}, [2]int{3, 0})

	assert.Equal(t, [][2]int{{0, 1}, {1, 65}, {3, 0}, {65, 3}}, pairs(a.union(x, y)))
	assert.Equal(t, [][2]int{{1, 65}}, pairs(a.inter(x, y)))
	assert.Equal(t, [][2]int{{0, 1}, {65, 3}}, pairs(a.minus(x, y)))
	assert.Equal(t, [][2]int{{0, 65}, {1, 3}}, pairs(a.seq(x, x)))
	assert.Equal(t, [][2]int{{1, 0}, {3, 65}, {65, 1}}, pairs(a.inv(x)))
	assert.Equal(t, [][2]int{{0, 1}, {0, 3}, {0, 65}, {1, 3}, {1, 65}, {65, 3}}, pairs(a.plus(x)))
	assert.Len(t, pairs(a.star(x)), 6+70)
	assert.True(t, a.opt(x).has(69, 69))

	s := a.newSet()
	s.add(1)
	s.add(65)
	assert.Equal(t, [][2]int{{1, 65}}, pairs(a.restrict(s, x, s)))
	assert.Equal(t, [][2]int{{1, 1}, {65, 65}}, pairs(a.id(s)))
	assert.Equal(t, 4, a.cross(s, s).count())
	assert.True(t, a.domain(x).has(65) && !a.domain(x).has(3))
	assert.True(t, a.rangeOf(x).has(3) && !a.rangeOf(x).has(0))
	assert.True(t, a.complement(s).has(0) && !a.complement(s).has(65))

	assert.True(t, a.acyclic(x))
	assert.False(t, a.acyclic(a.union(x, y)), "0→1→65→3→0")
	assert.True(t, x.irreflexive())
	assert.False(t, a.plus(a.union(x, y)).irreflexive())
	assert.True(t, a.newRel().empty())
}

// acyclic (depth-first search) must agree with "the transitive closure is
// irreflexive" on random relations.
func TestAcyclicAgreesWithClosure(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var a algebra
	for it := 0; it < 300; it++ {
		n := 1 + rng.Intn(150)
		a.reset(n)
		r := a.newRel()
		edges := rng.Intn(2 * n)
		for e := 0; e < edges; e++ {
			i, j := rng.Intn(n), rng.Intn(n)
			if rng.Intn(4) != 0 && i >= j { // mostly forward edges, so both answers occur
				continue
			}
			r.add(i, j)
		}
		require.Equal(t, a.plus(r).irreflexive(), a.acyclic(r), "n=%d", n)
	}
}

// seq and plus skip the nodes that cannot contribute (no successor in the right
// operand; not both a predecessor and a successor): on random relations, sparse and
// dense, they must give what the definitions give, pair by pair.
func TestSeqAndPlusAgreeWithDefinitions(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var a algebra
	random := func(n, edges int) *rel {
		r := a.newRel()
		for e := 0; e < edges; e++ {
			r.add(rng.Intn(n), rng.Intn(n))
		}
		return r
	}
	for it := 0; it < 200; it++ {
		n := 1 + rng.Intn(140)
		a.reset(n)
		x, y := random(n, rng.Intn(3*n)), random(n, rng.Intn(n/4+1))
		want := a.newRel()
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				for k := 0; k < n; k++ {
					if x.has(i, j) && y.has(j, k) {
						want.add(i, k)
					}
				}
			}
		}
		require.Equal(t, pairs(want), pairs(a.seq(x, y)), "seq, n=%d", n)
		closure := a.copyRel(x) // Warshall on single pairs
		for k := 0; k < n; k++ {
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					if closure.has(i, k) && closure.has(k, j) {
						closure.add(i, j)
					}
				}
			}
		}
		require.Equal(t, pairs(closure), pairs(a.plus(x)), "plus, n=%d", n)
	}
}

// The arena hands out zeroed storage again after reset, without allocating.
func TestAlgebraReusesStorage(t *testing.T) {
	var a algebra
	a.reset(100)
	r := a.newRel()
	r.add(5, 7)
	a.reset(100)
	assert.True(t, a.newRel().empty())
	allocs := testing.AllocsPerRun(20, func() {
		a.reset(100)
		x := a.newRel()
		x.add(1, 2)
		a.acyclic(a.plus(a.seq(x, x)))
	})
	assert.Zero(t, allocs)
}

// bigGraph is one complete SC execution of four threads of 30 accesses each over six
// locations, with fences, acquire/release, RMWs and dependencies: about 130 nodes.
func bigGraph(b testing.TB) *model.ExecutionGraph {
	p := model.NewProgram("big")
	locs := p.ArrayOf("v", 6, 0)
	for t := 0; t < 4; t++ {
		th := p.Thread("P", "cpu")
		r := th.ReadOnce(locs.At(t))
		for i := 0; i < 10; i++ {
			th.WriteOnce(locs.At((t+i)%6), i)
			r = th.ReadOnce(locs.Idx(model.Mod(r, 6)))
			switch i % 5 {
			case 0:
				th.SmpMb()
			case 1:
				th.StoreRelease(locs.At((t+i+1)%6), r)
			case 2:
				th.AtomicIncReturn(locs.At(5))
			case 3:
				th.SmpWmb()
			default:
				th.LoadAcquire(locs.At(i % 6))
			}
		}
	}
	var g *model.ExecutionGraph
	model.Explore(p, must(New("sc")), model.Options{MaxExecutions: 1}, func(e *model.ExecutionGraph) bool {
		g = e.Clone()
		return false
	})
	return g
}

func benchModel(b *testing.B, name string) {
	g := bigGraph(b)
	m := must(New(name))
	if !m.Consistent(g) {
		b.Fatalf("%s rejects an SC execution", name)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Consistent(g)
	}
}

func BenchmarkTSO(b *testing.B)   { benchModel(b, "tso") }
func BenchmarkLKMM(b *testing.B)  { benchModel(b, "lkmm") }
func BenchmarkARMv8(b *testing.B) { benchModel(b, "armv8") }

// Once warm, a model allocates nothing per graph.
func TestModelsDoNotAllocate(t *testing.T) {
	g := bigGraph(t)
	for _, name := range []string{"tso", "lkmm", "lkmm-alpha", "armv8"} {
		m := must(New(name))
		m.Consistent(g)
		if a := testing.AllocsPerRun(5, func() { m.Consistent(g) }); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}
