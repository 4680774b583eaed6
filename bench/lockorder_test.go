package bench

import (
	"fmt"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a lock-aware reduction could save (issue 17's fifth item) is measured here
// before anything is built: a lock-aware explorer in the line of LAPOR (Kokologiannakis,
// Raad and Vafeiadis, PLDI 2019) explores one execution per class of executions that
// differ only in the order in which critical sections took their locks, every other
// read reading from the same write and every other location's coherence the same. Two
// critical sections that touch nothing in common are then explored once, not twice.
// The number of such classes among the executions the explorer visits is the least
// such an explorer could visit; the explorer's executions over it is the most it
// could save (less where a property looks at the order of two critical sections:
// then both orders must still be checked).

// lockOrderClass is g with its lock order forgotten: for every event that is not a
// spin_lock or spin_unlock access, the write a read reads from and the coherence
// position of a write. Two executions of one program have the same class exactly
// when they differ only in their lock order.
func lockOrderClass(g *model.ExecutionGraph) string {
	var b strings.Builder
	for t, th := range g.Threads {
		fmt.Fprintf(&b, "T%d:", t)
		for i := range th.Events {
			e := &th.Events[i]
			if e.Ann&(model.AnnLock|model.AnnUnlock) != 0 {
				continue
			}
			switch {
			case e.IsRead():
				fmt.Fprintf(&b, " r%d=%d.%d", i, e.RF.Thread, e.RF.Index)
			case e.IsWrite():
				fmt.Fprintf(&b, " w%d@%d", i, g.CoIndex(model.EventRef{Thread: int32(t), Index: int32(i)}))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// lockOrderClasses explores p under sc (opts) and returns its executions and their
// lock-order classes.
func lockOrderClasses(t testing.TB, p *model.Program, opts model.Options) (executions, classes int) {
	t.Helper()
	m, err := barriers.New("sc")
	require.NoError(t, err)
	seen := map[string]bool{}
	res := model.Explore(p, m, opts, func(g *model.ExecutionGraph) bool {
		executions++
		seen[lockOrderClass(g)] = true
		return true
	})
	require.True(t, res.Complete(), "the exploration must be complete to count its classes")
	return executions, len(seen)
}

// The measure sees what it must: two critical sections that write different
// locations are one class; writing the same location, or one reading what the other
// writes, they are two.
func TestLockOrderClassesOfCriticalSections(t *testing.T) {
	build := func(secondLoc string, secondReads bool) *model.Program {
		p := model.NewProgram("two-critical-sections")
		l, x, y := p.Var("l", 0), p.Var("x", 0), p.Var("y", 0)
		locs := map[string]model.Addr{"x": x, "y": y}
		p0 := p.Thread("P0", "cpu")
		p0.SpinLock(l)
		p0.WriteOnce(x, 1)
		p0.SpinUnlock(l)
		p1 := p.Thread("P1", "cpu")
		p1.SpinLock(l)
		if secondReads {
			p1.ReadOnce(locs[secondLoc])
		} else {
			p1.WriteOnce(locs[secondLoc], 2)
		}
		p1.SpinUnlock(l)
		return p
	}
	for _, c := range []struct {
		name       string
		loc        string
		reads      bool
		classes    int
		executions int
	}{
		{"disjoint writes", "y", false, 1, 2},
		{"same location written", "x", false, 2, 2},
		{"the other's write read", "x", true, 2, 2},
		{"a location nobody writes read", "y", true, 1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			execs, classes := lockOrderClasses(t, build(c.loc, c.reads), model.Options{})
			assert.Equal(t, c.executions, execs, "executions")
			assert.Equal(t, c.classes, classes, "lock-order classes")
		})
	}
}

// BenchmarkLockOrderClasses reports, for every steering variant under sc, the
// executions the explorer visits and the lock-order classes among them: the executions
// a lock-aware explorer could not go below. The saving metric is executions / classes.
// The configurations: one request per CPU at two and three CPUs, and two CPUs with a
// request to each of two targets (each target has its own tgt_lock).
//
//	go test ./bench -run XXX -bench LockOrderClasses -benchtime 1x
func BenchmarkLockOrderClasses(b *testing.B) {
	twoTargets := steering.DefaultConfig()
	twoTargets.CPUs, twoTargets.Targets = 2, 2
	twoTargets.Requests = []steering.Request{{CPU: 0, Target: 0}, {CPU: 0, Target: 1}, {CPU: 1, Target: 0}, {CPU: 1, Target: 1}}
	for _, c := range []struct {
		name string
		cfg  steering.Config
	}{{"2cpu", requestPerCPU(2)}, {"3cpu", requestPerCPU(3)}, {"2cpu-2tgt-2req", twoTargets}} {
		for _, v := range steering.VariantNames() {
			for _, sym := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/%s/symmetry=%v", c.name, v, sym), func(b *testing.B) {
					sc, err := steering.Build(v, "", c.cfg)
					require.NoError(b, err)
					var execs, classes int
					for i := 0; i < b.N; i++ {
						execs, classes = lockOrderClasses(b, sc.Program, model.Options{Symmetry: sym})
					}
					b.ReportMetric(float64(execs), "executions")
					b.ReportMetric(float64(classes), "classes")
					b.ReportMetric(float64(execs)/float64(classes), "saving")
				})
			}
		}
	}
}
