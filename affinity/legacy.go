package affinity

import (
	"errors"
	"fmt"
)

// This file models two historical bodies of the spreading code in
// kernel/irq/affinity.c, for checking what machines running those kernels did:
//
//   - v4.16: a single pass over all possible CPUs (84676c1f21e8, "genirq/affinity:
//     assign vectors to all possible CPUs", Christoph Hellwig, January 2018).
//   - v4.17 to v4.19: the first two-stage version, present CPUs first and then the
//     other possible CPUs (d3056812e7df, "genirq/affinity: Spread irq vectors among
//     present CPUs as far as possible", Ming Lei, March 2018, with its preparatory
//     patches that split the loop into irq_build_affinity_masks()).
//
// Both split a node's vectors evenly rather than in proportion to CPU counts, walk the
// nodes in id order, and (unlike the current code) write whole node masks with
// cpumask_copy() when there are no more vectors than nodes.

// ErrKernelDivideByZero is returned (wrapped) when the modeled historical kernel would
// have divided by zero on the given input: in the v4.17 code, stage 2 computes
// vecs_per_node = remaining_vectors / nodes, which is 0 when it starts close to the
// end of the vector range and the not-present CPUs span more nodes than vectors are
// left, and then divides by it. The real kernel would take a divide-error oops there.
// v4.20/v5.0 ("genirq/affinity: Spread IRQs to all available NUMA nodes",
// b82592199032) clamped the value to at least 1.
var ErrKernelDivideByZero = errors.New("affinity: the modeled kernel divides by zero on this input")

// spreadPossible416 models the body of irq_create_affinity_masks() in v4.16 for the
// affv managed vectors. It returns the vector masks (index 0 = first managed vector)
// and how many of them it filled; the caller gives the rest the default affinity.
func (m *machine) spreadPossible416(affv int) ([]CPUMask, int, error) {
	masks := make([]CPUMask, affv)
	nodes := m.nodesIn(m.possible)
	cur := 0

	// As many nodes as vectors or more: one whole node per vector, in node id order,
	// stopping when the vectors run out. Nodes past the last vector get nothing.
	if affv <= len(nodes) {
		for _, n := range nodes {
			masks[cur] = m.nodeMask[n]
			if cur++; cur == affv {
				break
			}
		}
		return masks, cur, nil
	}

	left := len(nodes)
	for _, n := range nodes {
		// The vectors not yet used are shared evenly by the nodes not yet served; a
		// node with fewer CPUs than its share gets one vector per CPU.
		perNode := (affv - cur) / left
		nmsk := m.possible.And(m.nodeMask[n])
		ncpus := nmsk.Count()
		toAssign := min(perNode, ncpus)
		if toAssign == 0 {
			return nil, 0, fmt.Errorf("%w (v4.16, node %d)", ErrKernelDivideByZero, n)
		}
		extra := ncpus - toAssign*(ncpus/toAssign)
		for v := 0; cur < affv && v < toAssign; cur, v = cur+1, v+1 {
			per := ncpus / toAssign
			if extra > 0 {
				per++
				extra--
			}
			masks[cur] = masks[cur].Or(takeFirst(&nmsk, per))
		}
		if cur >= affv {
			break
		}
		left--
	}
	return masks, cur, nil
}

// spread417 models irq_create_affinity_masks() of v4.17–v4.19 for the affv managed
// vectors: stage 1 over cpu_present_mask from vector 0, stage 2 over
// cpu_possible_mask & ~cpu_present_mask from the vector after stage 1's last one (or
// from 0 if stage 1 used them all). It returns the masks and the number of vectors
// used (nr_present + nr_others, at most affv); the caller fills the rest.
func (m *machine) spread417(affv int) ([]CPUMask, int, error) {
	masks := make([]CPUMask, affv)
	nrPresent, err := m.stage417(0, affv, m.present, masks)
	if err != nil {
		return nil, 0, err
	}
	cur := nrPresent
	if nrPresent >= affv {
		cur = 0
	}
	nrOthers, err := m.stage417(cur, affv, m.possible.AndNot(m.present), masks)
	if err != nil {
		return nil, 0, err
	}
	return masks, min(nrPresent+nrOthers, affv), nil
}

// stage417 models the v4.17 irq_build_affinity_masks(affd, startvec, numvecs,
// node_to_cpumask, cpu_mask, nmsk, masks). It returns the number of vectors it
// handed CPUs to ("done").
func (m *machine) stage417(start, affv int, cpuMask CPUMask, masks []CPUMask) (int, error) {
	if cpuMask.IsEmpty() {
		return 0, nil
	}
	nodes := m.nodesIn(cpuMask)
	cur, done := start, 0

	// Not more vectors than nodes: copy whole node masks — all possible CPUs of the
	// node, not only this stage's — overwriting what the vector held, and stop after
	// affv nodes. Two consequences the later kernels fixed: nodes after the first affv
	// get no vector at all (v4.20/v5.0, b82592199032), and stage 2 can overwrite a
	// vector stage 1 filled.
	if affv <= len(nodes) {
		for _, n := range nodes {
			masks[cur] = m.nodeMask[n]
			if done++; done == affv {
				break
			}
			if cur++; cur == affv {
				cur = 0
			}
		}
		return done, nil
	}

	left := len(nodes)
	for _, n := range nodes {
		// Evenly share the vectors from the current one to the end among the nodes
		// left. In stage 2 the current vector is where stage 1 stopped, so the share
		// can be 0 (see ErrKernelDivideByZero).
		perNode := (affv - cur) / left
		nmsk := cpuMask.And(m.nodeMask[n])
		ncpus := nmsk.Count()
		toAssign := min(perNode, ncpus)
		if toAssign == 0 {
			return 0, fmt.Errorf("%w (v4.17 irq_build_affinity_masks, node %d, vector %d)", ErrKernelDivideByZero, n, cur)
		}
		extra := ncpus - toAssign*(ncpus/toAssign)
		v := 0
		for ; cur < affv && v < toAssign; cur, v = cur+1, v+1 {
			per := ncpus / toAssign
			if extra > 0 {
				per++
				extra--
			}
			masks[cur] = masks[cur].Or(takeFirst(&nmsk, per))
		}
		if done += v; done >= affv {
			break
		}
		if cur >= affv {
			cur = 0
		}
		left--
	}
	return done, nil
}
