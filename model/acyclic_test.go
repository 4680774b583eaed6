package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// lb is load buffering; with deps it has a control dependency in each thread.
func lb(deps bool) *model.Program {
	p := model.NewProgram("LB")
	x, y := p.Var("x", 0), p.Var("y", 0)
	for i, a := range [][2]model.Array{{x, y}, {y, x}} {
		t := p.Thread([]string{"P0", "P1"}[i], "cpu")
		r := t.ReadOnce(a[0])
		if deps {
			t.If(r, func() { t.WriteOnce(a[1], 1) }, func() { t.WriteOnce(a[1], 1) })
		} else {
			t.WriteOnce(a[1], 1)
		}
	}
	return p
}

// An AcyclicOnly run is complete only when the model's local order rules out every
// po ∪ rf cycle: LB+ctrl+ctrl under lkmm and armv8; plain LB is not, and its run says
// cycles were skipped, missing exactly the load-buffering execution.
func TestAcyclicOnly(t *testing.T) {
	for _, name := range []string{"lkmm", "armv8"} {
		count := func(p *model.Program, acyclic bool) (int64, model.StopReason) {
			m, _ := barriers.New(name)
			r := model.Explore(p, m, model.Options{AcyclicOnly: acyclic}, func(*model.ExecutionGraph) bool { return true })
			return r.Executions, r.Reason
		}
		all, reason := count(lb(false), false)
		assert.Equal(t, model.Exhausted, reason)
		acyc, reason := count(lb(false), true)
		assert.Equal(t, model.CyclesSkipped, reason, name)
		assert.Equal(t, all-1, acyc, "%s: only the LB execution has a cycle", name)

		all, _ = count(lb(true), false)
		acyc, reason = count(lb(true), true)
		assert.Equal(t, model.Exhausted, reason, "%s: ctrl dependencies order both reads", name)
		assert.Equal(t, all, acyc, name)
	}
}

// Progress reports the run's totals: the second phase's explorer counts from zero, and
// its reports add the first phase's, so the executions reported never go down and the
// last report is the result (load buffering: three executions without a cycle, then
// the one with).
func TestProgressCountsBothPhases(t *testing.T) {
	for _, name := range []string{"lkmm", "armv8"} {
		m, _ := barriers.New(name)
		var seen []int64
		r := model.Explore(lb(false), m, model.Options{Progress: func(s model.Stats) {
			seen = append(seen, s.Executions)
		}}, func(*model.ExecutionGraph) bool { return true })
		assert.Equal(t, model.Exhausted, r.Reason, name)
		assert.Equal(t, []int64{3, 4}, seen, "%s: each phase reports once, at its end, the run's totals", name)
		assert.Equal(t, r.Executions, seen[len(seen)-1], "%s: the last report is the result", name)
	}
}
