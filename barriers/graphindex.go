package barriers

import "github.com/steercheck/steercheck/model"

// graphIndex numbers the events of a graph densely and holds a directed edge list with
// a cycle check. Models that reduce to "some union of relations is acyclic" fill it.
type graphIndex struct {
	n      int32
	off    []int32 // first dense id of each thread
	coPos  []int32 // for writes: position in coherence order
	src    []int32
	dst    []int32
	start  []int32 // CSR
	adj    []int32
	color  []uint8
	stack  []int32
	cursor []int32
}

func (x *graphIndex) build(g *model.ExecutionGraph) {
	x.off = x.off[:0]
	n := int32(0)
	for t := range g.Threads {
		x.off = append(x.off, n)
		n += int32(len(g.Threads[t].Events))
	}
	x.n = n
	x.coPos = grow(x.coPos, int(n))
	for _, co := range g.Co {
		for i, w := range co {
			x.coPos[x.id(w)] = int32(i)
		}
	}
	x.src, x.dst = x.src[:0], x.dst[:0]
}

func grow(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

func (x *graphIndex) id(r model.EventRef) int32 { return x.off[r.Thread] + r.Index }

func (x *graphIndex) edge(a, b int32) {
	x.src = append(x.src, a)
	x.dst = append(x.dst, b)
}

// acyclic reports whether the edges added since build form no cycle.
func (x *graphIndex) acyclic() bool {
	n := int(x.n)
	x.start = grow(x.start, n+1)
	for i := range x.start {
		x.start[i] = 0
	}
	for _, a := range x.src {
		x.start[a+1]++
	}
	for i := 1; i <= n; i++ {
		x.start[i] += x.start[i-1]
	}
	x.adj = grow(x.adj, len(x.src))
	x.cursor = grow(x.cursor, n)
	copy(x.cursor, x.start[:n])
	for i, a := range x.src {
		x.adj[x.cursor[a]] = x.dst[i]
		x.cursor[a]++
	}
	if cap(x.color) < n {
		x.color = make([]uint8, n)
	}
	x.color = x.color[:n]
	for i := range x.color {
		x.color[i] = 0
	}
	for root := int32(0); root < x.n; root++ {
		if x.color[root] != 0 {
			continue
		}
		// Iterative DFS: cursor[v] is the next edge of v to follow.
		x.stack = append(x.stack[:0], root)
		x.color[root] = 1
		x.cursor[root] = x.start[root]
		for len(x.stack) > 0 {
			v := x.stack[len(x.stack)-1]
			if x.cursor[v] == x.start[v+1] {
				x.color[v] = 2
				x.stack = x.stack[:len(x.stack)-1]
				continue
			}
			u := x.adj[x.cursor[v]]
			x.cursor[v]++
			switch x.color[u] {
			case 1:
				return false
			case 0:
				x.color[u] = 1
				x.cursor[u] = x.start[u]
				x.stack = append(x.stack, u)
			}
		}
	}
	return true
}
