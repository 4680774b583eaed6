package affinity

// NodeSort selects which version of the kernel's lib/sort.c orders the NUMA nodes in
// the current algorithm.
//
// Since v5.4 the spreading code serves nodes from the one with the fewest CPUs to the
// one with the most (alloc_nodes_vectors(), later alloc_groups_to_nodes() in
// lib/group_cpus.c). It sorts one entry per node slot (nr_node_ids of them, empty
// slots included) with the kernel's sort(), a heapsort, which is not stable. So the
// order of two nodes with the same CPU count — the usual symmetric two-socket box —
// is whatever the heapsort leaves, and the vector numbers of each node's CPUs follow
// from it.
//
// For one or two node slots every lib/sort.c version gives the same answer: the two
// entries of a tie come out swapped, so on a box with two equal nodes node 1 is
// served first and gets the low vector numbers. With three or more slots the two
// versions below can disagree.
type NodeSort int

const (
	// NodeSortHeap2024 is lib/sort.c after Kuan-Wei Chiu's 2024 series (in mainline
	// from about v6.9 on; the exact release is not pinned down here): the sift-down
	// path prefers the right child on ties, the sorting phase pops the two largest
	// elements at a time, and the last two or three elements are finished with one
	// compare. It is the zero value, the model of current kernels.
	NodeSortHeap2024 NodeSort = iota
	// NodeSortHeap2019 is the bottom-up heapsort George Spelvin put into lib/sort.c
	// for v5.1, used by every kernel from v5.4 (when node sorting appeared) until the
	// 2024 series.
	NodeSortHeap2019
)

// String returns the constant's name.
func (s NodeSort) String() string {
	switch s {
	case NodeSortHeap2024:
		return "heap2024"
	case NodeSortHeap2019:
		return "heap2019"
	}
	return "NodeSort(?)"
}

// nodeSlot is one entry of the kernel's struct node_groups array. cpus is the number
// of CPUs of the stage's mask on the node, or -1 for a slot with none (the kernel
// stores UINT_MAX there; its comparator, "ln->ncpus - rn->ncpus" evaluated in
// unsigned arithmetic and returned as int, makes UINT_MAX behave exactly like -1).
type nodeSlot struct {
	id     int
	cpus   int
	groups int
}

func slotCmp(a, b nodeSlot) int { return a.cpus - b.cpus }

// sortSlots sorts s in place, by CPU count, with the chosen lib/sort.c heapsort.
func sortSlots(s []nodeSlot, v NodeSort) {
	if v == NodeSortHeap2019 {
		heapsort2019(s)
	} else {
		heapsort2024(s)
	}
}

// heapsort2019 is the v5.1 lib/sort.c algorithm: build a max-heap bottom-up, then
// repeatedly swap the root to the end and sift the new root down. The sift-down is the
// "bottom-up" variant: walk to a leaf along the larger child (the left one on ties),
// then climb back to the first element not smaller than the sifted one and rotate.
func heapsort2019(s []nodeSlot) {
	n, a := len(s), len(s)/2
	if a == 0 {
		return
	}
	for {
		if a > 0 {
			a--
		} else {
			n--
			if n == 0 {
				return
			}
			s[0], s[n] = s[n], s[0]
		}
		siftDown(s, a, n, false)
	}
}

// heapsort2024 is lib/sort.c after the 2024 series: ties on the way down go to the
// right child, the sort phase extracts the two largest elements per round, and the
// last two or three elements need no sift.
func heapsort2024(s []nodeSlot) {
	n, a := len(s), len(s)/2
	if a == 0 {
		return
	}
	shift := 0
	for {
		switch {
		case a != 0:
			a -= 1 << shift
		case n > 3:
			n--
			s[0], s[n] = s[n], s[0]
			shift = 0
			if slotCmp(s[1], s[2]) <= 0 {
				shift = 1
			}
			a = 1 << shift
			n--
			s[a], s[n] = s[n], s[a]
		default:
			n--
			s[0], s[n] = s[n], s[0]
			if n == 2 && slotCmp(s[0], s[1]) > 0 {
				s[0], s[1] = s[1], s[0]
			}
			return
		}
		siftDown(s, a, n, true)
	}
}

// siftDown sifts s[a] into the heap s[a:n]. rightOnTie selects the 2024 child choice.
func siftDown(s []nodeSlot, a, n int, rightOnTie bool) {
	b, c, d := a, 0, 0
	for {
		c = 2*b + 1
		d = c + 1
		if d >= n {
			break
		}
		k := slotCmp(s[c], s[d])
		if k > 0 || (k == 0 && !rightOnTie) {
			b = c
		} else {
			b = d
		}
	}
	if d == n { // last leaf without a sibling
		b = c
	}
	for b != a && slotCmp(s[a], s[b]) >= 0 {
		b = (b - 1) / 2
	}
	for c = b; b != a; {
		b = (b - 1) / 2
		s[b], s[c] = s[c], s[b]
	}
}
