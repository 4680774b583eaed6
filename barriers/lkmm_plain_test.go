package barriers

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// plainCoherenceByTheCat is the plain-coherence axiom as linux-kernel.cat writes it:
// rw-xbstar, wr-vis and ww-vis built whole, their inverses intersected with the racing
// pairs. It is the reference for plainCoherence, which follows each pair alone.
func plainCoherenceByTheCat(m *LKMM, s *lkmmSets, r *lkmmRels, rb, rcuFence *rel) bool {
	x := &m.x
	a := &x.a
	c := plainRelsByTheCat(m, s, r, rb, rcuFence)
	wrIncoh := a.inter(a.inter(c.preRace, x.rf), a.inv(c.rwXbstar))
	rwIncoh := a.inter(a.inter(c.preRace, x.fr), a.inv(c.wrVis))
	wwIncoh := a.inter(a.inter(c.preRace, x.co), a.inv(c.wwVis))
	return wrIncoh.empty() && rwIncoh.empty() && wwIncoh.empty()
}

// catPlainRels are the relations of the .cat's "Plain accesses" section, built whole.
type catPlainRels struct {
	preRace, wwVis, wrVis, rwXbstar *rel
}

func plainRelsByTheCat(m *LKMM, s *lkmmSets, r *lkmmRels, rb, rcuFence *rel) catPlainRels {
	x := &m.x
	a := &x.a
	fence, strongFence := r.fence, r.strongFence
	xb := a.union(r.hb, r.pb)
	if rcuFence != nil {
		fence, strongFence = a.union(fence, rcuFence), a.union(strongFence, rcuFence)
		xb = a.union(xb, rb)
	}
	xbstar := a.star(xb)
	marked := a.id(s.Marked)
	vis := a.seq(a.star(r.cumulFence), a.opt(r.rfe), marked,
		a.union(a.seq(strongFence, marked, xbstar), a.inter(xbstar, x.intr)))
	notNoreturn := a.complement(s.Noreturn)
	R4rmb := a.setMinus(s.R, s.Noreturn)
	rmbFence := x.fencerel(x.fences(model.FenceRmb))
	wPre := a.seq(marked, a.opt(a.union(r.addr, fence)))
	rPre := a.seq(marked, a.opt(a.union(r.addr, r.nonrwFence, a.restrict(R4rmb, rmbFence, notNoreturn))))
	wPost := a.seq(a.opt(fence), marked, r.rmwSeq)
	rPost := a.seq(a.opt(a.union(r.nonrwFence, a.restrict(notNoreturn, rmbFence, R4rmb))), marked)
	var c catPlainRels
	c.wwVis = a.union(fence, a.seq(strongFence, xbstar, wPre), a.seq(wPost, vis, wPre))
	c.wrVis = a.union(fence, a.seq(strongFence, xbstar, rPre), a.seq(wPost, vis, rPre))
	c.rwXbstar = a.union(fence, a.seq(rPost, xbstar, wPre))
	ext := a.minus(a.cross(s.M, s.M), x.intr)
	c.preRace = a.inter(ext, a.union(a.cross(s.Plain, s.M), a.cross(a.setMinus(s.M, s.IW), s.Plain)))
	return c
}

// racesByTheCat is the .cat's ww-race, wr-race and rw-race of g, built whole: the
// reference for DataRaces, which follows each pre-race pair alone.
func racesByTheCat(m *LKMM, g *model.ExecutionGraph) map[Race]bool {
	x := &m.x
	x.build(g, cDeps)
	a := &x.a
	s := m.sets()
	var r lkmmRels
	m.happensBefore(&s, &r)
	r.pb = a.restrict(nil, a.seq(r.prop, r.strongFence, a.star(r.hb)), s.Marked)
	rb, rcuFence := m.rcu(&s, &r)
	c := plainRelsByTheCat(m, &s, &r, rb, rcuFence)
	markedW := a.cross(s.Marked, s.W)
	wMarked := a.cross(s.W, s.Marked)
	wwNonrace := a.inter(a.inter(c.wwVis, a.union(markedW, c.rwXbstar)), a.union(wMarked, c.wrVis))
	out := map[Race]bool{}
	add := func(kind string, rr *rel) {
		for u := 0; u < x.n; u++ {
			for v := 0; v < x.n; v++ {
				if rr.has(u, v) {
					out[Race{Kind: kind, First: x.ref(u), Second: x.ref(v)}] = true
				}
			}
		}
	}
	add("ww", a.minus(a.inter(c.preRace, x.co), wwNonrace))
	add("wr", a.minus(a.minus(a.inter(c.preRace, a.seq(a.opt(x.co), x.rf)), c.wrVis), a.inv(c.rwXbstar)))
	add("rw", a.minus(a.inter(c.preRace, x.fr), c.rwXbstar))
	return out
}

// plainRaceProgram builds a random program of plain, ONCE, acquire/release, RMW and
// locked accesses with fences between them, so that its candidate graphs race on
// plain accesses in every way the axiom looks at.
func plainRaceProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("plain-%d", seed))
	locs := []model.Array{p.Var("x", 0), p.Var("y", 0)}
	lock := p.Var("l", 0)
	for ti, n := 0, 2+rng.Intn(2); ti < n; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		locked := false
		for s, m := 0, 2+rng.Intn(2); s < m; s++ {
			l := locs[rng.Intn(2)]
			switch rng.Intn(9) {
			case 0:
				th.Read(l)
			case 1:
				th.Write(l, 1)
			case 2:
				th.WriteOnce(l, th.ReadOnce(locs[rng.Intn(2)]))
			case 3:
				th.LoadAcquire(l)
			case 4:
				th.StoreRelease(l, 2)
			case 5:
				[]func(){th.SmpMb, th.SmpWmb, th.SmpRmb}[rng.Intn(3)]()
			case 6:
				th.AtomicInc(l)
			case 7:
				th.Xchg(l, 2)
			default:
				if !locked {
					th.SpinLock(lock)
					locked = true
				} else {
					th.SpinUnlock(lock)
					locked = false
				}
			}
		}
	}
	return p
}

// plainCoherence follows each racing pair alone; on every candidate graph (allowed or
// not) of the shape and kernel tables and of random racy programs it must say what
// the .cat's whole-relation formulas say.
func TestPlainCoherenceMatchesTheCat(t *testing.T) {
	programs := tablePrograms()
	n := 300
	if testing.Short() {
		n = 200
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		programs = append(programs, plainRaceProgram(seed))
	}
	for _, name := range []string{"lkmm", "lkmm-alpha"} {
		m, err := New(name)
		require.NoError(t, err)
		lk := m.(*LKMM)
		counts := map[bool]int{}
		for _, p := range programs {
			if Supports(m, p) != nil {
				continue
			}
			model.ExploreCandidates(p, anyGraph{}, model.Options{MaxExecutions: 2000}, func(g *model.ExecutionGraph) bool {
				x := &lk.x
				x.build(g, cDeps)
				s := lk.sets()
				if s.Plain.empty() {
					return true
				}
				var r lkmmRels
				lk.happensBefore(&s, &r)
				a := &x.a
				r.pb = a.restrict(nil, a.seq(r.prop, r.strongFence, a.star(r.hb)), s.Marked)
				rb, rcuFence := lk.rcu(&s, &r)
				want := plainCoherenceByTheCat(lk, &s, &r, rb, rcuFence)
				got := lk.plainCoherence(&s, &r, rb, rcuFence)
				counts[want]++
				if !assert.Equal(t, want, got, "%s %s\n%s", name, p.Name, g) {
					return false
				}
				return true
			})
		}
		// Both answers must occur, or the comparison shows little.
		assert.Greater(t, counts[true], 1000, "%s: graphs the axiom allows", name)
		assert.Greater(t, counts[false], 200, "%s: graphs the axiom forbids", name)
		t.Logf("%s: %d graphs allowed, %d forbidden by plain-coherence", name, counts[true], counts[false])
	}
}
