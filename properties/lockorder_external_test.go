package properties_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// nestingScenario is a program in which cpu1 takes two locks nested, a_lock then
// b_lock when it reads flag as 0 and, if inverted, b_lock then a_lock when it reads
// the 1 cpu0 writes: no execution takes both orders, so only P5's graph across
// executions sees an inversion. Two more CPUs write and read x, so that the run
// splits into pieces (model.ExploreParallel) and the two orders fall in different
// ones: cpu0 writes first, and cpu1's read of flag is the tree's first choice.
func nestingScenario(inverted bool) *steering.Scenario {
	p := model.NewProgram(fmt.Sprintf("nesting-inverted=%v", inverted))
	flag := p.Var("flag", 0)
	a := p.ArrayOf("a_lock", 1, 0)
	b := p.ArrayOf("b_lock", 1, 0)
	w := p.Thread("cpu0", "cpu")
	w.WriteOnce(flag, 1)
	t := p.Thread("cpu1", "cpu")
	nest := func(first, second model.Array) func() {
		return func() {
			t.SpinLock(first.At(0))
			t.SpinLock(second.At(0))
			t.SpinUnlock(second.At(0))
			t.SpinUnlock(first.At(0))
		}
	}
	r := t.ReadOnce(flag)
	if inverted {
		t.If(model.Eq(r, 0), nest(a, b), nest(b, a))
	} else {
		t.If(model.Eq(r, 0), nest(a, b), nest(a, b))
	}
	x := p.Var("x", 0)
	for i := 0; i < 2; i++ {
		th := p.Thread(fmt.Sprintf("cpu%d", i+2), "cpu")
		for k := 0; k < 3; k++ {
			th.WriteOnce(x, i*3+k+1)
			th.ReadOnce(x)
		}
	}
	return &steering.Scenario{Variant: p.Name, Program: p, Threads: make([]steering.ThreadInfo, len(p.Threads))}
}

// P5's lock-order graph spans a run, so a run split into pieces gets the sequential
// run's report even when an inversion's two orders fall in different pieces: the
// verdict, counts, message and execution, with 2 and 3 workers and resumed from the
// records of a split run (which carry each piece's edges); and a run without an
// inversion reports the same graph however it is split.
func TestLockOrderAcrossPiecesIsTheSequentialRun(t *testing.T) {
	for _, inverted := range []bool{true, false} {
		sc := nestingScenario(inverted)
		want := properties.Verify(sc, newModel(t, "sc"), model.Options{}, []string{"P5"})
		if inverted {
			require.Equal(t, properties.Violated, want.Verdict)
			require.Contains(t, want.Violation.Message, "lock order inversion")
		} else {
			require.Equal(t, properties.Holds, want.Verdict)
			assert.Equal(t, []string{"a_lock → b_lock"}, want.LockOrder)
		}
		log := map[[2]int]model.PieceRecord{}
		record := &model.Resume{Finished: func(r model.PieceRecord) { log[[2]int{r.Split, r.Piece}] = r }}
		resume := &model.Resume{Done: func(split, piece int) (model.PieceRecord, bool) {
			r, ok := log[[2]int{split, piece}]
			return r, ok
		}}
		for _, c := range []struct {
			label string
			opts  model.Options
		}{
			{"2 workers", model.Options{Workers: 2, TrialSteps: -1}},
			{"3 workers, recording", model.Options{Workers: 3, TrialSteps: -1, Resume: record}},
			{"resumed, 1 worker", model.Options{TrialSteps: -1, Resume: resume}},
			{"resumed, 2 workers", model.Options{Workers: 2, TrialSteps: -1, Resume: resume}},
		} {
			got := properties.Verify(sc, newModel(t, "sc"), c.opts, []string{"P5"})
			w := fmt.Sprintf("inverted=%v, %s", inverted, c.label)
			assert.Equal(t, want.Verdict, got.Verdict, w)
			assert.Equal(t, want.Result.Executions, got.Result.Executions, w)
			assert.Equal(t, want.Result.Steps(), got.Result.Steps(), w)
			assert.Equal(t, violationOf(want), violationOf(got), w)
			assert.Equal(t, want.LockOrder, got.LockOrder, w)
		}
		require.Greater(t, len(log), 10, "the run split, and its pieces were recorded")
	}
}

// LockOrderCycle finds a cycle in a union of edges, the same one for the same edges in
// any order, and nothing in an acyclic one; a malformed edge is an error.
func TestLockOrderCycle(t *testing.T) {
	for _, c := range []struct {
		edges []string
		want  []string
	}{
		{nil, nil},
		{[]string{"a → b", "b → c"}, nil},
		{[]string{"a → b", "a → c", "b → c"}, nil},
		{[]string{"a → a"}, []string{"a → a"}},
		{[]string{"b → a", "a → b"}, []string{"a → b", "b → a"}},
		{[]string{"a → b", "b → a"}, []string{"a → b", "b → a"}},
		{[]string{"c → a", "b → c", "a → b", "a → b"}, []string{"a → b", "b → c", "c → a"}},
		{[]string{"x → y", "c → a", "b → c", "a → b"}, []string{"a → b", "b → c", "c → a"}},
	} {
		got, err := properties.LockOrderCycle(c.edges)
		require.NoError(t, err, c.edges)
		assert.Equal(t, c.want, got, c.edges)
	}
	for _, bad := range []string{"a->b", "a → ", " → b", ""} {
		_, err := properties.LockOrderCycle([]string{bad})
		assert.Error(t, err, bad)
	}
}
