package barriers

import (
	"flag"
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/bench"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// The incremental checks (ConsistentWith, incremental.go and the files it names), and
// Consistent, which now judges a whole graph on a mirror too, must say exactly what the
// whole-relation reference (Violation; sc has only one check) says, whenever they may
// be asked: ConsistentWith on every graph whose last event of some thread was just
// added to a consistent graph, Consistent on every graph. Checked two ways: on the
// growing prefixes of every candidate graph (allowed or not) of the shape and kernel
// tables, of the shape programs and of random programs, in random orders extending
// po ∪ rf, with jumps back to earlier prefixes and between graphs (which is what the
// explorer's pops and revisits look like to a model); and on every call the explorer
// makes while exploring the steering variants (and, without -short, their mutants) at
// two CPUs and the vq benchmark program.

var incSeeds = flag.Int("inc.seeds", 0, "random programs for TestConsistentWithMatchesConsistent (0: 60; 10 with -short, 3 with -race too)")

// incModels are the models with an incremental check.
var incModels = []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"}

// growthOrder is an order of g's events that extends po ∪ rf, the next thread drawn
// at random among those that can move. When none can (a po ∪ rf cycle), the next read
// of a drawn thread is speculated, as the explorer's second phase has it: it keeps its
// value and loses its write (model.Speculated) in every prefix.
func growthOrder(g *model.ExecutionGraph, rng *rand.Rand) (order []model.EventRef, speculated []model.EventRef) {
	next := make([]int, len(g.Threads))
	placed := func(r model.EventRef) bool { return !r.IsThreadEvent() || int(r.Index) < next[r.Thread] }
	for {
		var ready, waiting []int
		for t := range g.Threads {
			if next[t] == len(g.Threads[t].Events) {
				continue
			}
			if e := &g.Threads[t].Events[next[t]]; e.Kind == model.KindRead && !placed(e.RF) && !isIn(speculated, model.EventRef{Thread: int32(t), Index: int32(next[t])}) {
				waiting = append(waiting, t)
				continue
			}
			ready = append(ready, t)
		}
		if len(ready) == 0 && len(waiting) == 0 {
			return order, speculated
		}
		if len(ready) == 0 {
			t := waiting[rng.Intn(len(waiting))]
			speculated = append(speculated, model.EventRef{Thread: int32(t), Index: int32(next[t])})
			continue
		}
		t := ready[rng.Intn(len(ready))]
		order = append(order, model.EventRef{Thread: int32(t), Index: int32(next[t])})
		next[t]++
	}
}

// sameEvents reports whether order and spec, made for g, fit prev too: the same events
// in every thread, so that prefixOf(prev, …) grows prev in an order extending its
// po ∪ rf.
func sameEvents(g, prev *model.ExecutionGraph, order, spec []model.EventRef) bool {
	for t := range g.Threads {
		a, b := g.Threads[t].Events, prev.Threads[t].Events
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].Kind != b[i].Kind || a[i].PC != b[i].PC {
				return false
			}
		}
	}
	pos := map[model.EventRef]int{}
	for k, r := range order {
		pos[r] = k
	}
	for _, r := range order {
		if e := prev.Event(r); e.Kind == model.KindRead && e.RF.IsThreadEvent() && !isIn(spec, r) && pos[e.RF] > pos[r] {
			return false
		}
	}
	return true
}

func isIn(s []model.EventRef, r model.EventRef) bool {
	for _, x := range s {
		if x == r {
			return true
		}
	}
	return false
}

// prefixOf is the graph of the first k events of order: each thread cut after its
// last event among them (and Running if it had more), coherence restricted to the
// writes kept, the speculated reads without their write.
func prefixOf(g *model.ExecutionGraph, order, speculated []model.EventRef, k int) *model.ExecutionGraph {
	p := g.Clone()
	keep := make([]int32, len(g.Threads))
	for _, r := range order[:k] {
		keep[r.Thread] = max(keep[r.Thread], r.Index+1)
	}
	for t := range p.Threads {
		if int(keep[t]) < len(p.Threads[t].Events) {
			p.Threads[t].Events = p.Threads[t].Events[:keep[t]]
			p.Threads[t].State.Status = model.Running
		}
	}
	for _, r := range speculated {
		if r.Index < keep[r.Thread] {
			p.Event(r).RF = model.Speculated()
		}
	}
	for l, co := range g.Co {
		p.Co[l] = p.Co[l][:0]
		for _, w := range co {
			if w.Index < keep[w.Thread] {
				p.Co[l] = append(p.Co[l], w)
			}
		}
	}
	return p
}

// incChecker asks one model instance incrementally, and in full on its mirrors, and
// another by the whole-relation reference (Violation; sc has only one check), and
// remembers the first disagreement.
type incChecker struct {
	inc   model.IncrementalConsistency
	ref   Model
	calls int
	deep  int // calls where the added event has a way out (see noWayOut)
	full  int // whole-graph checks compared
	diff  string
}

// reference is the whole-relation check.
func (c *incChecker) reference(g *model.ExecutionGraph) bool {
	if ch, ok := c.ref.(Checker); ok {
		return ch.Violation(g) == ""
	}
	return c.ref.Consistent(g)
}

func (c *incChecker) check(g *model.ExecutionGraph, added model.EventRef, where string) bool {
	c.calls++
	if !noWayOut(g, added) {
		c.deep++
	}
	got, want := c.inc.ConsistentWith(g, added), c.reference(g)
	if got != want && c.diff == "" {
		c.diff = fmt.Sprintf("%s: %s added %s (%s): ConsistentWith says %v, the relations say %v\n%s\n%s",
			c.ref.Name(), where, added, g.DescribeEvent(added), got, want, g, g.Prog)
	}
	return want
}

// checkFull compares Consistent with the reference.
func (c *incChecker) checkFull(g *model.ExecutionGraph, where string) bool {
	c.full++
	got, want := c.inc.(Model).Consistent(g), c.reference(g)
	if got != want && c.diff == "" {
		c.diff = fmt.Sprintf("%s: %s: Consistent says %v, the relations say %v\n%s\n%s",
			c.ref.Name(), where, got, want, g, g.Prog)
	}
	return want
}

func newIncChecker(t *testing.T, name string) *incChecker {
	inc, err := New(name)
	require.NoError(t, err)
	ref, err := New(name)
	require.NoError(t, err)
	ic, ok := inc.(model.IncrementalConsistency)
	require.True(t, ok, "%s has no incremental check", name)
	return &incChecker{inc: ic, ref: ref}
}

// checkPrefixes grows g in a random order and asks both checks at every step whose
// previous graph is consistent, then jumps back to a few random earlier prefixes. It
// grows the previous candidate, prev, in the same order alongside, when it has the
// same events (candidates that differ in their reads-from or coherence choices only):
// the model then jumps between two graphs that differ in a few edges at every step.
func (c *incChecker) checkPrefixes(g, prev *model.ExecutionGraph, rng *rand.Rand, where string) {
	order, spec := growthOrder(g, rng)
	if _, cyclic := c.ref.(model.PorfCyclic); len(spec) > 0 && !cyclic {
		return // never asked: the model's explorer builds no graph with a po ∪ rf cycle
	}
	if prev != nil && !sameEvents(g, prev, order, spec) {
		prev = nil
	}
	ok := make([]bool, len(order)+1) // ok[k]: the first k events make a consistent graph
	okPrev := make([]bool, len(order)+1)
	ok[0], okPrev[0] = true, true
	for k := 1; k <= len(order); k++ {
		p := prefixOf(g, order, spec, k)
		at := fmt.Sprintf("%s, %d events in order %v (speculated %v)", where, k, order, spec)
		if ok[k-1] {
			ok[k] = c.check(p, order[k-1], at)
		}
		c.checkFull(p, at)
		if prev != nil {
			pp := prefixOf(prev, order, spec, k)
			if okPrev[k-1] {
				okPrev[k] = c.check(pp, order[k-1], at+" (previous candidate)")
			}
		}
	}
	c.checkFull(g, where+", the whole candidate")
	for i := 0; i < 3; i++ {
		if k := 1 + rng.Intn(len(order)); ok[k-1] {
			c.check(prefixOf(g, order, spec, k), order[k-1], fmt.Sprintf("%s, back to %d events in order %v (speculated %v)", where, k, order, spec))
		}
	}
}

func TestConsistentWithMatchesConsistent(t *testing.T) {
	// -short checks a sample: every step-th shape program, fewer random ones, and
	// fewer candidates of each.
	seeds, step := 60, 1
	perProgram := int64(300)
	switch {
	case testing.Short() && raceEnabled:
		seeds, step, perProgram = 3, 40, 20
	case testing.Short():
		seeds, step, perProgram = 10, 8, 60
	}
	if *incSeeds > 0 {
		seeds = *incSeeds
	}
	var programs []*model.Program
	programs = append(programs, tablePrograms()...)
	programs = append(programs, incShapePrograms(step)...)
	for s := int64(1); s <= int64(seeds); s++ {
		programs = append(programs, incRandomProgram(s, s%4 == 0), plainRaceProgram(s))
	}
	for _, name := range incModels {
		t.Run(name, func(t *testing.T) {
			c := newIncChecker(t, name)
			rng := rand.New(rand.NewSource(1))
			graphs := 0
			for _, p := range programs {
				if Supports(c.ref, p) != nil {
					continue
				}
				var prev *model.ExecutionGraph
				model.ExploreCandidates(p, anyGraph{}, model.Options{MaxExecutions: perProgram}, func(g *model.ExecutionGraph) bool {
					graphs++
					g = g.Clone()
					c.checkPrefixes(g, prev, rng, p.Name)
					prev = g
					return c.diff == ""
				})
				require.Empty(t, c.diff, "reproduce: go test ./barriers -run 'TestConsistentWithMatchesConsistent/%s$' -inc.seeds=%d", name, seeds)
			}
			t.Logf("%s: %d candidate graphs, %d prefixes asked (%d with a way out), %d whole-graph checks", name, graphs, c.calls, c.deep, c.full)
		})
	}
}

// The explorer under each model, every call it makes checked against the full check:
// one wrapper per model type, so that the explorer still sees the model's other
// interfaces (PorfCoherent, PorfCyclic, LocalOrder…).
type (
	checkedSC struct {
		*SC
		c *incChecker
	}
	checkedTSO struct {
		*TSO
		c *incChecker
	}
	checkedLKMM struct {
		*LKMM
		c *incChecker
	}
	checkedARMv8 struct {
		*ARMv8
		c *incChecker
	}
)

func (m checkedSC) Consistent(g *model.ExecutionGraph) bool {
	return m.c.checkFull(g, "explorer")
}
func (m checkedTSO) Consistent(g *model.ExecutionGraph) bool {
	return m.c.checkFull(g, "explorer")
}
func (m checkedLKMM) Consistent(g *model.ExecutionGraph) bool {
	return m.c.checkFull(g, "explorer")
}
func (m checkedARMv8) Consistent(g *model.ExecutionGraph) bool {
	return m.c.checkFull(g, "explorer")
}
func (m checkedSC) ConsistentWith(g *model.ExecutionGraph, a model.EventRef) bool {
	return m.c.check(g, a, "explorer")
}
func (m checkedTSO) ConsistentWith(g *model.ExecutionGraph, a model.EventRef) bool {
	return m.c.check(g, a, "explorer")
}
func (m checkedLKMM) ConsistentWith(g *model.ExecutionGraph, a model.EventRef) bool {
	return m.c.check(g, a, "explorer")
}
func (m checkedARMv8) ConsistentWith(g *model.ExecutionGraph, a model.EventRef) bool {
	return m.c.check(g, a, "explorer")
}

// checked wraps the model c checks, for the explorer.
func checked(c *incChecker) model.Consistency {
	switch m := c.inc.(type) {
	case *SC:
		return checkedSC{m, c}
	case *TSO:
		return checkedTSO{m, c}
	case *LKMM:
		return checkedLKMM{m, c}
	case *ARMv8:
		return checkedARMv8{m, c}
	}
	panic("no wrapper")
}

func TestConsistentWithOnExploredGraphs(t *testing.T) {
	cfg := steering.Config{CPUs: 2, Targets: 1, Queues: 2, // requirements.SteeringConfig
		Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}}
	type subject struct {
		name string
		p    *model.Program
		// full: explore the po ∪ rf cycles too (the second phase, whose analysis takes
		// minutes on v3.19-seqcount and the mutants); otherwise the first phase alone.
		full bool
	}
	var subjects []subject
	for _, v := range steering.VariantNames() {
		if raceEnabled && testing.Short() && v != "single" && v != "v3.17" {
			continue // a sample: the first phase of two variants
		}
		sc, err := steering.Build(v, "", cfg)
		require.NoError(t, err)
		cheap := v == "single" || v == "v3.10" || v == "v3.17"
		subjects = append(subjects, subject{v, sc.Program, !testing.Short() || cheap && !raceEnabled})
	}
	if !testing.Short() {
		for _, mu := range steering.Mutants() {
			sc, err := steering.Build(mu.Variant, mu.Name, cfg)
			require.NoError(t, err)
			subjects = append(subjects, subject{mu.Variant + "/" + mu.Name, sc.Program, false})
		}
	}
	for n := 2; n <= 3; n++ {
		full := n == 2 || !testing.Short()
		if n == 3 && testing.Short() && raceEnabled {
			break
		}
		subjects = append(subjects, subject{fmt.Sprintf("vq-%d", n), bench.VQ(n, true), full},
			subject{fmt.Sprintf("vq-%d-literal", n), bench.VQ(n, false), full})
	}
	for _, name := range incModels {
		t.Run(name, func(t *testing.T) {
			c := newIncChecker(t, name)
			m := checked(c)
			for _, s := range subjects {
				opts := model.Options{AcyclicOnly: !s.full, MaxSteps: 1_000_000}
				res := model.Explore(s.p, m, opts, func(*model.ExecutionGraph) bool { return true })
				require.Empty(t, c.diff, "%s %s; reproduce: go test ./barriers -run 'TestConsistentWithOnExploredGraphs/%s$'", name, s.name, name)
				t.Logf("%s %s: %d executions (%s), %d calls so far (%d with a way out)", name, s.name, res.Executions, res.Reason, c.calls, c.deep)
			}
		})
	}
}

// Once warm, the incremental checks allocate nothing either: a graph grown event by
// event, asked after each, then again from the start (which drops every node).
func TestIncrementalChecksDoNotAllocate(t *testing.T) {
	g := bigGraph(t)
	order, spec := growthOrder(g, rand.New(rand.NewSource(1)))
	require.Empty(t, spec)
	prefixes := make([]*model.ExecutionGraph, len(order))
	for k := range order {
		prefixes[k] = prefixOf(g, order, spec, k+1)
	}
	for _, name := range incModels {
		m := must(New(name))
		inc := m.(model.IncrementalConsistency)
		grow := func() {
			for k, p := range prefixes {
				inc.ConsistentWith(p, order[k])
			}
			m.Consistent(g)
		}
		grow()
		if a := testing.AllocsPerRun(3, grow); a != 0 {
			t.Errorf("%s: %v allocations per %d calls", name, a, len(prefixes)+1)
		}
	}
}
