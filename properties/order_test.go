package properties

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// messagePassing: P0 writes data then flag; P1 reads flag then data.
func messagePassing() *model.Program {
	p := model.NewProgram("MP")
	data, flag := p.Var("data", 0), p.Var("flag", 0)
	p0 := p.Thread("P0", "cpu")
	p0.Mark("a")
	p0.WriteOnce(data, 1)
	p0.WriteOnce(flag, 1)
	p1 := p.Thread("P1", "cpu")
	p1.ReadOnce(flag)
	p1.ReadOnce(data)
	p1.Mark("b")
	return p
}

func TestOrderClosureOnSC(t *testing.T) {
	m, err := barriers.New("sc")
	require.NoError(t, err)
	var seen int
	model.Explore(messagePassing(), m, model.Options{}, func(g *model.ExecutionGraph) bool {
		var o order
		o.build(g)
		require.Equal(t, RelSC, o.rel)
		a := model.EventRef{Thread: 0, Index: 0}
		b := model.EventRef{Thread: 1, Index: 2}
		flag := g.Threads[1].Events[0].Val
		data := g.Threads[1].Events[1].Val
		if flag == 1 {
			// P1 read flag = 1 from P0: a ⇝ W flag ⇝ R flag ⇝ b.
			assert.True(t, o.Before(a, b))
			assert.False(t, o.canOrder(b, a, noEv, noEv), "b cannot come before a")
		}
		if flag == 0 && data == 0 {
			// Both reads precede P0's writes (fr): b may still come after a or before it.
			assert.False(t, o.Before(a, b))
			assert.True(t, o.canOrder(b, a, noEv, noEv))
			assert.True(t, o.canOrder(a, b, noEv, noEv))
		}
		// Two edges that together close a cycle through po.
		x, y := model.EventRef{Thread: 0, Index: 1}, model.EventRef{Thread: 1, Index: 1}
		assert.False(t, o.canOrder(y, model.EventRef{Thread: 0, Index: 0}, x, model.EventRef{Thread: 1, Index: 0}),
			"P1's data read before P0's start and P0's data write before P1's start is a cycle")
		seen++
		return true
	})
	assert.Equal(t, 3, seen, "MP has three SC executions")
}
