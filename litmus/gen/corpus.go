package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/steercheck/steercheck/litmus"
)

// corpus.go names the families and writes corpora: deterministic from a seed, each
// test drawn from its own random stream (seed, family, index), so a test does not
// depend on how many others are made.

// Family is a kind of generated test.
type Family string

// The families.
const (
	Random Family = "random" // random statements (random.go)
	Cycles Family = "cycles" // cycle shapes (cycles.go)
	SRCU   Family = "srcu"   // SRCU cycle shapes and statements (srcu.go)
)

// Families lists the families in the order Write makes them.
var Families = []Family{Random, Cycles, SRCU}

var prefix = map[Family]string{Random: "R", Cycles: "C", SRCU: "S"}

// Name is the name of test i of a family: "R00042".
func Name(f Family, i int) string { return fmt.Sprintf("%s%05d", prefix[f], i) }

// Generate returns test i of family f for the given seed. The same arguments give the
// same test on every machine (math/rand/v2's PCG is specified).
func Generate(seed uint64, f Family, i int) (*litmus.Test, error) {
	fi := -1
	for k, g := range Families {
		if g == f {
			fi = k
		}
	}
	if fi < 0 {
		return nil, fmt.Errorf("gen: unknown family %q (want random, cycles or srcu)", f)
	}
	r := rand.New(rand.NewPCG(seed, uint64(fi)<<32|uint64(i)))
	name := Name(f, i)
	switch f {
	case Random:
		return randomTest(r, name, randomWeights), nil
	case Cycles:
		return cycleTest(r, name, cycleMethods, false), nil
	}
	return srcuTest(r, name), nil
}

// Write makes counts[f] tests of each family f with the given seed and writes each
// as DIR/FAMILY/NAME.litmus, creating the folders. It returns the paths written.
func Write(dir string, seed uint64, counts map[Family]int) ([]string, error) {
	var out []string
	for _, f := range Families {
		n := counts[f]
		if n <= 0 {
			continue
		}
		sub := filepath.Join(dir, string(f))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return out, err
		}
		for i := 0; i < n; i++ {
			t, err := Generate(seed, f, i)
			if err != nil {
				return out, err
			}
			path := filepath.Join(sub, t.Name+".litmus")
			if err := os.WriteFile(path, []byte(litmus.Format(t)), 0o644); err != nil {
				return out, err
			}
			out = append(out, path)
		}
	}
	return out, nil
}
