package barriers

import "math/bits"

// mirror_search.go looks for cycles in unions of a mirror's relations (mirror.go): the
// ones through one node, for the incremental checks, and any at all, for the checks
// of a whole graph.

// reachesBack reports whether a path of the relations rs (the rows of each unioned)
// leads from a successor of j back to j: a cycle through j. ext lists relations of
// which only the edges between different threads count.
func (m *mirror) reachesBack(j int, rs []*grel, ext []*grel) bool {
	mark := m.nTmp
	defer m.freeTmp(mark)
	seen := m.tmp()
	stack := append(m.stack[:0], int32(j))
	for len(stack) > 0 {
		v := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		var own set
		if v >= m.nIW {
			own = m.thr[m.ref[v].Thread]
		}
		for k := 0; k < m.w; k++ {
			var x uint64
			for _, r := range rs {
				x |= r.b[v*m.w+k]
			}
			for _, r := range ext {
				y := r.b[v*m.w+k]
				if own != nil {
					y &^= own[k]
				}
				x |= y
			}
			x &^= seen[k]
			seen[k] |= x
			for x != 0 {
				u := k<<6 | bits.TrailingZeros64(x)
				x &= x - 1
				if u == j {
					m.stack = stack[:0]
					return true
				}
				stack = append(stack, int32(u))
			}
		}
	}
	m.stack = stack[:0]
	return false
}

// uniprocAt reports whether po-loc ∪ rf ∪ co ∪ fr has no cycle through node j.
func (m *mirror) uniprocAt(j int) bool {
	return !m.reachesBack(j, m.uniproc, nil)
}

// succ is word k of the successors of v in the union of rs and of the edges of ext
// between different threads.
func (m *mirror) succ(v, k int, rs, ext []*grel) uint64 {
	var x uint64
	for _, r := range rs {
		x |= r.b[v*m.w+k]
	}
	if len(ext) > 0 {
		var own uint64
		if v >= m.nIW {
			own = m.thr[m.ref[v].Thread][k]
		}
		for _, r := range ext {
			x |= r.b[v*m.w+k] &^ own
		}
	}
	return x
}

// acyclic reports whether the union of rs and of the external edges of ext has no
// cycle at all: a depth-first search over every node, on bit sets (gray: on the path;
// done: finished; each path node's successors not yet followed kept in frames).
func (m *mirror) acyclic(rs, ext []*grel) bool {
	mark := m.nTmp
	defer m.freeTmp(mark)
	gray, done := m.tmp(), m.tmp()
	w := m.w
	if cap(m.frames) < m.n*w {
		m.frames = make([]uint64, m.c*w)
	}
	path := m.stack[:0]
	for root := 0; root < m.n; root++ {
		if done.has(root) {
			continue
		}
		path = append(path[:0], int32(root))
		m.enter(root, 0, gray, done, rs, ext)
		for len(path) > 0 {
			d := len(path) - 1
			v := int(path[d])
			frame := m.frames[d*w : (d+1)*w]
			u := -1
			for k, x := range frame {
				if x&gray[k] != 0 {
					m.stack = path[:0]
					return false
				}
				if x &^= done[k]; x != 0 {
					u = k<<6 | bits.TrailingZeros64(x)
					frame[k] = x &^ (1 << (uint(u) & 63))
					break
				}
				frame[k] = 0
			}
			if u < 0 {
				gray[v>>6] &^= 1 << (uint(v) & 63)
				done.add(v)
				path = path[:d]
				continue
			}
			path = append(path, int32(u))
			m.enter(u, d+1, gray, done, rs, ext)
		}
	}
	m.stack = path[:0]
	return true
}

// enter puts v on the search path at depth d: gray, with its successors as frame d.
func (m *mirror) enter(v, d int, gray, done set, rs, ext []*grel) {
	gray.add(v)
	frame := m.frames[d*m.w : (d+1)*m.w]
	for k := range frame {
		frame[k] = m.succ(v, k, rs, ext) &^ done[k]
	}
}
