package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// Control dependencies, event by event, on one thread run with fixed read values:
// Event.Ctrl (herd7's C front end: the events inside an if's blocks, up to the join,
// and everything after a loop exit or spin-wait) and Event.CtrlAll (the hardware:
// every event after a branch).
func TestControlDependencyEndsAtTheJoin(t *testing.T) {
	p := model.NewProgram("ctrl")
	x, y, z := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0)
	th := p.Thread("P0", "cpu")
	a := th.ReadOnce(x)            // 0: R x
	th.If(model.Eq(a, 1), func() { // if (a == 1) {
		b := th.ReadOnce(y)            //   1: R y          ctrl {0}
		th.If(model.Eq(b, 1), func() { //   if (b == 1) {
			th.WriteOnce(z, 1) //     2: W z        ctrl {0,1}
		}) //   }
		th.WriteOnce(z, 2) //   3: W z          ctrl {0}, all {0,1}
	}, func() { // } else {
		th.WriteOnce(z, 3) //   (not taken)
	}) // }
	th.WriteOnce(x, 4)           // 4: W x            ctrl {}, all {0,1}
	th.Await(func() model.Expr { // while (READ_ONCE(y) != 1);
		return model.Eq(th.ReadOnce(y), 1) // 5: R y            ctrl {}, all {0,1}
	})
	th.WriteOnce(x, 5) // 6: W x            ctrl {5}, all {0,1,5}
	th.While(2, func() model.Expr { return model.Eq(th.ReadOnce(z), 0) }, func() {
		th.WriteOnce(y, 6) // (loop body: not taken with z = 2)
	}) // 7: R z (the loop test)  ctrl {5}, all {0,1,5}
	th.WriteOnce(y, 7) // 8: W y            ctrl {5,7}, all {0,1,5,7}
	p.Seal()

	evs, status, err := p.RunThread(0, func(ev *model.Event) (model.Value, error) {
		if ev.Loc == z.Base {
			return 2, nil
		}
		return 1, nil
	})
	require.NoError(t, err)
	require.Equal(t, model.Done, status)
	require.Len(t, evs, 9)
	set := func(is ...int) model.DepSet {
		var d model.DepSet
		for _, i := range is {
			d.Add(i)
		}
		return d
	}
	want := []struct{ ctrl, all model.DepSet }{
		{set(), set()},
		{set(0), set(0)},
		{set(0, 1), set(0, 1)},
		{set(0), set(0, 1)},
		{set(), set(0, 1)},
		{set(), set(0, 1)},
		{set(5), set(0, 1, 5)},
		{set(5), set(0, 1, 5)},
		{set(5, 7), set(0, 1, 5, 7)},
	}
	for i, w := range want {
		assert.Equal(t, w.ctrl.Members(), evs[i].Ctrl.Members(), "event %d Ctrl", i)
		assert.Equal(t, w.all.Members(), evs[i].CtrlAll.Members(), "event %d CtrlAll", i)
	}
}

// The events of a loop body depend on every test before them, and so does the code
// after the loop: a loop exit orders everything after it.
func TestControlDependencyOfALoop(t *testing.T) {
	p := model.NewProgram("loop")
	x, y := p.Var("x", 0), p.Var("y", 0)
	th := p.Thread("P0", "cpu")
	th.While(2, func() model.Expr { return model.Eq(th.ReadOnce(x), 0) }, func() {
		th.WriteOnce(y, 1)
	})
	th.WriteOnce(y, 2)
	p.Seal()
	reads := 0
	evs, status, err := p.RunThread(0, func(*model.Event) (model.Value, error) {
		reads++
		if reads < 3 {
			return 0, nil // two iterations, then the loop exits
		}
		return 1, nil
	})
	require.NoError(t, err)
	require.Equal(t, model.Done, status)
	// R x, W y, R x, W y, R x, W y(2)
	require.Len(t, evs, 6)
	assert.Equal(t, []int{0}, evs[1].Ctrl.Members())
	assert.Equal(t, []int{0, 2}, evs[3].Ctrl.Members())
	assert.Equal(t, []int{0, 2}, evs[4].Ctrl.Members(), "the third test is inside the first two ifs")
	assert.Equal(t, []int{0, 2, 4}, evs[5].Ctrl.Members(), "after the loop: every test")
	assert.Equal(t, []int{0, 2, 4}, evs[5].CtrlAll.Members())
}
