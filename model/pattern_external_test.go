package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// patternReachable explores pt's program under m and reports whether some execution
// reaches the pattern's outcome.
func patternReachable(t *testing.T, pt *model.Pattern, m model.Consistency) bool {
	found := false
	res := model.Explore(pt.Program, m, model.Options{MaxSteps: 2_000_000}, func(g *model.ExecutionGraph) bool {
		found = pt.Satisfied(g)
		return !found
	})
	require.True(t, found || res.Reason == model.Exhausted, "pattern exploration cut: %s", res.Reason)
	return found
}

// Every execution's straight-line pattern reaches the execution's outcome again, under
// the model that allowed the execution: the pattern keeps every event, annotation and
// dependency the model may use (address dependencies aside, whose loss only allows
// more).
func TestPatternOfEveryExecutionIsReachable(t *testing.T) {
	for _, name := range []string{"sc", "tso", "lkmm", "armv8"} {
		m, err := barriers.New(name)
		require.NoError(t, err)
		for seed := int64(1); seed <= 25; seed++ {
			p := randomProgram(seed)
			n := 0
			model.Explore(p, m, model.Options{MaxSteps: 500_000, AcyclicOnly: true}, func(g *model.ExecutionGraph) bool {
				n++
				pt, err := model.PatternOf(g, "pattern")
				if !assert.NoError(t, err) {
					return false
				}
				assert.True(t, patternReachable(t, pt, m), "%s seed %d execution %d: pattern outcome unreachable\n%s\nexpect %v",
					name, seed, n, pt.Program, pt.Expect)
				return n < 8
			})
		}
	}
}

// A pattern is straight-line: no spin-wait, no loop, no computed address; a branch
// only where a later event had a control dependency.
func TestPatternIsStraightLine(t *testing.T) {
	p := model.NewProgram("mp-await")
	x, y := p.Var("x", 0), p.ArrayOf("y", 2, 0)
	p0 := p.Thread("P0", "cpu")
	p0.WriteOnce(y.At(1), 5)
	p0.SmpWmb()
	p0.WriteOnce(x, 1)
	p1 := p.Thread("P1", "cpu")
	var r model.Reg
	p1.Await(func() model.Expr { r = p1.ReadOnce(x); return model.Eq(r, 1) })
	p1.SmpRmb()
	v := p1.ReadOnce(y.Idx(r))
	p1.If(model.Eq(v, 5), func() { p1.WriteOnce(x, model.Add(v, 1)) })
	m, err := barriers.New("lkmm")
	require.NoError(t, err)
	var pt *model.Pattern
	model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		pt, err = model.PatternOf(g, "mp")
		require.NoError(t, err)
		return false
	})
	require.NotNil(t, pt)
	for _, th := range pt.Program.Threads {
		for _, in := range th.Code {
			assert.NotContains(t, []model.OpCode{model.OpAwaitBegin, model.OpAwaitCheck, model.OpJump, model.OpBound}, in.Op, in.String(th))
			assert.Nil(t, in.Loc.Index, in.String(th))
		}
	}
	assert.Equal(t, []string{"P1: the address of y[1] (r1 = load<once>(y[r0])) depended on the read of x"}, pt.Lost)
	assert.Equal(t, fmt.Sprint([]model.Expected{{Thread: 1, Name: "r0", Val: 1}, {Thread: 1, Name: "r1", Val: 5}, {Thread: -1, Name: "x", Val: 6}, {Thread: -1, Name: "y[1]", Val: 5}}), fmt.Sprint(pt.Expect))
	assert.True(t, patternReachable(t, pt, m))
}

// A pattern keeps each event's data and control dependencies on the reads it can
// test (loads and value-returning RMWs): Ctrl as herd7's C front end has it (only the
// events inside an if's blocks) and CtrlAll as the hardware has it (every event after
// a branch), so a post-join event keeps the second and not the first. The pattern's
// thread is re-run with the execution's read values and its events compared one by
// one with the execution's.
func TestPatternKeepsDependencies(t *testing.T) {
	m, err := barriers.New("sc")
	require.NoError(t, err)
	postJoin := 0
	for seed := int64(1); seed <= 60; seed++ {
		p := randomProgram(seed)
		n := 0
		model.Explore(p, m, model.Options{MaxSteps: 200_000}, func(g *model.ExecutionGraph) bool {
			n++
			pt, err := model.PatternOf(g, "pattern")
			require.NoError(t, err)
			for ti := range g.Threads {
				src := g.Threads[ti].Events
				pti := -1
				for k, th := range pt.Program.Threads {
					if th.Name == p.Threads[ti].Name {
						pti = k
					}
				}
				if pti < 0 {
					continue // no memory event
				}
				var orig []int // indices of src's non-marker events
				for i := range src {
					if src[i].Kind != model.KindMarker {
						orig = append(orig, i)
					}
				}
				k := 0
				evs, _, err := pt.Program.RunThread(pti, func(*model.Event) (model.Value, error) {
					for src[orig[k]].Kind != model.KindRead {
						k++
					}
					k++
					return src[orig[k-1]].Val, nil
				})
				require.NoError(t, err)
				require.Len(t, evs, len(orig), "seed %d execution %d thread %s: the pattern performs other events\n%s", seed, n, p.Threads[ti].Name, pt.Program)
				at := map[int]int{} // source index → pattern index
				for j, i := range orig {
					at[i] = j
				}
				testable := func(code []model.Instr, evs []model.Event, d model.DepSet) []int {
					var out []int
					for _, r := range d.Members() {
						if in := code[evs[r].PC]; in.Op == model.OpLoad || (in.Op == model.OpRMW && in.Dst >= 0) {
							out = append(out, r)
						}
					}
					return out
				}
				mapped := func(d model.DepSet) []int {
					var out []int
					for _, r := range testable(p.Threads[ti].Code, src, d) {
						out = append(out, at[r])
					}
					return out
				}
				pcode := pt.Program.Threads[pti].Code
				for j, i := range orig {
					e, f := &src[i], &evs[j]
					what := fmt.Sprintf("seed %d execution %d thread %s event %d (%s); reproduce: go test ./model -run TestPatternKeepsDependencies\n%s\n%s",
						seed, n, p.Threads[ti].Name, i, p.Threads[ti].Code[e.PC].String(p.Threads[ti]), p, pt.Program)
					assert.Equal(t, mapped(e.Ctrl), testable(pcode, evs, f.Ctrl), "Ctrl: %s", what)
					assert.Equal(t, mapped(e.CtrlAll), testable(pcode, evs, f.CtrlAll), "CtrlAll: %s", what)
					if e.Kind == model.KindWrite && !e.IsRMW() {
						assert.Equal(t, mapped(e.Data), testable(pcode, evs, f.Data), "Data: %s", what)
					}
					if len(mapped(e.CtrlAll)) > len(mapped(e.Ctrl)) {
						postJoin++
					}
				}
			}
			return n < 6
		})
	}
	assert.Greater(t, postJoin, 20, "the random programs must have events after an if's join")
}
