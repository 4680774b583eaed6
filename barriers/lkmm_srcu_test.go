package barriers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// srcuReaderUpdater is the SRCU grace-period guarantee written with the DSL: a reader
// reads x then y inside an SRCU critical section of s; the updater writes y, waits
// for a grace period of gp, writes x. unlockIdx computes the index given to
// srcu_read_unlock from the one srcu_read_lock returned.
func srcuReaderUpdater(sameStruct bool, unlockIdx func(model.Reg) model.Expr) (*model.Program, model.Reg, model.Reg) {
	p := model.NewProgram("srcu-reader-updater")
	x, y := p.Var("x", 0), p.Var("y", 0)
	s, s2 := p.Var("s", 0), p.Var("s2", 0)
	gp := s
	if !sameStruct {
		gp = s2
	}
	rd := p.Thread("P0", "cpu")
	idx := rd.SrcuReadLock(s)
	r1 := rd.ReadOnce(x)
	r2 := rd.ReadOnce(y)
	rd.SrcuReadUnlock(s, unlockIdx(idx))
	up := p.Thread("P1", "cpu")
	up.WriteOnce(y, 1)
	up.SynchronizeSrcu(gp)
	up.WriteOnce(x, 1)
	return p.Seal(), r1, r2
}

// Under lkmm the grace period of the reader's srcu_struct forbids the reader seeing
// the second write and missing the first; another srcu_struct's does not. The index
// handed to srcu_read_unlock decides the flags: what srcu_read_lock returned matches,
// anything else computed from it is srcu-bad-value-match. (The whole of SRCU is
// checked against herd7 in litmus/testdata/srcu.)
func TestLKMMSRCUGracePeriod(t *testing.T) {
	same := func(r model.Reg) model.Expr { return r }
	for _, c := range []struct {
		sameStruct bool
		unlock     func(model.Reg) model.Expr
		forbidden  bool
		flags      []string
	}{
		{true, same, true, nil},
		{false, same, false, nil},
		{true, func(r model.Reg) model.Expr { return model.Add(r, 1) }, true, []string{"srcu-bad-value-match"}},
	} {
		p, r1, r2 := srcuReaderUpdater(c.sameStruct, c.unlock)
		m := &LKMM{}
		seen, n := false, 0
		model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			n++
			if g.Reg(0, r1.ID) == 1 && g.Reg(0, r2.ID) == 0 {
				seen = true
			}
			assert.Equal(t, c.flags, m.Flags(g), "same struct %v\n%s", c.sameStruct, g)
			return true
		})
		require.Greater(t, n, 0)
		assert.Equal(t, !c.forbidden, seen, "same struct %v: the reader sees x=1 and y=0", c.sameStruct)
	}
}

// The hardware models cannot judge a grace period: Supports refuses synchronize_srcu
// as it refuses synchronize_rcu, and accepts the read side (a load and a store of the
// srcu_struct) and smp_mb__after_srcu_read_unlock.
func TestSupportsRefusesSynchronizeSrcu(t *testing.T) {
	withGP, _, _ := srcuReaderUpdater(true, func(r model.Reg) model.Expr { return r })
	readSide := model.NewProgram("srcu-read-side")
	s, x := readSide.Var("s", 0), readSide.Var("x", 0)
	p0 := readSide.Thread("P0", "cpu")
	idx := p0.SrcuReadLock(s)
	p0.WriteOnce(x, 1)
	p0.SrcuReadUnlock(s, idx)
	p0.SmpMbAfterSrcuReadUnlock()
	readSide.Seal()
	for _, name := range []string{"sc", "tso", "armv8", "lkmm", "lkmm-alpha"} {
		m, err := New(name)
		require.NoError(t, err)
		err = Supports(m, withGP)
		if name == "lkmm" || name == "lkmm-alpha" {
			assert.NoError(t, err, name)
		} else {
			assert.EqualError(t, err, "unsupported by "+name+": synchronize_srcu")
		}
		assert.NoError(t, Supports(m, readSide), name)
	}
}
