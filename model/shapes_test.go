package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// OpenPairs enumerates one path per thread shape over cheaply computed value domains
// (shapes.go); it must find every open pair that enumerating every thread path over
// the precise domains finds, on programs with value-dependent control flow and
// addresses, RMWs whose results decide branches, spin-waits and locks.
func TestShapesFindEveryOpenPair(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 100
	}
	gens := []struct {
		name  string
		build func(int64) *model.Program
	}{{"random", randomProgram}, {"load-buffering", loadBufferingProgram}, {"locked-plain", lockedPlainProgram}}
	pairs, same := 0, 0
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		lo := m.(model.LocalOrder)
		for _, gen := range gens {
			for seed := int64(1); seed <= int64(n); seed++ {
				p := gen.build(seed)
				want, res := model.OpenPairsByPaths(p, lo)
				require.Equal(t, model.Exhausted, res.Reason)
				got, res := model.OpenPairs(p, lo, model.Options{})
				require.Equal(t, model.Exhausted, res.Reason)
				assert.Subset(t, got, want, "%s %s seed %d: a pair the shapes miss\n%s", name, gen.name, seed, p)
				pairs += len(want)
				if len(got) == len(want) {
					same++
				}
			}
		}
	}
	assert.Greater(t, pairs, 300, "open pairs among the programs")
	t.Logf("%d open pairs; the shapes found exactly the same ones in %d of %d programs", pairs, same, 2*len(gens)*n)
}

// Shapes split on every value that decides something: here an RMW's result chooses
// which location is written, and a read's value chooses an element of an array. Each
// program has one open pair that only some values of the read reach.
func TestShapesSplitOnDecidingValues(t *testing.T) {
	rmwResult := model.NewProgram("rmw-result-decides")
	{
		x, y, z := rmwResult.Var("x", 0), rmwResult.Var("y", 0), rmwResult.Var("z", 0)
		p0 := rmwResult.Thread("P0", "cpu")
		r := p0.RMWOp(model.RMWAdd, x, 1, nil, model.AnnRelaxed, true)
		p0.If(model.Eq(r, 1), func() { p0.WriteOnce(y, 1) }, func() { p0.WriteOnce(z, 1) })
		p1 := rmwResult.Thread("P1", "cpu")
		p1.ReadOnce(z) // only the else branch (x was already incremented) is open
		p1.WriteOnce(x, 5)
	}
	address := model.NewProgram("value-decides-address")
	{
		x, a := address.Var("x", 0), address.ArrayOf("a", 2, 0)
		p0 := address.Thread("P0", "cpu")
		r := p0.ReadOnce(x)
		p0.WriteOnce(a.Idx(r), 1)
		p1 := address.Thread("P1", "cpu")
		p1.ReadOnce(a.At(1)) // only x = 1 makes P0 write what P1 reads
		p1.WriteOnce(x, 1)
	}
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		lo := m.(model.LocalOrder)
		for _, p := range []*model.Program{rmwResult, address} {
			want, _ := model.OpenPairsByPaths(p, lo)
			got, res := model.OpenPairs(p, lo, model.Options{})
			require.Equal(t, model.Exhausted, res.Reason)
			assert.Equal(t, want, got, "%s %s", name, p.Name)
			assert.NotEmpty(t, got, "%s %s", name, p.Name)
		}
	}
}
