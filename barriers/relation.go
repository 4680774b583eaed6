package barriers

import "math/bits"

// relation.go is a small relation algebra over the events of one execution graph, the
// vocabulary in which herd7's .cat files (and the papers they come from) state memory
// models: union, intersection, difference, sequence (composition), inverse, transitive
// and reflexive closure, identity on a set, and the acyclic / irreflexive / empty
// checks.
//
// Events are dense node numbers 0..n-1 (see execution.go for the numbering). A relation
// is a bit matrix, row i holding the successors of i; a set is a bit vector. Every
// relation and set comes from an algebra, which owns their storage and hands it out
// again after reset: a model calls reset once per graph and allocates nothing once its
// buffers have grown to the size of the largest graph it has seen. Operations return a
// fresh result and never modify their operands, so the code of a model reads like the
// formulas it implements.
//
// Costs, for n nodes and w = ⌈n/64⌉ words per row: union, intersection and difference
// O(n·w); sequence O(|a|·w) where |a| is the number of pairs in its left operand;
// transitive closure O(n²·w) (Warshall on rows); acyclic O(n·w + |r|) (depth-first
// search). With n a few hundred this is microseconds to a millisecond per operation.

// set is a set of nodes.
type set []uint64

func (s set) has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }
func (s set) add(i int)      { s[i>>6] |= 1 << (uint(i) & 63) }

// empty reports whether s has no member.
func (s set) empty() bool {
	for _, x := range s {
		if x != 0 {
			return false
		}
	}
	return true
}

// rel is a binary relation over nodes 0..n-1.
type rel struct {
	n, w int
	b    []uint64 // n rows of w words
}

func (r *rel) row(i int) []uint64 { return r.b[i*r.w : (i+1)*r.w] }
func (r *rel) has(i, j int) bool  { return r.b[i*r.w+j>>6]&(1<<(uint(j)&63)) != 0 }
func (r *rel) add(i, j int)       { r.b[i*r.w+j>>6] |= 1 << (uint(j) & 63) }

// empty reports whether r has no pair.
func (r *rel) empty() bool {
	for _, x := range r.b {
		if x != 0 {
			return false
		}
	}
	return true
}

// irreflexive reports whether no node is related to itself.
func (r *rel) irreflexive() bool {
	for i := 0; i < r.n; i++ {
		if r.has(i, i) {
			return false
		}
	}
	return true
}

// count is the number of pairs.
func (r *rel) count() int {
	c := 0
	for _, x := range r.b {
		c += bits.OnesCount64(x)
	}
	return c
}

// forEach calls f for every member of row (a bit vector).
func forEach(row []uint64, f func(j int)) {
	for k, x := range row {
		for x != 0 {
			b := bits.TrailingZeros64(x)
			f(k<<6 | b)
			x &^= 1 << uint(b)
		}
	}
}

// algebra owns the relations and sets of one graph's computation.
type algebra struct {
	n, w  int
	rels  []*rel
	nrel  int
	sets  []set
	nset  int
	color []uint8 // depth-first search scratch
	stack []int32
	next  []int32
}

// reset starts a computation over n nodes; every relation and set handed out before
// is invalid afterwards.
func (a *algebra) reset(n int) {
	a.n, a.w = n, (n+63)>>6
	a.nrel, a.nset = 0, 0
}

// newRel returns an empty relation.
func (a *algebra) newRel() *rel {
	if a.nrel == len(a.rels) {
		a.rels = append(a.rels, &rel{})
	}
	r := a.rels[a.nrel]
	a.nrel++
	size := a.n * a.w
	if cap(r.b) < size {
		r.b = make([]uint64, size)
	} else {
		r.b = r.b[:size]
		clear(r.b)
	}
	r.n, r.w = a.n, a.w
	return r
}

// newSet returns an empty set.
func (a *algebra) newSet() set {
	if a.nset == len(a.sets) {
		a.sets = append(a.sets, nil)
	}
	s := a.sets[a.nset]
	if cap(s) < a.w {
		s = make(set, a.w)
	} else {
		s = s[:a.w]
		clear(s)
	}
	a.sets[a.nset] = s
	a.nset++
	return s
}

func (a *algebra) copyRel(x *rel) *rel {
	r := a.newRel()
	copy(r.b, x.b)
	return r
}

// union is x₁ ∪ x₂ ∪ ….
func (a *algebra) union(xs ...*rel) *rel {
	r := a.newRel()
	for _, x := range xs {
		for i, v := range x.b {
			r.b[i] |= v
		}
	}
	return r
}

// inter is x ∩ y.
func (a *algebra) inter(x, y *rel) *rel {
	r := a.newRel()
	for i := range r.b {
		r.b[i] = x.b[i] & y.b[i]
	}
	return r
}

// minus is x \ y.
func (a *algebra) minus(x, y *rel) *rel {
	r := a.newRel()
	for i := range r.b {
		r.b[i] = x.b[i] &^ y.b[i]
	}
	return r
}

// seq is the composition x₁ ; x₂ ; …: i is related to k when i x₁ j x₂ … k. Only the
// j with a successor in the right operand can contribute, so the left operand's rows
// are masked with its domain first: composing with a sparse relation (an identity on
// unlocks, say) then costs little even when the left one is program order.
func (a *algebra) seq(xs ...*rel) *rel {
	cur := xs[0]
	for _, y := range xs[1:] {
		r := a.newRel()
		w := a.w
		dom := a.domain(y)
		for i := 0; i < a.n; i++ {
			dst := r.b[i*w : (i+1)*w]
			for k, x := range cur.b[i*w : (i+1)*w] {
				x &= dom[k]
				for x != 0 {
					j := k<<6 | bits.TrailingZeros64(x)
					x &= x - 1
					for m, v := range y.b[j*w : (j+1)*w] {
						dst[m] |= v
					}
				}
			}
		}
		cur = r
	}
	if len(xs) == 1 {
		return a.copyRel(cur)
	}
	return cur
}

// inv is the inverse x⁻¹.
func (a *algebra) inv(x *rel) *rel {
	r := a.newRel()
	for i := 0; i < a.n; i++ {
		forEach(x.row(i), func(j int) { r.add(j, i) })
	}
	return r
}

// plus is the transitive closure x⁺ (Warshall's algorithm, one row at a time). A node
// k can only be the middle of a path when it has both a predecessor and a successor,
// and only rows with a successor ever grow, so the loops run over those nodes alone.
func (a *algebra) plus(x *rel) *rel {
	r := a.copyRel(x)
	w := a.w
	dom := a.domain(x)
	mid := a.setInter(dom, a.rangeOf(x))
	for kw, kbits := range mid {
		for kbits != 0 {
			k := kw<<6 | bits.TrailingZeros64(kbits)
			kbits &= kbits - 1
			rk := r.b[k*w : (k+1)*w]
			kb := uint64(1) << (uint(k) & 63)
			for iw, ibits := range dom {
				for ibits != 0 {
					i := iw<<6 | bits.TrailingZeros64(ibits)
					ibits &= ibits - 1
					ri := r.b[i*w : (i+1)*w]
					if ri[kw]&kb != 0 {
						for m, v := range rk {
							ri[m] |= v
						}
					}
				}
			}
		}
	}
	return r
}

// star is the reflexive-transitive closure x*.
func (a *algebra) star(x *rel) *rel {
	r := a.plus(x)
	for i := 0; i < a.n; i++ {
		r.add(i, i)
	}
	return r
}

// opt is the reflexive closure x? = x ∪ id.
func (a *algebra) opt(x *rel) *rel {
	r := a.copyRel(x)
	for i := 0; i < a.n; i++ {
		r.add(i, i)
	}
	return r
}

// id is the identity on s, written [s].
func (a *algebra) id(s set) *rel {
	r := a.newRel()
	forEach(s, func(i int) { r.add(i, i) })
	return r
}

// restrict is [s] ; x ; [t]; a nil set means no restriction on that side.
func (a *algebra) restrict(s set, x *rel, t set) *rel {
	r := a.newRel()
	for i := 0; i < a.n; i++ {
		if s != nil && !s.has(i) {
			continue
		}
		src, dst := x.row(i), r.row(i)
		for k, v := range src {
			if t != nil {
				v &= t[k]
			}
			dst[k] = v
		}
	}
	return r
}

// cross is s × t.
func (a *algebra) cross(s, t set) *rel {
	r := a.newRel()
	forEach(s, func(i int) { copy(r.row(i), t) })
	return r
}

// domain is the set of nodes with a successor in x.
func (a *algebra) domain(x *rel) set {
	s := a.newSet()
	w := a.w
	for i := 0; i < a.n; i++ {
		var any uint64
		for _, v := range x.b[i*w : (i+1)*w] {
			any |= v
		}
		if any != 0 {
			s[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	return s
}

// rangeOf is the set of nodes with a predecessor in x.
func (a *algebra) rangeOf(x *rel) set {
	s := a.newSet()
	for i := 0; i < a.n; i++ {
		for k, v := range x.row(i) {
			s[k] |= v
		}
	}
	return s
}

// image is v ; x: the nodes with a predecessor in v.
func (a *algebra) image(v set, x *rel) set {
	r := a.newSet()
	for k, bitsK := range v {
		for bitsK != 0 {
			i := k<<6 | bits.TrailingZeros64(bitsK)
			bitsK &= bitsK - 1
			for m, u := range x.row(i) {
				r[m] |= u
			}
		}
	}
	return r
}

// imageOpt is v ; x? = v ∪ (v ; x).
func (a *algebra) imageOpt(v set, x *rel) set {
	r := a.image(v, x)
	for k, u := range v {
		r[k] |= u
	}
	return r
}

// single is the set {i}.
func (a *algebra) single(i int) set {
	s := a.newSet()
	s.add(i)
	return s
}

// setUnion is s₁ ∪ s₂ ∪ ….
func (a *algebra) setUnion(ss ...set) set {
	r := a.newSet()
	for _, s := range ss {
		for k, v := range s {
			r[k] |= v
		}
	}
	return r
}

// setInter is s ∩ t.
func (a *algebra) setInter(s, t set) set {
	r := a.newSet()
	for k := range r {
		r[k] = s[k] & t[k]
	}
	return r
}

// setMinus is s \ t.
func (a *algebra) setMinus(s, t set) set {
	r := a.newSet()
	for k := range r {
		r[k] = s[k] &^ t[k]
	}
	return r
}

// complement is the set of all nodes not in s.
func (a *algebra) complement(s set) set {
	r := a.newSet()
	for i := 0; i < a.n; i++ {
		if !s.has(i) {
			r.add(i)
		}
	}
	return r
}

// acyclic reports whether x has no cycle (equivalently, x⁺ is irreflexive), by an
// iterative depth-first search.
func (a *algebra) acyclic(x *rel) bool {
	n := a.n
	if cap(a.color) < n {
		a.color = make([]uint8, n)
		a.next = make([]int32, n)
	}
	a.color, a.next = a.color[:n], a.next[:n]
	clear(a.color)
	for root := 0; root < n; root++ {
		if a.color[root] != 0 {
			continue
		}
		a.stack = append(a.stack[:0], int32(root))
		a.color[root], a.next[root] = 1, 0
		for len(a.stack) > 0 {
			v := int(a.stack[len(a.stack)-1])
			u := nextMember(x.row(v), int(a.next[v]))
			if u < 0 {
				a.color[v] = 2
				a.stack = a.stack[:len(a.stack)-1]
				continue
			}
			a.next[v] = int32(u + 1)
			switch a.color[u] {
			case 1:
				return false
			case 0:
				a.color[u], a.next[u] = 1, 0
				a.stack = append(a.stack, int32(u))
			}
		}
	}
	return true
}

// nextMember is the least member of row that is >= from, or -1.
func nextMember(row []uint64, from int) int {
	k := from >> 6
	if k >= len(row) {
		return -1
	}
	x := row[k] &^ (1<<(uint(from)&63) - 1)
	for {
		if x != 0 {
			return k<<6 | bits.TrailingZeros64(x)
		}
		k++
		if k == len(row) {
			return -1
		}
		x = row[k]
	}
}
