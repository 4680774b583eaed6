package model_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// symmetricProgram builds a random program with a class of two or three threads that
// run the same code (drawn once, emitted for each) up to their own location (own[i],
// like per-CPU data: each writes its own, and reads the other's when there are two),
// and another
// thread of its own: locks, RMWs, spin-waits, ONCE and plain accesses, dependencies,
// fences.
func symmetricProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("symmetric-%d", seed))
	locs := []model.Array{p.Var("x", 0), p.Var("y", 0)}
	lock := p.Var("l", 0)
	n := 2 + rng.Intn(2)
	own := p.ArrayOf("own", n, 0)
	body := func(th *model.Thread, rng *rand.Rand, self int) {
		var regs []model.Reg
		for s, k := 0, 2+rng.Intn(2); s < k; s++ {
			l := locs[rng.Intn(len(locs))]
			switch rng.Intn(14) {
			case 0, 1:
				regs = append(regs, th.ReadOnce(l))
			case 2:
				th.WriteOnce(l, randomValue(rng, regs, 1))
			case 3:
				th.Write(l, randomValue(rng, regs, 1))
			case 4:
				regs = append(regs, th.AtomicIncReturn(l))
			case 5:
				regs = append(regs, th.Cmpxchg(l, 0, 1+rng.Intn(2)))
			case 6:
				th.SpinLock(lock)
				regs = append(regs, th.ReadOnce(l))
				th.WriteOnce(l, model.Add(regs[len(regs)-1], 1))
				th.SpinUnlock(lock)
			case 7:
				th.Await(func() model.Expr { return model.Ge(th.ReadOnce(l), 1) })
			case 8:
				if len(regs) > 0 {
					r := regs[rng.Intn(len(regs))]
					th.If(model.Eq(r, 0), func() { th.WriteOnce(l, 2) }, func() { regs = append(regs, th.ReadOnce(l)) })
				} else {
					th.SmpWmb()
				}
			case 9:
				th.SmpMb()
			case 10, 12:
				if self >= 0 {
					th.WriteOnce(own.At(self), randomValue(rng, regs, 1))
				}
			case 11, 13:
				// the other's: with three threads no order of "the others" is the same
				// code up to renaming (a third thread's code would change too)
				if n == 2 && self >= 0 {
					regs = append(regs, th.ReadOnce(own.At(1-self)))
				}
			}
		}
	}
	codeSeed := rng.Int63()
	var class []*model.Thread
	for i := 0; i < n; i++ {
		th := p.Thread(fmt.Sprintf("S%d", i), "cpu")
		body(th, rand.New(rand.NewSource(codeSeed)), i)
		class = append(class, th)
	}
	if rng.Intn(4) != 0 {
		body(p.Thread("O", "cpu"), rng, -1)
	}
	p.Symmetric(class...)
	return p
}

// permutedFingerprint is g.Fingerprint with thread u renamed perm[u], and with it the
// own location of a thread of the class (symmetricProgram: class threads are the
// first, own[i] belongs to thread i).
func permutedFingerprint(p *model.Program, g *model.ExecutionGraph, perm []int) string {
	inv := make([]int, len(perm))
	for old, nw := range perm {
		inv[nw] = old
	}
	own, _ := p.ArrayByName("own")
	loc := func(l model.LocID) model.LocID {
		if i := int(l - own.Base); i >= 0 && i < own.Len {
			return own.Base + model.LocID(perm[i])
		}
		return l
	}
	ref := func(r model.EventRef) model.EventRef {
		switch {
		case r.IsThreadEvent():
			r.Thread = int32(perm[r.Thread])
		case r.IsInit():
			r = model.InitRef(loc(model.LocID(r.Index)))
		}
		return r
	}
	invLoc := make([]model.LocID, len(g.Co))
	for l := range g.Co {
		invLoc[loc(model.LocID(l))] = model.LocID(l)
	}
	var b strings.Builder
	for u := range g.Threads {
		fmt.Fprintf(&b, "T%d:", u)
		evs := g.Threads[inv[u]].Events
		for i := range evs {
			e := &evs[i]
			l := e.Loc
			if e.Kind == model.KindRead || e.Kind == model.KindWrite {
				l = loc(l)
			}
			fmt.Fprintf(&b, " %s%d/%d=%d", e.Kind, e.PC, l, e.Val)
			if e.Kind == model.KindRead {
				fmt.Fprintf(&b, "<%v", ref(e.RF))
			}
		}
		b.WriteByte('\n')
	}
	for l := range g.Co {
		fmt.Fprintf(&b, "co%d:[", l)
		for _, w := range g.Co[invLoc[l]] {
			fmt.Fprintf(&b, " %v", ref(w))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// familyKey names g's family: the least fingerprint over the permutations of p's
// symmetry classes.
func familyKey(p *model.Program, g *model.ExecutionGraph) string {
	perm := make([]int, len(g.Threads))
	for i := range perm {
		perm[i] = i
	}
	best := ""
	var rec func(c int)
	classes := p.SymmetryClasses()
	rec = func(c int) {
		if c == len(classes) {
			if f := permutedFingerprint(p, g, perm); best == "" || f < best {
				best = f
			}
			return
		}
		cls := classes[c]
		// every arrangement of the class's threads onto its IDs
		var arrange func(k int)
		arrange = func(k int) {
			if k == len(cls) {
				rec(c + 1)
				return
			}
			for i := k; i < len(cls); i++ {
				perm[cls[k]], perm[cls[i]] = perm[cls[i]], perm[cls[k]]
				arrange(k + 1)
				perm[cls[k]], perm[cls[i]] = perm[cls[i]], perm[cls[k]]
			}
		}
		arrange(0)
	}
	rec(0)
	return best
}

// Under every model, an exploration with Options.Symmetry visits exactly the graphs of
// the full exploration that are not mirror images, each once, and so at least one
// graph of every family (every arrangement of the interchangeable threads).
func TestSymmetryMatchesFullRunOnRandomPrograms(t *testing.T) {
	n := 250
	if testing.Short() {
		n = 40
	}
	for _, name := range []string{"sc", "tso", "armv8", "lkmm"} {
		t.Run(name, func(t *testing.T) {
			var full, reduced, families, cut int
			for i := 1; i <= n+n/5; i++ {
				// readerProgram's runs are larger: one in six is one of them
				p := symmetricProgram(int64(i))
				if i > n {
					p = readerProgram(int64(i - n))
				}
				all, kept, fams := map[string]bool{}, map[string]bool{}, map[string]bool{}
				m, err := barriers.New(name)
				require.NoError(t, err)
				res := model.Explore(p, m, model.Options{MaxSteps: 2_000_000}, func(g *model.ExecutionGraph) bool {
					all[g.Fingerprint()] = true
					if !p.Mirrored(g) {
						kept[g.Fingerprint()] = true
					}
					fams[familyKey(p, g)] = true
					return true
				})
				if !res.Complete() {
					cut++ // too large for the budget (lkmm's second phase, now and then)
					continue
				}
				visited, redFams := map[string]bool{}, map[string]bool{}
				m, _ = barriers.New(name)
				red := model.Explore(p, m, model.Options{MaxSteps: 2_000_000, Symmetry: true}, func(g *model.ExecutionGraph) bool {
					f := g.Fingerprint()
					assert.False(t, visited[f], "%s: a graph visited twice", p.Name)
					assert.True(t, all[f], "%s: a graph the full run does not visit", p.Name)
					visited[f] = true
					redFams[familyKey(p, g)] = true
					return true
				})
				require.True(t, red.Complete(), "%s: the reduced exploration ran out (%v)", p.Name, red.Reason)
				repro := fmt.Sprintf("reproduce: go test ./model -run 'TestSymmetryMatchesFullRunOnRandomPrograms/%s' (program %s)\n%s", name, p.Name, p)
				if !assert.Equal(t, sortedKeys(kept), sortedKeys(visited), "%s: the reduced run's graphs are not the full run's unmirrored ones; %s", p.Name, repro) ||
					!assert.Equal(t, sortedKeys(fams), sortedKeys(redFams), "%s: a family lost; %s", p.Name, repro) {
					return
				}
				full += int(res.Executions)
				reduced += int(red.Executions)
				families += len(fams)
			}
			assert.LessOrEqual(t, cut, n/20, "programs whose full exploration ran out of its budget")
			t.Logf("%d programs under %s (%d cut by the budget): %d executions, %d with symmetry, %d families", n+n/5, name, cut, full, reduced, families)
		})
	}
}

// readerProgram builds interchangeable readers (two or three, each reading x and y a
// few times in an order drawn once) and one or two writers of x and y: reads that
// revisits change again and again, where a pair's first difference may be settled on
// one side only.
func readerProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("readers-%d", seed))
	locs := []model.Array{p.Var("x", 0), p.Var("y", 0)}
	n, k := 2+rng.Intn(2), 2+rng.Intn(2)
	order := make([]int, k)
	for i := range order {
		order[i] = rng.Intn(2)
	}
	var class []*model.Thread
	for i := 0; i < n; i++ {
		th := p.Thread(fmt.Sprintf("R%d", i), "cpu")
		for _, l := range order {
			th.ReadOnce(locs[l])
		}
		class = append(class, th)
	}
	for w, nw := 0, 1+rng.Intn(2); w < nw; w++ {
		th := p.Thread(fmt.Sprintf("W%d", w), "cpu")
		for j, nj := 0, 1+rng.Intn(3); j < nj; j++ {
			th.WriteOnce(locs[rng.Intn(2)], 1+rng.Intn(3))
		}
	}
	p.Symmetric(class...)
	return p
}

// Program.Symmetric refuses what is not a class: a thread twice, threads out of order,
// another program's thread; one thread declares nothing.
func TestSymmetricDeclarations(t *testing.T) {
	p := model.NewProgram("decl")
	a, b, c := p.Thread("a", "cpu"), p.Thread("b", "cpu"), p.Thread("c", "cpu")
	other := model.NewProgram("other").Thread("x", "cpu")
	p.Symmetric(a)
	assert.Empty(t, p.SymmetryClasses())
	assert.Panics(t, func() { p.Symmetric(b, a) }, "out of order")
	assert.Panics(t, func() { p.Symmetric(a, other) }, "another program's thread")
	p.Symmetric(a, c)
	assert.Panics(t, func() { p.Symmetric(b, c) }, "c is in a class already")
	assert.Equal(t, [][]int{{0, 2}}, p.SymmetryClasses())
}

// With Options.Symmetry, ExploreParallel is still the sequential run (the same graphs
// in the same order, the same counts), and shards still partition it.
func TestSymmetryWithWorkersAndShards(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 8
	}
	restore := model.SetPieceSizes(16, 5)
	defer restore()
	split := 0
	for _, name := range []string{"sc", "lkmm"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		for i := 1; i <= n; i++ {
			p := symmetricProgram(int64(i))
			what := fmt.Sprintf("%s %s; reproduce: go test ./model -run %s", name, p.Name, t.Name())
			sym := model.Options{Symmetry: true}
			want, wantVisited := sequentialRun(p, m, sym, "")
			if !want.Complete() {
				continue
			}
			o := sym
			o.Workers, o.TrialSteps = 2, -1
			got := exploreParallel(t, p, name, o, "")
			if got.pieces > 1 {
				split++
			}
			assert.Equal(t, want.Executions, got.res.Executions, what)
			assert.Equal(t, want.Mirrored, got.res.Mirrored, what)
			assert.Equal(t, want.Steps(), got.res.Steps(), what)
			assert.Equal(t, wantVisited, got.visited, what)
			total := int64(0)
			for s := 0; s < 3; s++ {
				o := sym
				o.Shard = model.Shard{Index: s, Count: 3}
				r := model.Explore(p, m, o, func(*model.ExecutionGraph) bool { return true })
				total += r.Executions
			}
			assert.Equal(t, want.Executions, total, "%s: three shards", what)
		}
	}
	assert.Greater(t, split, n/2, "runs split into more than one piece")
}
