package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// blindLocations on each way a location stops being blind: a void atomic_inc and
// atomic_dec keep it blind, a returned value that is used, a plain read, a store, an
// or an xchg do not; a void atomic through a computed index keeps every element it may
// hit blind (arr[1]), unless something else touches it (arr[0]).
func TestBlindLocations(t *testing.T) {
	p := NewProgram("blind")
	reqs, used, read, stored, xchg := p.Var("reqs", 0), p.Var("used", 0), p.Var("read", 0), p.Var("stored", 0), p.Var("xchg", 0)
	arr, idx := p.ArrayOf("arr", 2, 0), p.Var("idx", 0)
	unusedReturn := p.Var("unusedReturn", 0)
	p0 := p.Thread("P0", "cpu")
	p0.AtomicInc(reqs)
	p0.AtomicDec(reqs)
	p0.AtomicIncReturn(unusedReturn) // returned, but nothing reads the register
	r := p0.AtomicIncReturn(used)
	p0.WriteOnce(stored, r)
	p0.AtomicInc(read)
	p0.ReadOnce(read)
	p0.AtomicInc(xchg)
	p0.Xchg(xchg, 3)
	i := p0.ReadOnce(idx)
	p0.AtomicInc(arr.Idx(i))
	p1 := p.Thread("P1", "cpu")
	p1.AtomicSub(reqs, 2)
	p1.AtomicInc(arr.At(1))
	p1.WriteOnce(arr.At(0), 1)

	blind := blindLocations(p)
	want := map[string]bool{"reqs": true, "unusedReturn": true, "used": false, "read": false,
		"stored": false, "xchg": false, "idx": false, "arr[0]": false, "arr[1]": true}
	for l, loc := range p.Locs {
		w, ok := want[loc.Name]
		if assert.True(t, ok, "unexpected location %s", loc.Name) {
			assert.Equal(t, w, blind[l], loc.Name)
		}
	}
}

// A register read by a marker's argument, or written twice, is not unread.
func TestBlindNeedsAnUnreadRegister(t *testing.T) {
	p := NewProgram("blind-marks")
	marked, twice := p.Var("marked", 0), p.Var("twice", 0)
	p0 := p.Thread("P0", "cpu")
	r := p0.AtomicIncReturn(marked)
	p0.Mark("m", r)
	r2 := p0.AtomicIncReturn(twice)
	p0.Set(r2, 5)
	blind := blindLocations(p)
	assert.Equal(t, []bool{false, false}, blind)
}
