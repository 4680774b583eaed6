// Package affinity computes how Linux spreads a multiqueue device's interrupt vectors
// over the CPUs: the masks irq_create_affinity_masks() hands to the MSI-X layer, which
// of them are managed, and the CPU → queue map blk-mq derives from them. The rest of
// steercheck uses it to know, for a given machine and kernel version, which queue a
// CPU submits on and which CPUs a queue's completion interrupt may target when CPUs
// are hot-plugged.
//
// # Index
//
//   - cpumask.go: CPUMask, the struct cpumask model; cpulist parsing and printing.
//   - topology.go: Topology (possible/present/online flags and NUMA node per CPU),
//     its validation and a compact text form ("cpus=8 present=0-3 node1=4-7").
//   - spread.go: Request, Layout, Vector, Spread, Spread417, SpreadPossible416,
//     SpreadWith; the irq_create_affinity_masks() level (pre/post vectors, managed
//     flags, surplus vectors) and the blk-mq CPU → queue map.
//   - group.go: the current grouping, group_cpus_evenly() of lib/group_cpus.c.
//   - nodesort.go: the kernel heapsort that orders NUMA nodes, in its 2019 and 2024
//     versions.
//   - legacy.go: the v4.16 and v4.17 spreading bodies.
//
// # What the kernel does, and where each rule comes from
//
// A device asks for nvecs vectors, the first pre_vectors and the last post_vectors of
// which serve non-queue work. Those keep the default affinity (every CPU) and, since
// v5.0, are not managed. The vectors in between are spread and managed.
//
// Spreading works per NUMA node and, since v4.17, in two stages. Stage 1 groups the
// present CPUs starting at the first spread vector. Stage 2 groups the possible but
// not present CPUs (the ones that can be hot-added later), starting at the vector after
// the last one stage 1 used, wrapping to the first spread vector. Within a stage, if
// there are no more vectors than nodes, whole nodes are handed to vectors in node id
// order. Otherwise each node with CPUs gets at least one vector and, since v5.4, a
// number of vectors proportional to its CPU count. Nodes are served from the smallest
// to the largest, and each node's CPUs are cut, lowest id first, into groups whose
// sizes differ by at most one, the larger groups first. Online state is not looked at:
// offline CPUs keep their vectors, which is what makes managed interrupts survive
// hot-unplug.
//
// The history, with the function this package models for each step:
//
//	v4.8   kernel/irq/affinity.c appears; until v4.12 it spreads over online CPUs
//	       (not modeled)
//	v4.13  9a0ef98e186d assign vectors to all present CPUs (not modeled)
//	v4.16  84676c1f21e8 assign vectors to all possible CPUs, one pass
//	       → SpreadPossible416 / Possible416
//	v4.17  d3056812e7df spread among present CPUs first, then the others (two stages)
//	       → Spread417 / TwoStage417 (v4.17–v4.19)
//	v4.20/v5.0  b82592199032 every node gets a vector even when vectors < nodes;
//	       6da4b3ab9a6e interrupt sets; c410abbbacb9 pre/post vectors not managed
//	v5.3   single spread vector is managed again ("Create affinity mask for single vector")
//	v5.4   vectors per node in proportion to CPU count, nodes sorted by size
//	v5.18  08d835dff916 whole-node case adds only the stage's CPUs of the node
//	v6.3   the code moves to lib/group_cpus.c as group_cpus_evenly()
//	2024   lib/sort.c heapsort rework (changes the order of equally sized nodes when
//	       there are three or more node slots; see NodeSort)
//	2025   group_cpus_evenly() reports how many groups it filled; surplus vectors get
//	       the default affinity instead of an empty mask
//	       → Spread / GroupCPUsEvenly (v5.4 onwards, with these later fixes)
//
// The v5.0–v5.3 per-node split (between the v4.17 and v5.4 rules) is not modeled
// separately. Version numbers are those of the mainline release a change first
// appeared in as far as could be established. The 2024 and 2025 entries are not tied to
// a release here.
//
// # The 2018 example
//
// The 4.17 change is about machines that list more possible CPUs than are present
// (virtual machines sized for CPU hot-add, some firmware). With 8 possible CPUs on one
// node, CPUs 0-3 present and online, 4-7 possible but not present, and 4 queues:
//
//	v4.16 (SpreadPossible416): {0,1} {2,3} {4,5} {6,7}  only queues 0 and 1 have a present CPU
//	v4.17+ and current:        {0,4} {1,5} {2,6} {3,7}  every queue has a present CPU
//
// The layout {0,1} {4,6} {2,3} {5,7} cannot come from any version on a single node.
// Among all ways of putting those 8 CPUs on up to three nodes, the only algorithm that
// produces it is v4.16's. It needs node A = {0,1,4,6} before node B = {2,3,5,7}, or
// nodes {0,1}, {4,6}, {2,3,5,7} in that order. On the two-node machine, v4.17 gives
// {0,4} {1,6} {2,5} {3,7} and the current code gives {2,5} {3,7} {0,4} {1,6}
// (spread_test.go checks all of this).
//
// # Using the result
//
// Layout.QueueOf is blk-mq's mq_map[]: the hardware queue a CPU submits on. It is built
// like blk_mq_virtio_map_queues() / blk_mq_pci_map_queues() build it from these masks,
// so with virtio-scsi queue q is request virtqueue q and its interrupt is vector
// PreVectors+q (PreVectors = 3 over virtio-pci: config, control, event). Layout.BlkMQMap gives the same map with blk-mq's fallback to queue 0
// for CPUs no mask names.
//
// The masks are fixed at probe time. The managed ones never change afterwards. When the
// last online CPU of a managed vector's mask goes offline the kernel shuts the
// interrupt down instead of moving it, and it starts it again when one of those CPUs
// comes back (irq_affinity_online_cpu()). That is why every queue should contain a
// present CPU, and why blk-mq has to drain a queue before its last CPU goes away.
// Unmanaged vectors (pre/post) are moved to another online CPU like any interrupt.
//
// # Not modeled
//
// SMT siblings: the kernel puts a CPU's hyperthread siblings in the same group when it
// can (topology_sibling_cpumask()). This package has no sibling information and treats
// every CPU as its own core, which is what the kernel sees for CPUs that were never
// online. CPU clusters: a 2025 change groups CPUs by cluster inside a node first. Also
// not modeled: driver-provided interrupt sets (calc_sets, used by nvme for its
// read/poll queues), isolcpus housekeeping restrictions, the online-only spreading of
// v4.8–v4.12 and the present-only spreading of v4.13–v4.15.
package affinity
