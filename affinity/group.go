package affinity

// This file models the current spreading algorithm: group_cpus_evenly() in
// lib/group_cpus.c (v6.3 and later), which is the v5.4 body of
// irq_build_affinity_masks() in kernel/irq/affinity.c moved into lib/ so blk-mq can
// share it. Functions are named after, and follow the structure of, the kernel
// functions they model; the comments say what each rule is and when it appeared.

// machine is the per-call snapshot of a validated Topology: the kernel's
// cpu_possible_mask, cpu_present_mask and node_to_cpumask[] (built by
// build_node_to_cpumask() from the possible CPUs).
type machine struct {
	possible CPUMask
	present  CPUMask
	nodeMask []CPUMask // index: node id, length nr_node_ids
}

func newMachine(t Topology) *machine {
	m := &machine{
		possible: t.PossibleMask(),
		present:  t.PresentMask(),
		nodeMask: make([]CPUMask, t.NumNodes()),
	}
	for i, c := range t.CPUs {
		if c.Possible {
			m.nodeMask[c.Node].Set(i)
		}
	}
	return m
}

// nodesIn lists, in increasing id order, the nodes that own at least one CPU of mask
// (get_nodes_in_cpumask(): for_each_node() filtered by cpumask_intersects()).
func (m *machine) nodesIn(mask CPUMask) []int {
	var nodes []int
	for n, nm := range m.nodeMask {
		if nm.Intersects(mask) {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

// groupCPUsEvenly models group_cpus_evenly(numgrps, &nummasks): it splits every
// possible CPU into numgrps groups and returns the groups and nummasks, the number of
// leading groups that received CPUs.
//
// Two stages (introduced for v4.17 by "genirq/affinity: Spread irq vectors among
// present CPUs as far as possible", kept ever since):
//
//  1. The present CPUs are grouped starting at group 0.
//  2. The possible-but-not-present CPUs are grouped starting at the group after the
//     last one stage 1 filled; if stage 1 filled them all, stage 2 starts again at
//     group 0 and adds its CPUs to groups that already hold present CPUs.
//
// So as long as there are at least as many present CPUs as groups, every group gets a
// present CPU and hot-pluggable CPUs ride along; the v4.16 algorithm (see
// spreadPossible416) could leave whole groups with only absent CPUs.
//
// Online state plays no part: a present CPU that is offline is grouped like an online
// one, which is what lets managed interrupts survive CPU hot-unplug and come back.
//
// nummasks is min(groups filled by stage 1 + groups filled by stage 2, numgrps). It
// is smaller than numgrps exactly when there are fewer possible CPUs than groups; the
// groups past it are empty. (The nummasks out-parameter is a 2025 addition; before it
// callers simply received the empty groups, see spread.go.)
func (m *machine) groupCPUsEvenly(numgrps int, sortv NodeSort) ([]CPUMask, int) {
	masks := make([]CPUMask, numgrps)
	nrPresent := m.groupStage(0, numgrps, m.present, masks, sortv)
	cur := 0
	if nrPresent < numgrps {
		cur = nrPresent
	}
	nrOthers := m.groupStage(cur, numgrps, m.possible.AndNot(m.present), masks, sortv)
	return masks, min(nrPresent+nrOthers, numgrps)
}

// groupStage models __group_cpus_evenly(startgrp, numgrps, ..., cpu_mask, ..., masks):
// one stage of the grouping over the CPUs of cpuMask, writing groups from start on and
// wrapping from numgrps-1 back to 0. It returns the number of groups it handed CPUs
// to (numgrps in the "fewer groups than nodes" case).
func (m *machine) groupStage(start, numgrps int, cpuMask CPUMask, masks []CPUMask, sortv NodeSort) int {
	if cpuMask.IsEmpty() {
		return 0
	}
	nodes := m.nodesIn(cpuMask)
	cur := start

	// Not more groups than nodes: whole nodes go to groups, in node id order, wrapping
	// around, several nodes per group if need be. Only the node's CPUs that are also in
	// this stage's mask are added: before v5.18 ("genirq/affinity: Consider that CPUs
	// on nodes can be unbalanced", 08d835dff916) the whole node mask was OR-ed in, so a
	// CPU could land in two groups when stage 1 and stage 2 put its node in different
	// groups.
	if numgrps <= len(nodes) {
		for _, n := range nodes {
			masks[cur] = masks[cur].Or(cpuMask.And(m.nodeMask[n]))
			if cur++; cur == numgrps {
				cur = 0
			}
		}
		return numgrps
	}

	// More groups than nodes: give each node a number of groups proportional to its
	// CPU count (v5.4, "genirq/affinity: Spread vectors on node according to nr_cpu
	// ratio"), then cut each node's CPUs into that many groups.
	slots := m.allocNodesGroups(numgrps, cpuMask, sortv)
	done := 0
	for _, s := range slots {
		if s.cpus < 0 {
			continue // node without CPUs in this stage
		}
		nmsk := cpuMask.And(m.nodeMask[s.id])
		cur = assignCPUsToGroups(nmsk, s.groups, masks, cur)
		done += s.groups
	}
	return done
}

// allocNodesGroups models alloc_nodes_groups() and alloc_groups_to_nodes(). It returns
// one slot per node id (nr_node_ids of them), sorted by CPU count with the kernel's
// heapsort, each active slot carrying its number of groups:
//
//   - numgrps is first capped to the number of CPUs in the stage's mask, so no node
//     gets more groups than CPUs (the kernel comment's invariant);
//   - walking from the node with the fewest CPUs to the one with the most, a node gets
//     max(1, numgrps_left * its_cpus / cpus_left) groups, rounded down. Starting from
//     the smallest node guarantees every node with CPUs at least one group, and the
//     rounding puts any surplus on the largest nodes.
//
// The groups are then handed out in this same sorted order, so the smallest node's
// CPUs get the lowest group numbers. Equal-sized nodes keep the heapsort's order (see
// NodeSort).
func (m *machine) allocNodesGroups(numgrps int, cpuMask CPUMask, sortv NodeSort) []nodeSlot {
	slots := make([]nodeSlot, len(m.nodeMask))
	numcpus := 0
	for n := range slots {
		slots[n] = nodeSlot{id: n, cpus: -1}
		if c := cpuMask.And(m.nodeMask[n]).Count(); c > 0 {
			slots[n].cpus = c
			numcpus += c
		}
	}
	numgrps = min(numcpus, numgrps)
	sortSlots(slots, sortv)
	remaining := numcpus
	for i := range slots {
		if slots[i].cpus < 0 {
			continue
		}
		g := max(1, numgrps*slots[i].cpus/remaining)
		slots[i].groups = g
		remaining -= slots[i].cpus
		numgrps -= g
	}
	return slots
}

// assignCPUsToGroups models assign_cpus_to_groups(): split the node's CPUs nmsk into
// ngroups groups of ncpus/ngroups CPUs each, the first ncpus%ngroups groups taking
// one extra CPU, and store them in masks[cur], masks[cur+1], ... wrapping to 0 at the
// end of masks. CPUs are taken lowest id first (grp_spread_init_one()). It returns
// the group index after the last one written (not yet wrapped).
func assignCPUsToGroups(nmsk CPUMask, ngroups int, masks []CPUMask, cur int) int {
	ncpus := nmsk.Count()
	extra := ncpus - ngroups*(ncpus/ngroups)
	for v := 0; v < ngroups; v, cur = v+1, cur+1 {
		per := ncpus / ngroups
		if extra > 0 {
			per++
			extra--
		}
		if cur >= len(masks) {
			cur = 0
		}
		masks[cur] = masks[cur].Or(takeFirst(&nmsk, per))
	}
	return cur
}
