package model_test

import (
	"fmt"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// The properties below run -rapid.checks cases (100 by default; rapid runs a fifth of
// them with -short). Failing cases are saved under testdata/rapid/ and replayed first.

// genProgram draws a litmus-sized program: 2 or 3 threads over two locations, with at
// most maxAccesses memory accesses in all (an RMW counts two), mixing ONCE accesses,
// acquire/release, xchg, fences and address, data and control dependencies (a write
// inside an if on a read, or after its join).
func genProgram(t *rapid.T, maxAccesses int) *model.Program {
	p := model.NewProgram("rapid")
	a := p.ArrayOf("a", 2, 0)
	nThreads := rapid.IntRange(2, 3).Draw(t, "threads")
	budget := rapid.IntRange(2, maxAccesses).Draw(t, "accesses")
	for ti := 0; ti < nThreads; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		nOps := rapid.IntRange(1, 4).Draw(t, "ops")
		for k := 0; k < nOps && budget > 0; k++ {
			loc := a.At(rapid.IntRange(0, 1).Draw(t, "loc"))
			val := rapid.IntRange(1, 2).Draw(t, "val")
			reg := func() (model.Reg, bool) {
				if len(regs) == 0 {
					return model.Reg{}, false
				}
				return regs[rapid.IntRange(0, len(regs)-1).Draw(t, "reg")], true
			}
			switch rapid.IntRange(0, 8).Draw(t, "op") {
			case 0:
				th.WriteOnce(loc, val)
				budget--
			case 1:
				regs = append(regs, th.ReadOnce(loc))
				budget--
			case 2: // data dependency
				if r, ok := reg(); ok {
					th.WriteOnce(loc, model.Add(r, 1))
				} else {
					th.WriteOnce(loc, val)
				}
				budget--
			case 3: // address dependency
				if r, ok := reg(); ok {
					regs = append(regs, th.ReadOnce(a.Idx(model.Mod(r, 2))))
				} else {
					regs = append(regs, th.ReadOnce(loc))
				}
				budget--
			case 4: // control dependency: the write inside the if, or after its join
				if r, ok := reg(); ok {
					if rapid.Bool().Draw(t, "after join") {
						th.If(model.Eq(r, 1), func() {})
						th.WriteOnce(loc, val)
					} else {
						th.If(model.Eq(r, 1), func() { th.WriteOnce(loc, val) })
					}
				} else {
					th.WriteOnce(loc, val)
				}
				budget--
			case 5:
				th.Fence([]model.FenceKind{model.FenceMb, model.FenceWmb, model.FenceRmb, model.FenceReadBarrierDepend}[rapid.IntRange(0, 3).Draw(t, "fence")])
			case 6:
				if budget >= 2 {
					regs = append(regs, th.Xchg(loc, val))
					budget -= 2
				}
			case 7:
				th.StoreRelease(loc, val)
				budget--
			case 8:
				regs = append(regs, th.LoadAcquire(loc))
				budget--
			}
		}
	}
	return p
}

func outcomeSet(t *rapid.T, p *model.Program, name string) map[string]bool {
	m, err := barriers.New(name)
	if err != nil {
		t.Fatalf("model %s: %v", name, err)
	}
	outs := map[string]bool{}
	res := model.Explore(p, m, model.Options{MaxSteps: 5_000_000}, func(g *model.ExecutionGraph) bool {
		outs[model.OutcomeOf(g).Key()] = true
		return true
	})
	if res.Reason != model.Exhausted {
		t.Skipf("%s: exploration cut (%s)", name, res.Reason)
	}
	return outs
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The explorer finds exactly the outcomes the naive interleaving explorer finds under sc.
func TestRapidExplorerMatchesNaive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genProgram(t, 8)
		got := sortedKeys(outcomeSet(t, p, "sc"))
		want := sortedKeys(model.NaiveExplore(p, 0).Outcomes)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("outcomes differ on\n%s\nexplorer: %v\nnaive:    %v", p, got, want)
		}
	})
}

// Outcome sets grow as models weaken: sc ⊆ tso ⊆ lkmm ⊆ lkmm-alpha, and sc ⊆ armv8.
func TestRapidModelInclusion(t *testing.T) {
	chains := [][2]string{{"sc", "tso"}, {"tso", "lkmm"}, {"lkmm", "lkmm-alpha"}, {"sc", "armv8"}}
	rapid.Check(t, func(t *rapid.T) {
		p := genProgram(t, 8)
		sets := map[string]map[string]bool{}
		for _, c := range chains {
			for _, name := range c {
				if sets[name] == nil {
					sets[name] = outcomeSet(t, p, name)
				}
			}
			for o := range sets[c[0]] {
				if !sets[c[1]][o] {
					t.Fatalf("%s allows an outcome %s forbids: %s\n%s", c[0], c[1], o, p)
				}
			}
		}
	})
}

// Replaying the choices of an explored execution rebuilds the same graph, every time.
func TestRapidReplayDeterminism(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genProgram(t, 8)
		name := rapid.SampledFrom([]string{"sc", "tso", "lkmm", "armv8"}).Draw(t, "model")
		pick := rapid.IntRange(0, 50).Draw(t, "execution")
		m, err := barriers.New(name)
		if err != nil {
			t.Fatal(err)
		}
		var g *model.ExecutionGraph
		n := 0
		model.Explore(p, m, model.Options{MaxSteps: 5_000_000}, func(x *model.ExecutionGraph) bool {
			g = x.Clone()
			n++
			return n <= pick
		})
		if g == nil {
			t.Skip("no execution")
		}
		for i := 0; i < 2; i++ {
			r, err := model.Replay(p, model.ChoicesOf(g))
			if err != nil {
				t.Fatalf("replay: %v\n%s", err, p)
			}
			if r.Fingerprint() != g.Fingerprint() || !m.Consistent(r) {
				t.Fatalf("replay differs or is inconsistent under %s:\n%s\nvs\n%s", name, r.Fingerprint(), g.Fingerprint())
			}
		}
	})
}
