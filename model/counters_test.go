package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// counterBounds on the shapes it is for: a counter incremented and decremented by
// constants, a flag set to constants, a plain increment (a load, an add, a store), a
// location written a computed value (no bound), and an array written through a
// register index (every element may be hit).
func TestCounterBounds(t *testing.T) {
	p := NewProgram("counters")
	reqs, flag, x := p.Var("reqs", 0), p.Var("flag", 5), p.Var("x", 0)
	epoch, y := p.Var("epoch", 3), p.Var("y", 0)
	arr := p.ArrayOf("arr", 2, 0)
	p0 := p.Thread("P0", "cpu")
	p0.AtomicIncReturn(reqs)
	p0.WriteOnce(flag, 7)
	r := p0.ReadOnce(x)
	p0.WriteOnce(x, Add(r, 1))
	p0.AtomicAdd(arr.Idx(r), 3)
	e := p0.Let(Add(p0.Read(epoch), 1))
	p0.Write(epoch, e)
	p0.Write(y, Add(r, p0.Read(y)))
	p1 := p.Thread("P1", "cpu")
	p1.AtomicInc(reqs)
	p1.AtomicDec(reqs)
	p1.Xchg(flag, 1)
	p1.AtomicAdd(flag, 2)
	p1.AtomicAdd(arr.At(1), -1)
	p1.Write(epoch, Sub(p1.Read(epoch), 2))
	p1.Write(x, p1.Read(x)) // writes back what it read
	b := counterBounds(p)
	assert.Equal(t, []Value{-1, 0, 1, 2}, b[reqs.Base])
	assert.Equal(t, []Value{1, 3, 5, 7, 9}, b[flag.Base])
	assert.Equal(t, []Value{0, 1}, b[x.Base], "x = READ_ONCE(x) + 1, and x = x")
	assert.Equal(t, []Value{-2, -1, 0, 1, 2, 3, 4}, b[epoch.Base], "3 or an unassigned 0, then +1 and -2")
	assert.Nil(t, b[y.Base], "y is written a computed value")
	assert.Equal(t, []Value{0, 3}, b[arr.Base])
	assert.Equal(t, []Value{-1, 0, 2, 3}, b[arr.Base+1])
}
