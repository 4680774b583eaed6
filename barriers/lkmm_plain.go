package barriers

import "github.com/steercheck/steercheck/model"

// lkmm_plain.go is LKMM's plain-coherence axiom (linux-kernel.cat, "Plain accesses"):
// a plain access that races with another access of another thread must agree with the
// order the marked accesses around them force. For a racing w →rf r, r must not be
// rw-xbstar before w; for a racing r →fr w, w must not be wr-vis before r; for a
// racing w →co w′, w′ must not be ww-vis before w.
//
// The .cat builds rw-xbstar, wr-vis and ww-vis whole and intersects their inverses
// with the racing pairs. The pairs are few and each of those relations is a chain of
// compositions, so here each pair is checked alone: the chain is followed from the
// pair's second event one set of nodes at a time (algebra.image), and only the two
// closures inside it, xb* and cumul-fence*, are built whole.
// TestPlainCoherenceMatchesTheCat compares this with the .cat's formulas, built whole,
// on every graph of the shape and kernel tables.

// plainOrders holds the relations the chains are built from.
type plainOrders struct {
	a                  *algebra
	marked             set
	fence, strongFence *rel
	xbstar, xbInt      *rel // xb* and xb* ∩ int
	cumulStar, rfe     *rel
	rmwSeq             *rel
	postR, preW, preR  *rel // the optional steps of r-post-bounded, w-pre-bounded, r-pre-bounded
}

// plainCoherence checks the axiom (see the file comment).
func (m *LKMM) plainCoherence(s *lkmmSets, r *lkmmRels, rb, rcuFence *rel) bool {
	x := &m.x
	a := &x.a
	preRace := preRace(a, x, s)
	wrRace, rwRace, wwRace := a.inter(preRace, x.rf), a.inter(preRace, x.fr), a.inter(preRace, x.co)
	if wrRace.empty() && rwRace.empty() && wwRace.empty() {
		return true
	}
	p := m.plainOrders(s, r, rb, rcuFence)
	return !p.incoherent(wrRace, p.rwXbstarFrom) && !p.incoherent(rwRace, p.wrVisFrom) && !p.incoherent(wwRace, p.wwVisFrom)
}

// preRace is the .cat's pre-race: ext ∩ ((Plain × M) ∪ ((M \ IW) × Plain)), the
// pairs of accesses of different threads of which one is plain.
func preRace(a *algebra, x *execution, s *lkmmSets) *rel {
	ext := a.minus(a.cross(s.M, s.M), x.intr)
	return a.inter(ext, a.union(a.cross(s.Plain, s.M), a.cross(a.setMinus(s.M, s.IW), s.Plain)))
}

// plainOrders gathers what rw-xbstar, wr-vis and ww-vis are built from.
func (m *LKMM) plainOrders(s *lkmmSets, r *lkmmRels, rb, rcuFence *rel) *plainOrders {
	x := &m.x
	a := &x.a
	p := &plainOrders{a: a, marked: s.Marked, fence: r.fence, strongFence: r.strongFence, rfe: r.rfe, rmwSeq: r.rmwSeq}
	xb := a.union(r.hb, r.pb)
	if rcuFence != nil {
		p.fence, p.strongFence = a.union(p.fence, rcuFence), a.union(p.strongFence, rcuFence)
		xb = a.union(xb, rb)
	}
	p.xbstar = a.star(xb)
	p.xbInt = a.inter(p.xbstar, x.intr)
	p.cumulStar = r.cumulStar
	notNoreturn := a.complement(s.Noreturn)
	R4rmb := a.setMinus(s.R, s.Noreturn)
	rmbFence := x.fencerel(x.fences(model.FenceRmb))
	p.postR = a.union(r.nonrwFence, a.restrict(notNoreturn, rmbFence, R4rmb))
	p.preW = a.union(r.addr, p.fence)
	p.preR = a.union(r.addr, r.nonrwFence, a.restrict(R4rmb, rmbFence, notNoreturn))
	return p
}

// eachPair calls f for every pair of r, in row order.
func (p *plainOrders) eachPair(r *rel, f func(u, v int)) {
	for u := 0; u < r.n; u++ {
		row := r.row(u)
		for v := nextMember(row, 0); v >= 0; v = nextMember(row, v+1) {
			f(u, v)
		}
	}
}

// incoherent reports whether some pair (u, v) of race has u in reverse(v): the nodes
// the order reverse names reaches from v.
func (p *plainOrders) incoherent(race *rel, reverse func(v int) set) bool {
	found := false
	p.eachPair(race, func(u, v int) {
		found = found || reverse(v).has(u)
	})
	return found
}

// onMarked is s ∩ Marked, as the .cat's [Marked] step.
func (p *plainOrders) onMarked(s set) set { return p.a.setInter(s, p.marked) }

// rwXbstarFrom is {v} ; rw-xbstar, where
// rw-xbstar = fence | (r-post-bounded ; xbstar ; w-pre-bounded),
// r-post-bounded = (nonrw-fence | ([~Noreturn] ; fencerel(Rmb) ; [R4rmb]))? ; [Marked],
// w-pre-bounded = [Marked] ; (addr | fence)?.
func (p *plainOrders) rwXbstarFrom(v int) set {
	a := p.a
	from := a.single(v)
	chain := p.wPre(a.image(p.onMarked(a.imageOpt(from, p.postR)), p.xbstar))
	return a.setUnion(a.image(from, p.fence), chain)
}

// wrVisFrom is {v} ; wr-vis, where
// wr-vis = fence | (strong-fence ; xbstar ; r-pre-bounded) | (w-post-bounded ; vis ; r-pre-bounded).
func (p *plainOrders) wrVisFrom(v int) set { return p.visFrom(v, p.rPre) }

// wwVisFrom is {v} ; ww-vis: wr-vis with w-pre-bounded at the end.
func (p *plainOrders) wwVisFrom(v int) set { return p.visFrom(v, p.wPre) }

// visFrom is {v} ; (fence | (strong-fence ; xbstar ; pre) | (w-post-bounded ; vis ; pre)),
// where w-post-bounded = fence? ; [Marked] ; rmw-sequence and
// vis = cumul-fence* ; rfe? ; [Marked] ; ((strong-fence ; [Marked] ; xbstar) | (xbstar & int)).
func (p *plainOrders) visFrom(v int, pre func(set) set) set {
	a := p.a
	from := a.single(v)
	strong := pre(a.image(a.image(from, p.strongFence), p.xbstar))
	post := a.image(p.onMarked(a.imageOpt(from, p.fence)), p.rmwSeq)
	seen := p.onMarked(a.imageOpt(a.image(post, p.cumulStar), p.rfe))
	vis := a.setUnion(a.image(p.onMarked(a.image(seen, p.strongFence)), p.xbstar), a.image(seen, p.xbInt))
	return a.setUnion(a.image(from, p.fence), strong, pre(vis))
}

// wPre follows w-pre-bounded = [Marked] ; (addr | fence)? from s.
func (p *plainOrders) wPre(s set) set { return p.a.imageOpt(p.onMarked(s), p.preW) }

// rPre follows r-pre-bounded = [Marked] ; (addr | nonrw-fence | ([R4rmb] ; fencerel(Rmb) ; [~Noreturn]))? from s.
func (p *plainOrders) rPre(s set) set { return p.a.imageOpt(p.onMarked(s), p.preR) }
