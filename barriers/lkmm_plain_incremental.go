package barriers

import "math/bits"

// lkmm_plain_incremental.go is plain-coherence (lkmm_plain.go) for lkmm's incremental
// check: the racing pairs with the added node at one end, or every racing pair when
// the added node has an hb or pb successor (see lkmm_incremental.go), each checked by
// following the .cat's rw-xbstar, wr-vis and ww-vis from the pair's second event over
// the relations the mirror keeps. xbstar = (hb ∪ pb)* is followed as the paths of
// hb ∪ (prop ; strong-fence ; [Marked]): every pb edge is one of the latter followed by
// hb steps.

// plainCoherentAt checks plain-coherence after node j was added.
func (m *lkmmInc) plainCoherentAt(j int) bool {
	if m.plain.empty() {
		return true
	}
	if m.leadsOn(j) {
		return m.allPairsCoherent()
	}
	return m.pairsCoherentAt(j)
}

// leadsOn reports whether node j has an hb or pb successor, through which a racing
// pair of other nodes may have become incoherent.
func (m *lkmmInc) leadsOn(j int) bool {
	for k := 0; k < m.w; k++ {
		if m.hb.b[j*m.w+k]|m.ps.b[j*m.w+k] != 0 {
			return true
		}
	}
	return false
}

// pairsCoherentAt checks the racing pairs with node j at one end.
func (m *lkmmInc) pairsCoherentAt(j int) bool {
	if m.class[j]&cRead != 0 {
		if w := int(m.rfOf[j]); w >= 0 && m.racing(w, j) && m.rwIncoherent(w, j) {
			return false
		}
		for _, s := range m.co[m.loc[j]] {
			if m.has(&m.fr, j, int(s)) && m.racing(j, int(s)) && m.visIncoherent(j, int(s), &m.preR) {
				return false
			}
		}
		return true
	}
	if m.class[j]&cWrite == 0 {
		return true
	}
	for _, r := range m.readsAt[m.loc[j]] {
		if m.has(&m.fr, int(r), j) && m.racing(int(r), j) && m.visIncoherent(int(r), j, &m.preR) {
			return false
		}
	}
	l := int(m.loc[j])
	for _, w := range m.co[l] {
		switch {
		case int(w) == j:
		case m.has(&m.co_, int(w), j):
			if m.racing(int(w), j) && m.visIncoherent(int(w), j, &m.preW) {
				return false
			}
		case m.racing(j, int(w)) && m.visIncoherent(j, int(w), &m.preW):
			return false
		}
	}
	return true
}

// allPairsCoherent checks every racing pair.
func (m *lkmmInc) allPairsCoherent() bool {
	for l := range m.co {
		for _, r := range m.readsAt[l] {
			if w := int(m.rfOf[r]); w >= 0 && m.racing(w, int(r)) && m.rwIncoherent(w, int(r)) {
				return false
			}
			for _, s := range m.co[l] {
				if m.has(&m.fr, int(r), int(s)) && m.racing(int(r), int(s)) && m.visIncoherent(int(r), int(s), &m.preR) {
					return false
				}
			}
		}
		for i, w := range m.co[l] {
			for _, s := range m.co[l][i+1:] {
				if m.racing(int(w), int(s)) && m.visIncoherent(int(w), int(s), &m.preW) {
					return false
				}
			}
		}
	}
	return true
}

// rwIncoherent reports whether the racing pair w →rf r is rw-xbstar backwards.
func (m *lkmmInc) rwIncoherent(w, r int) bool {
	mark := m.nTmp
	defer m.freeTmp(mark)
	return m.rwXbstarFrom(r).has(w)
}

// visIncoherent reports whether the racing pair u → v (fr: pre is preR, wr-vis; co:
// preW, ww-vis) is related backwards.
func (m *lkmmInc) visIncoherent(u, v int, pre *grel) bool {
	mark := m.nTmp
	defer m.freeTmp(mark)
	return m.visFrom(v, pre).has(u)
}

// racing reports whether accesses u and v (a pair of rf, fr or co, so to one location)
// are in pre-race: of different threads, u plain, or v plain and u not an initial write.
func (m *lkmmInc) racing(u, v int) bool {
	return m.external(u, v) && (m.plain.has(u) || u >= m.nIW && m.plain.has(v))
}

// image is the union of the rows of r of the members of s, into a new set.
func (m *lkmmInc) image(s set, r *grel) set {
	out := m.tmp()
	forEachMember(s, func(v int) { union(out, m.row(r, v)) })
	return out
}

// xbReach is s ; xbstar: s and every node an hb ∪ pb path leads to from it.
func (m *lkmmInc) xbReach(s set) set {
	out := m.tmp()
	copy(out, s)
	stack := m.stack[:0]
	forEachMember(s, func(v int) { stack = append(stack, int32(v)) })
	for len(stack) > 0 {
		v := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		for k := 0; k < m.w; k++ {
			x := (m.hb.b[v*m.w+k] | m.ps.b[v*m.w+k]) &^ out[k]
			out[k] |= x
			for x != 0 {
				u := k<<6 | bits.TrailingZeros64(x)
				x &= x - 1
				stack = append(stack, int32(u))
			}
		}
	}
	m.stack = stack[:0]
	return out
}

// rwXbstarFrom is {v} ; rw-xbstar = fence ∪ (r-post-bounded ; xbstar ; w-pre-bounded).
func (m *lkmmInc) rwXbstarFrom(v int) set {
	from := m.tmp()
	from.add(v)
	union(from, m.row(&m.postR, v))
	out := m.pre(m.xbReach(m.marked(from)), &m.preW)
	union(out, m.row(&m.fence, v))
	return out
}

// visFrom is {v} ; wr-vis (pre: r-pre-bounded's step, preR) or {v} ; ww-vis (preW):
// fence ∪ (strong-fence ; xbstar ; pre) ∪ (w-post-bounded ; vis ; pre).
func (m *lkmmInc) visFrom(v int, pre *grel) set {
	out := m.pre(m.xbReach(m.row(&m.sf, v)), pre)
	post := m.tmp()
	post.add(v)
	union(post, m.row(&m.fence, v))
	post = m.image(m.marked(post), &m.rmwSeq)
	seen := m.image(post, &m.cs)
	forEachMember(m.writes, func(x int) {
		if seen.has(x) {
			forEachMember(m.row(&m.rf, x), func(y int) {
				if m.external(x, y) {
					seen.add(y) // rfe; a read has no rf successor of its own
				}
			})
		}
	})
	m.marked(seen)
	vis := m.xbReach(m.marked(m.image(seen, &m.sf)))
	for t := range m.thr { // xbstar ∩ int
		own := m.tmp()
		for k := range own {
			own[k] = seen[k] & m.thr[t][k]
		}
		reach := m.xbReach(own)
		for k := range vis {
			vis[k] |= reach[k] & m.thr[t][k]
		}
	}
	union(out, m.pre(vis, pre))
	union(out, m.row(&m.fence, v))
	return out
}

// pre follows [Marked] ; step? from s.
func (m *lkmmInc) pre(s set, step *grel) set {
	m.marked(s)
	out := m.image(s, step)
	union(out, s)
	return out
}
