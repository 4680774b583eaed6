package barriers

import "github.com/steercheck/steercheck/model"

// mirror_pool.go keeps a few mirrors per model (mirror.go): the explorer jumps between
// graphs on revisits (a copy of the graph, with one read given another write and the
// events after it dropped) and comes back, and a single mirror would be cut back and
// rebuilt at every such jump.

// copyFrom makes m hold what o holds; both belong to the same model (their relations
// and sets were registered in the same order).
func (m *mirror) copyFrom(o *mirror) {
	if o.prog == nil {
		m.prog = nil
		return
	}
	if m.c < o.c {
		m.ensure(o.c)
	} else if o.c < m.c {
		o.ensure(m.c)
	}
	m.prog, m.n, m.nIW, m.sound = o.prog, o.n, o.nIW, o.sound
	n, w := o.n, o.w
	for i, r := range o.rels {
		d := m.rels[i]
		copy(d.b[:n*w], r.b[:n*w])
		d.log = append(d.log[:0], r.log...)
		copy(d.marks[:n], r.marks[:n])
	}
	for i, s := range o.sets {
		copy(*m.sets[i], *s)
	}
	copy(m.ref[:n], o.ref[:n])
	copy(m.sigs[:n], o.sigs[:n])
	copy(m.class[:n], o.class[:n])
	copy(m.loc[:n], o.loc[:n])
	copy(m.rfOf[:n], o.rfOf[:n])
	copy(m.rmwW[:n], o.rmwW[:n])
	copy(m.deps[:n], o.deps[:n])
	m.nodes = copyLists(m.nodes, o.nodes)
	m.co = copyLists(m.co, o.co)
	m.readsAt = copyLists(m.readsAt, o.readsAt)
	for len(m.thr) < len(o.thr) {
		m.thr = append(m.thr, make(set, m.w))
	}
	for i := range m.thr {
		if i < len(o.thr) {
			copy(m.thr[i], o.thr[i])
		} else {
			clear(m.thr[i])
		}
	}
}

func copyLists(dst, src [][]int32) [][]int32 {
	for len(dst) < len(src) {
		dst = append(dst, nil)
	}
	dst = dst[:len(src)]
	for i := range src {
		dst[i] = append(dst[i][:0], src[i]...)
	}
	return dst
}

// mirrorPool holds a few mirrors of one model, so that each of the graphs the
// explorer jumps between (on revisits) keeps its own: a mirror that a revisited graph
// would cut (a node changed while later ones are still there) is copied first.
type mirrorPool struct {
	items []*mirror
	used  []int64 // when each was last used
	clock int64
	cur   int
}

// mirrorPoolSize is how many mirrors a model keeps.
const mirrorPoolSize = 8

// pickFor returns the index of the pool's mirror for g, brought up to date (see pick),
// after filling the pool with the mirrors prepare makes the first time; -1 when g
// cannot be mirrored.
func (p *mirrorPool) pickFor(g *model.ExecutionGraph, prepare func(i int) *mirror) int {
	if p.items == nil {
		for i := 0; i < mirrorPoolSize; i++ {
			p.add(prepare(i))
		}
	}
	i, ok := p.pick(g)
	if !ok {
		return -1
	}
	return i
}

// add puts a mirror into the pool.
func (p *mirrorPool) add(m *mirror) {
	p.items = append(p.items, m)
	p.used = append(p.used, 0)
}

// pick chooses the mirror for g, brings it up to date, and returns its index; false
// when g cannot be mirrored (see sync).
func (p *mirrorPool) pick(g *model.ExecutionGraph) (int, bool) {
	p.clock++
	k, surv := p.items[p.cur].match(g)
	if surv > 0 {
		best := p.cur
		for i, o := range p.items {
			if i == p.cur {
				continue
			}
			if o.n <= k {
				continue // it holds no more than k nodes: it cannot match more
			}
			if ki := o.matchPrefix(g); ki > k {
				best, k = i, ki
			}
		}
		if best != p.cur {
			surv = p.items[best].survivors(g, k)
		}
		if surv > 0 {
			victim := -1
			for i := range p.items {
				if i != best && (victim < 0 || p.used[i] < p.used[victim]) {
					victim = i
				}
			}
			p.items[victim].copyFrom(p.items[best])
			best = victim
		}
		p.cur = best
	}
	p.used[p.cur] = p.clock
	return p.cur, p.items[p.cur].syncFrom(g, k)
}
