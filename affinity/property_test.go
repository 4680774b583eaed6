package affinity

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
)

// randomCase draws a valid topology and request: 1..24 CPU ids on 1..4 nodes (node
// ids may have gaps, and sometimes nr_node_ids is larger than needed), some CPUs not
// possible, not present or offline, 1..30 spread vectors and 0..2 pre/post vectors.
func randomCase(r *rand.Rand) (Topology, Request) {
	n := 1 + r.IntN(24)
	nodes := 1 + r.IntN(4)
	t := Topology{CPUs: make([]CPU, n)}
	for i := range t.CPUs {
		c := CPU{Node: r.IntN(nodes)}
		c.Possible = i == 0 || r.IntN(10) != 0
		c.Present = c.Possible && r.IntN(10) < 7
		c.Online = c.Present && r.IntN(10) < 8
		t.CPUs[i] = c
	}
	if r.IntN(4) == 0 {
		t.Nodes = t.NumNodes() + r.IntN(3)
	}
	pre, post := r.IntN(3), r.IntN(3)
	return t, Request{Vectors: pre + post + 1 + r.IntN(30), PreVectors: pre, PostVectors: post}
}

const propertyRuns = 4000

// TestPropertiesCurrent checks the invariants of the current algorithm, with both
// node sorts, on random machines.
func TestPropertiesCurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2018))
	for run := 0; run < propertyRuns; run++ {
		topo, rq := randomCase(r)
		for _, ns := range []NodeSort{NodeSortHeap2024, NodeSortHeap2019} {
			o := Options{NodeSort: ns}
			l, err := SpreadWith(topo, rq, o)
			if err != nil {
				t.Fatalf("%v %+v: %v", topo, rq, err)
			}
			if msg := checkCurrent(topo, rq, l); msg != "" {
				t.Fatalf("%v %+v %v:\n %v\n %s", topo, rq, ns, l, msg)
			}
			again, _ := SpreadWith(topo.Clone(), rq, o)
			if !reflect.DeepEqual(l, again) {
				t.Fatalf("%v %+v: not deterministic:\n %v\n %v", topo, rq, l, again)
			}
			offline := topo.Clone()
			for i := range offline.CPUs {
				offline.CPUs[i].Online = offline.CPUs[i].Present && r.IntN(2) == 0
			}
			if l2, _ := SpreadWith(offline, rq, o); !reflect.DeepEqual(l, l2) {
				t.Fatalf("%v %+v: online flags changed the layout:\n %v\n %v", topo, rq, l, l2)
			}
		}
	}
}

// checkCurrent returns a description of the first broken invariant, or "".
func checkCurrent(topo Topology, rq Request, l Layout) string {
	possible, present := topo.PossibleMask(), topo.PresentMask()
	affv := rq.Vectors - rq.PreVectors - rq.PostVectors
	if len(l.Vectors) != rq.Vectors || l.NumQueues() != affv {
		return "wrong number of vectors"
	}
	for i, v := range l.Vectors {
		inSet := i >= rq.PreVectors && i < rq.Vectors-rq.PostVectors
		if v.Managed != inSet {
			return "managed flag wrong (only the spread set is managed)"
		}
		if !inSet && (!v.Default || v.Mask != possible) {
			return "pre/post vector does not have the default affinity"
		}
		if !v.Mask.AndNot(possible).IsEmpty() {
			return "mask holds a CPU that is not possible"
		}
	}
	// Every possible CPU is in exactly one spread mask; surplus vectors come last.
	queues := l.Queues()
	var union CPUMask
	spread, withPresent := 0, 0
	for q, m := range queues {
		if l.Vectors[rq.PreVectors+q].Default {
			if q < min(affv, possible.Count()) || m != possible {
				return "default-affinity vector in the wrong place"
			}
			continue
		}
		spread++
		if m.IsEmpty() {
			return "empty spread mask"
		}
		if union.Intersects(m) {
			return "a CPU is in two spread masks"
		}
		union = union.Or(m)
		if m.Intersects(present) {
			withPresent++
		}
	}
	if union != possible {
		return "some possible CPU is in no spread mask"
	}
	if spread != min(affv, possible.Count()) {
		return "wrong number of spread masks"
	}
	// Present CPUs first: as many queues as possible get a present CPU.
	if withPresent != min(affv, present.Count()) {
		return "fewer queues with a present CPU than the two-stage rule gives"
	}
	// The CPU → queue map inverts the masks when they do not overlap.
	if spread == affv {
		for c := range topo.CPUs {
			want := -1
			for q, m := range queues {
				if m.Has(c) {
					want = q
				}
			}
			if l.QueueOf[c] != want {
				return "QueueOf disagrees with the masks"
			}
		}
	}
	// With everything present the groups respect nodes: a group never splits a node
	// when vectors <= nodes, never spans nodes otherwise, and a node's groups differ
	// in size by at most one.
	if possible == present && affv <= possible.Count() {
		m := newMachine(topo)
		nodes := m.nodesIn(possible)
		perNode := map[int][]int{}
		for _, q := range queues {
			var owners []int
			for _, n := range nodes {
				if q.Intersects(m.nodeMask[n]) {
					owners = append(owners, n)
					if affv <= len(nodes) && !m.nodeMask[n].AndNot(q).IsEmpty() {
						return "a node is split although vectors <= nodes"
					}
				}
			}
			if affv > len(nodes) {
				if len(owners) != 1 {
					return "a group spans nodes although vectors > nodes"
				}
				perNode[owners[0]] = append(perNode[owners[0]], q.Count())
			}
		}
		for _, n := range nodes {
			sizes := perNode[n]
			if affv > len(nodes) && (len(sizes) == 0 || slices.Max(sizes)-slices.Min(sizes) > 1) {
				return "a node has no group or unbalanced groups"
			}
		}
	}
	return ""
}

// TestPropertiesHistorical runs the v4.16 and v4.17 models on random machines: no
// panic, deterministic, masks within the possible CPUs, all-or-nothing managed flags,
// and the only error is the kernel's own division by zero (v4.17 only). v4.16 must
// cover every possible CPU exactly once when there are more vectors than nodes.
func TestPropertiesHistorical(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 16))
	divZero := 0
	for run := 0; run < propertyRuns; run++ {
		topo, rq := randomCase(r)
		affv := rq.Vectors - rq.PreVectors - rq.PostVectors
		possible := topo.PossibleMask()
		for _, a := range []Algorithm{TwoStage417, Possible416} {
			o := Options{Algorithm: a}
			l, err := SpreadWith(topo, rq, o)
			if err != nil {
				if a == TwoStage417 && errors.Is(err, ErrKernelDivideByZero) {
					divZero++
					continue
				}
				t.Fatalf("%v %v %+v: %v", a, topo, rq, err)
			}
			if again, _ := SpreadWith(topo, rq, o); !reflect.DeepEqual(l, again) {
				t.Fatalf("%v %v %+v: not deterministic", a, topo, rq)
			}
			for _, v := range l.Vectors {
				if !v.Managed || !v.Mask.AndNot(possible).IsEmpty() {
					t.Fatalf("%v %v %+v: %v: pre-v5.0 flags or mask wrong", a, topo, rq, l)
				}
			}
			if a == Possible416 && affv > len(newMachine(topo).nodesIn(possible)) {
				var union CPUMask
				for _, m := range l.Queues() {
					if m != possible && union.Intersects(m) {
						t.Fatalf("%v %+v: v4.16 overlap: %v", topo, rq, l)
					}
					union = union.Or(m)
				}
				if union != possible {
					t.Fatalf("%v %+v: v4.16 missed CPUs: %v", topo, rq, l)
				}
			}
		}
	}
	t.Logf("v4.17 would have divided by zero on %d of %d random inputs", divZero, propertyRuns)
}

// TestAlgorithmsAgreeOnSimpleMachines: one node, every possible CPU present — the
// three versions must produce the same layout (apart from v4.16–v4.19 also managing
// pre/post vectors).
func TestAlgorithmsAgreeOnSimpleMachines(t *testing.T) {
	for n := 1; n <= 12; n++ {
		topo := NewTopology(make([]int, n)...)
		for v := 1; v <= 2*n+1; v++ {
			cur, _ := Spread(topo, Request{Vectors: v})
			for _, f := range []func(Topology, Request) (Layout, error){Spread417, SpreadPossible416} {
				if old, err := f(topo, Request{Vectors: v}); err != nil || !reflect.DeepEqual(old, cur) {
					t.Fatalf("%d CPUs, %d vectors: %v vs current %v (%v)", n, v, old, cur, err)
				}
			}
		}
	}
}

// TestHeapsorts checks both lib/sort.c models on every array of up to 7 slots with
// keys from {-1, 1, 2, 3}: the result must be sorted and a permutation of the input,
// and the two versions agree on every input of one or two slots.
func TestHeapsorts(t *testing.T) {
	keys := []int{-1, 1, 2, 3}
	for n := 0; n <= 7; n++ {
		idx := make([]int, n)
		for {
			in := make([]nodeSlot, n)
			for i := range in {
				in[i] = nodeSlot{id: i, cpus: keys[idx[i]]}
			}
			var outs [2][]nodeSlot
			for k, v := range []NodeSort{NodeSortHeap2019, NodeSortHeap2024} {
				out := slices.Clone(in)
				sortSlots(out, v)
				if !slices.IsSortedFunc(out, slotCmp) {
					t.Fatalf("%v: %v sorts %v into %v", v, n, in, out)
				}
				ids := make([]int, n)
				for i, s := range out {
					ids[i] = s.id
				}
				sort.Ints(ids)
				for i := range ids {
					if ids[i] != i {
						t.Fatalf("%v: %v is not a permutation of %v", v, out, in)
					}
				}
				outs[k] = out
			}
			if n <= 2 && !slices.Equal(outs[0], outs[1]) {
				t.Fatalf("versions disagree on %v: %v vs %v", in, outs[0], outs[1])
			}
			k := 0
			for ; k < n; k++ {
				if idx[k]++; idx[k] < len(keys) {
					break
				}
				idx[k] = 0
			}
			if k == n {
				break
			}
		}
	}
	// A tie of two comes out swapped: on a two-node box node 1 is served first.
	s := []nodeSlot{{id: 0, cpus: 4}, {id: 1, cpus: 4}}
	sortSlots(s, NodeSortHeap2019)
	if s[0].id != 1 {
		t.Errorf("tie of two: got order %v, want node 1 first", s)
	}
}
