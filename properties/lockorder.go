package properties

import (
	"fmt"
	"sort"
	"strings"
)

// lockorder.go: P5's lock-order graph across the parts of a run.
//
// P5's lock-order graph lives across the executions of a run (deadlock.go): an
// inversion is reported when an execution adds the edge that closes a cycle, even if
// no execution took both orders. A run split into pieces (model.ExploreParallel,
// Options.Resume) or shards gives each part a checker of its own, whose graph holds
// only its part's edges: an inversion whose two orders fall in different parts would
// be missed, and a part's verdict would differ from the whole run's. So each part's
// edges are kept (Report.LockOrder, model.PieceRecord.Notes), and their union judged:
// a split run whose union has a cycle is run again in one piece, which is the
// sequential run, and merge reports a cycle across shards.

// lockOrderArrow separates an edge's two classes: "tgt_lock → vq_lock".
const lockOrderArrow = " → "

// edgeList returns the graph's edges as sorted "A → B" strings.
func (l *lockOrder) edgeList() []string {
	out := make([]string, 0, len(l.edges))
	for k := range l.edges {
		out = append(out, k[0]+lockOrderArrow+k[1])
	}
	sort.Strings(out)
	return out
}

// LockOrderCycle returns the edges of a cycle in the union of edges ("A → B" strings,
// as Report.LockOrder has them), in order around the cycle, or nil when the union is
// acyclic. A class nested in itself ("A → A") is a cycle of one edge. It is an error
// when an edge is not of that form.
func LockOrderCycle(edges []string) ([]string, error) {
	succ := map[string][]string{}
	for _, e := range edges {
		from, to, ok := strings.Cut(e, lockOrderArrow)
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("lock-order edge %q: want \"A%sB\"", e, lockOrderArrow)
		}
		if !contains(succ[from], to) {
			succ[from] = append(succ[from], to)
		}
	}
	classes := make([]string, 0, len(succ))
	for c := range succ {
		classes = append(classes, c)
		sort.Strings(succ[c])
	}
	sort.Strings(classes) // deterministic: the same cycle for the same edges
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var path []string
	var found []string
	var visit func(c string) bool
	visit = func(c string) bool {
		color[c] = grey
		path = append(path, c)
		for _, d := range succ[c] {
			switch color[d] {
			case grey:
				i := len(path) - 1
				for path[i] != d {
					i--
				}
				cyc := append(append([]string(nil), path[i:]...), d)
				for j := 0; j+1 < len(cyc); j++ {
					found = append(found, cyc[j]+lockOrderArrow+cyc[j+1])
				}
				return true
			case white:
				if visit(d) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		color[c] = black
		return false
	}
	for _, c := range classes {
		if color[c] == white && visit(c) {
			return found, nil
		}
	}
	return nil, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dedupSorted returns list sorted, without repeats.
func dedupSorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	k := 0
	for i, s := range out {
		if i == 0 || s != out[k-1] {
			out[k] = s
			k++
		}
	}
	return out[:k]
}
