package affinity

import (
	"errors"
	"fmt"
	"strings"
)

// MaxVectors bounds Request.Vectors: an MSI-X table has at most 2048 entries.
const MaxVectors = 2048

// ErrInvalidRequest is wrapped by every error that rejects a Request.
var ErrInvalidRequest = errors.New("affinity: invalid request")

// Request is what a driver asks for: the arguments of irq_create_affinity_masks(nvecs,
// affd) with a single interrupt set (no calc_sets callback, as virtio and most
// drivers use it).
//
// Vectors is the total number of vectors of the device (nvecs). The first PreVectors
// and the last PostVectors are for non-queue work and are not spread. virtio-scsi asks
// for pre_vectors = 2 (control and event virtqueues) and virtio-pci's
// vp_find_vqs_msix() adds one for the config interrupt, so with N request queues
// irq_create_affinity_masks() sees nvecs = N+3, pre_vectors = 3; nvme uses 1 for its
// admin queue. The Vectors-PreVectors-PostVectors vectors in between are the managed set,
// one per queue, spread over the CPUs.
type Request struct {
	Vectors     int
	PreVectors  int
	PostVectors int
}

// Validate returns a one-line error wrapping ErrInvalidRequest, or nil.
func (r Request) Validate() error {
	switch {
	case r.Vectors < 1:
		return fmt.Errorf("%w: need at least 1 vector, got %d", ErrInvalidRequest, r.Vectors)
	case r.Vectors > MaxVectors:
		return fmt.Errorf("%w: %d vectors, more than MSI-X allows (%d)", ErrInvalidRequest, r.Vectors, MaxVectors)
	case r.PreVectors < 0 || r.PostVectors < 0:
		return fmt.Errorf("%w: negative pre_vectors (%d) or post_vectors (%d)", ErrInvalidRequest, r.PreVectors, r.PostVectors)
	case r.PreVectors+r.PostVectors > r.Vectors:
		return fmt.Errorf("%w: pre_vectors (%d) + post_vectors (%d) exceed the %d vectors", ErrInvalidRequest, r.PreVectors, r.PostVectors, r.Vectors)
	}
	return nil
}

// Algorithm selects which kernel version's spreading to run.
type Algorithm int

const (
	// GroupCPUsEvenly is the current algorithm (the zero value): group_cpus_evenly()
	// in lib/group_cpus.c since v6.3, the same code as irq_build_affinity_masks() of
	// v5.4–v6.2, with the v5.18 node-mask fix and the 2025 nummasks change. See
	// groupCPUsEvenly in group.go.
	GroupCPUsEvenly Algorithm = iota
	// TwoStage417 is the first two-stage version, v4.17–v4.19 (d3056812e7df). See
	// spread417 in legacy.go.
	TwoStage417
	// Possible416 is v4.16: one pass over all possible CPUs (84676c1f21e8). See
	// spreadPossible416 in legacy.go.
	Possible416
)

// String returns the constant's name.
func (a Algorithm) String() string {
	switch a {
	case GroupCPUsEvenly:
		return "group_cpus_evenly"
	case TwoStage417:
		return "two-stage-4.17"
	case Possible416:
		return "possible-4.16"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Options selects the kernel version to model. The zero value is the current kernel.
type Options struct {
	Algorithm Algorithm
	// NodeSort picks the lib/sort.c version that orders equally sized NUMA nodes; it
	// only affects GroupCPUsEvenly.
	NodeSort NodeSort
}

// Vector is the outcome for one interrupt vector: the irq_affinity_desc the kernel
// builds (mask and is_managed), plus whether the mask is the default affinity.
type Vector struct {
	// Mask is the CPUs the interrupt may be delivered to.
	Mask CPUMask
	// Managed is is_managed: the kernel owns the affinity (user space cannot change
	// it) and shuts the interrupt down when its last CPU goes offline.
	Managed bool
	// Default is set when Mask is irq_default_affinity (modeled as all possible CPUs)
	// rather than a group produced by the spreading: pre/post vectors, every vector
	// when no vector is left to spread, and spread vectors beyond the number of CPUs.
	Default bool
}

// Layout is the result of spreading: every vector's mask and the CPU → queue map
// blk-mq builds from the managed set.
type Layout struct {
	// Vectors has one entry per requested vector, in vector order.
	Vectors []Vector
	// PreVectors and PostVectors repeat the request; queue q is Vectors[PreVectors+q].
	PreVectors, PostVectors int
	// QueueOf[cpu] is the queue (0-based index into the spread set) that CPU's I/O is
	// submitted on, or -1 if no queue's mask contains the CPU (non-possible CPUs, or
	// CPUs a historical algorithm left out). It is built the way blk-mq builds
	// mq_map[] from the interrupt masks (blk_mq_pci_map_queues(),
	// blk_mq_virtio_map_queues(), now blk_mq_map_hw_queues()): for each queue in
	// order, every CPU of its mask is mapped to it, so if masks overlap the last queue
	// wins.
	QueueOf []int
}

// NumQueues returns the size of the spread set: Vectors-PreVectors-PostVectors.
func (l Layout) NumQueues() int { return len(l.Vectors) - l.PreVectors - l.PostVectors }

// Queues returns the masks of the spread set, queue 0 first.
func (l Layout) Queues() []CPUMask {
	out := make([]CPUMask, l.NumQueues())
	for q := range out {
		out[q] = l.Vectors[l.PreVectors+q].Mask
	}
	return out
}

// BlkMQMap returns QueueOf as blk-mq would finally hold it: blk-mq clears mq_map[] to
// 0 before mapping, so a CPU no mask names submits on queue 0.
func (l Layout) BlkMQMap() []int {
	out := append([]int(nil), l.QueueOf...)
	for i, q := range out {
		if q < 0 {
			out[i] = 0
		}
	}
	return out
}

// String renders every vector's mask in vector order, separated by spaces. A mask
// is prefixed with "u:" when the vector is not managed and with "d:" when it is the
// default affinity ("ud:" for both), e.g. two pre vectors and four queues on four
// CPUs: "ud:{0,1,2,3} ud:{0,1,2,3} {0} {1} {2} {3}".
func (l Layout) String() string {
	parts := make([]string, len(l.Vectors))
	for i, v := range l.Vectors {
		p := ""
		if !v.Managed {
			p += "u"
		}
		if v.Default {
			p += "d"
		}
		if p != "" {
			p += ":"
		}
		parts[i] = p + v.Mask.String()
	}
	return strings.Join(parts, " ")
}

// Spread spreads the request's vectors over the topology the way current kernels do
// (irq_create_affinity_masks() with group_cpus_evenly(), lib/sort.c of 2024). It is
// SpreadWith(t, r, Options{}).
func Spread(t Topology, r Request) (Layout, error) {
	return SpreadWith(t, r, Options{})
}

// Spread417 spreads the way v4.17–v4.19 did: two stages with an even per-node split.
func Spread417(t Topology, r Request) (Layout, error) {
	return SpreadWith(t, r, Options{Algorithm: TwoStage417})
}

// SpreadPossible416 spreads the way v4.16 did: one pass over all possible CPUs.
func SpreadPossible416(t Topology, r Request) (Layout, error) {
	return SpreadWith(t, r, Options{Algorithm: Possible416})
}

// SpreadWith validates t and r, then builds the layout of the chosen kernel version.
// It never panics; bad input gives a one-line error wrapping ErrInvalidTopology or
// ErrInvalidRequest, and an input on which the modeled historical kernel would crash
// gives one wrapping ErrKernelDivideByZero.
//
// What the vectors get, following irq_create_affinity_masks() of each version:
//
//   - If no vector is left after the pre and post vectors, nothing is spread and
//     nothing is managed: every vector gets the default affinity (the function
//     returns NULL and the PCI layer allocates the vectors without affinity).
//   - Pre and post vectors get irq_default_affinity. Since v5.0 (c410abbbacb9,
//     "genirq/affinity: Add is_managed to struct irq_affinity_desc") they are not
//     managed. In v4.16–v4.19 the whole allocation was flagged managed, pre/post
//     vectors included, so TwoStage417 and Possible416 report them as Managed.
//   - The spread set gets the groups, vector PreVectors+i the i-th group.
//   - More vectors in the spread set than possible CPUs: the first ones get one CPU
//     each and the surplus gets irq_default_affinity, still managed (Default is set).
//     That is what v4.16–v4.19 did and what current kernels do again since the 2025
//     change that made group_cpus_evenly() report nummasks. From v5.0 until then the
//     surplus vectors kept an empty mask, which alloc_descs() rejects with -EINVAL,
//     so the allocation failed. In practice drivers never get there:
//     irq_calc_affinity_vectors() caps the spread set at the number of possible CPUs
//     (so pci_alloc_irq_vectors_affinity() with min == max fails with -ENOSPC first),
//     and virtio-scsi caps num_queues at nr_cpu_ids.
//   - A spread set of one vector is managed with all possible CPUs since v5.3
//     ("genirq/affinity: Create affinity mask for single vector"); v5.1 and v5.2 left a
//     single vector unmanaged, which is not modeled.
func SpreadWith(t Topology, r Request, o Options) (Layout, error) {
	if err := t.Validate(); err != nil {
		return Layout{}, err
	}
	if err := r.Validate(); err != nil {
		return Layout{}, err
	}
	if o.Algorithm < GroupCPUsEvenly || o.Algorithm > Possible416 {
		return Layout{}, fmt.Errorf("%w: unknown algorithm %d", ErrInvalidRequest, int(o.Algorithm))
	}
	if o.NodeSort != NodeSortHeap2024 && o.NodeSort != NodeSortHeap2019 {
		return Layout{}, fmt.Errorf("%w: unknown node sort %d", ErrInvalidRequest, int(o.NodeSort))
	}

	m := newMachine(t)
	affv := r.Vectors - r.PreVectors - r.PostVectors
	def := Vector{Mask: m.possible, Default: true}
	l := Layout{Vectors: make([]Vector, r.Vectors), PreVectors: r.PreVectors, PostVectors: r.PostVectors}
	for i := range l.Vectors {
		l.Vectors[i] = def
	}
	if affv > 0 {
		var masks []CPUMask
		var used int
		var err error
		switch o.Algorithm {
		case GroupCPUsEvenly:
			masks, used = m.groupCPUsEvenly(affv, o.NodeSort)
		case TwoStage417:
			masks, used, err = m.spread417(affv)
		case Possible416:
			masks, used, err = m.spreadPossible416(affv)
		}
		if err != nil {
			return Layout{}, err
		}
		for i := 0; i < used; i++ {
			l.Vectors[r.PreVectors+i] = Vector{Mask: masks[i]}
		}
		managedFrom, managedTo := r.PreVectors, r.Vectors-r.PostVectors
		if o.Algorithm != GroupCPUsEvenly {
			managedFrom, managedTo = 0, r.Vectors // v4.16–v4.19: all or nothing
		}
		for i := managedFrom; i < managedTo; i++ {
			l.Vectors[i].Managed = true
		}
	}
	l.QueueOf = queueMap(len(t.CPUs), l.Queues())
	return l, nil
}

// queueMap builds the blk-mq CPU → queue map from the queue masks; see Layout.QueueOf.
func queueMap(ncpus int, queues []CPUMask) []int {
	qmap := make([]int, ncpus)
	for i := range qmap {
		qmap[i] = -1
	}
	for q, mask := range queues {
		for _, c := range mask.Cpus() {
			if c < ncpus {
				qmap[c] = q
			}
		}
	}
	return qmap
}
