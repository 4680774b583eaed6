package affinity

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxNodes bounds the number of NUMA node ids a Topology may use. It plays the role
// of the kernel's MAX_NUMNODES (at most 1 << 10 with CONFIG_NODES_SHIFT=10).
const MaxNodes = 1024

// ErrInvalidTopology is wrapped by every error that rejects a Topology.
var ErrInvalidTopology = errors.New("affinity: invalid topology")

// CPU describes one CPU id: the three hotplug masks it belongs to and its NUMA node
// (cpu_to_node()).
//
// The kernel keeps online ⊆ present ⊆ possible: a possible CPU may be hot-added
// later (it has a per-CPU area and a node), a present CPU exists in the machine, an
// online CPU is running. Validate enforces the same nesting.
type CPU struct {
	Possible bool
	Present  bool
	Online   bool
	Node     int
}

// Topology is the machine as irq_create_affinity_masks() sees it: CPUs[i] describes
// CPU id i.
//
// Nodes is nr_node_ids, the number of NUMA node slots; 0 means "highest node id used
// by a possible CPU, plus one". It matters in one place only: the current algorithm
// sorts all nr_node_ids node slots (empty ones included) with the kernel's unstable
// heapsort, so the number of empty slots can change which of two equally sized nodes
// is served first. Leave it 0 unless you model memory-only or CPU-less nodes.
type Topology struct {
	CPUs  []CPU
	Nodes int
}

// NewTopology returns a topology in which every CPU is possible, present and online;
// nodeOf[i] is the NUMA node of CPU i. NewTopology(0, 0, 1, 1) is a 4-CPU, 2-node box.
func NewTopology(nodeOf ...int) Topology {
	t := Topology{CPUs: make([]CPU, len(nodeOf))}
	for i, n := range nodeOf {
		t.CPUs[i] = CPU{Possible: true, Present: true, Online: true, Node: n}
	}
	return t
}

// Validate checks the topology and returns a one-line error wrapping
// ErrInvalidTopology for the first problem found.
func (t Topology) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidTopology, fmt.Sprintf(format, args...))
	}
	if len(t.CPUs) == 0 {
		return bad("no CPUs")
	}
	if len(t.CPUs) > MaxCPUs {
		return bad("%d CPU ids, more than MaxCPUs (%d)", len(t.CPUs), MaxCPUs)
	}
	if t.Nodes < 0 || t.Nodes > MaxNodes {
		return bad("Nodes = %d, want 0 (derive) or 1..%d", t.Nodes, MaxNodes)
	}
	possible := 0
	for i, c := range t.CPUs {
		switch {
		case c.Present && !c.Possible:
			return bad("CPU %d is present but not possible", i)
		case c.Online && !c.Present:
			return bad("CPU %d is online but not present", i)
		case c.Node < 0 || c.Node >= MaxNodes:
			return bad("CPU %d has NUMA node %d, want 0..%d", i, c.Node, MaxNodes-1)
		case c.Possible && t.Nodes > 0 && c.Node >= t.Nodes:
			return bad("CPU %d is on node %d but Nodes = %d", i, c.Node, t.Nodes)
		}
		if c.Possible {
			possible++
		}
	}
	if possible == 0 {
		return bad("no possible CPUs")
	}
	return nil
}

// NumNodes returns nr_node_ids: Nodes if set, otherwise the highest node id of a
// possible CPU plus one.
func (t Topology) NumNodes() int {
	if t.Nodes > 0 {
		return t.Nodes
	}
	n := 0
	for _, c := range t.CPUs {
		if c.Possible && c.Node+1 > n {
			n = c.Node + 1
		}
	}
	return n
}

func (t Topology) collect(pick func(CPU) bool) CPUMask {
	var m CPUMask
	for i, c := range t.CPUs {
		if i < MaxCPUs && pick(c) {
			m.Set(i)
		}
	}
	return m
}

// PossibleMask returns cpu_possible_mask.
func (t Topology) PossibleMask() CPUMask { return t.collect(func(c CPU) bool { return c.Possible }) }

// PresentMask returns cpu_present_mask.
func (t Topology) PresentMask() CPUMask { return t.collect(func(c CPU) bool { return c.Present }) }

// OnlineMask returns cpu_online_mask.
func (t Topology) OnlineMask() CPUMask { return t.collect(func(c CPU) bool { return c.Online }) }

// NodeMask returns the possible CPUs of a node: node_to_cpumask[node] as built by
// build_node_to_cpumask() from for_each_possible_cpu().
func (t Topology) NodeMask(node int) CPUMask {
	return t.collect(func(c CPU) bool { return c.Possible && c.Node == node })
}

// Clone returns a deep copy, so the copy's CPUs can be edited freely.
func (t Topology) Clone() Topology {
	t.CPUs = append([]CPU(nil), t.CPUs...)
	return t
}

// ParseTopology reads the compact form that String writes: space-separated
// key=value fields.
//
//	cpus=N          CPU ids 0..N-1 exist (required)
//	possible=LIST   possible CPUs (default: all N)
//	present=LIST    present CPUs (default: the possible ones)
//	online=LIST     online CPUs (default: the present ones)
//	nodeK=LIST      CPUs on NUMA node K (CPUs not listed are on node 0)
//	nodes=N         nr_node_ids (default: derived, see Topology.Nodes)
//
// LIST is a kernel cpulist such as "0-3,6" ("none" for empty). The 2018 example from
// the 4.17 commit discussion is "cpus=8 present=0-3". ParseTopology checks syntax
// only; Validate (called by Spread) checks the hotplug nesting.
func ParseTopology(spec string) (Topology, error) {
	bad := func(format string, args ...any) (Topology, error) {
		return Topology{}, fmt.Errorf("affinity: topology %q: %s", spec, fmt.Sprintf(format, args...))
	}
	fields := map[string]string{}
	var order []string
	for _, f := range strings.Fields(spec) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return bad("field %q is not key=value", f)
		}
		if _, dup := fields[k]; dup {
			return bad("field %q given twice", k)
		}
		fields[k] = v
		order = append(order, k)
	}
	ncpus, err := strconv.Atoi(fields["cpus"])
	if err != nil || ncpus < 1 || ncpus > MaxCPUs {
		return bad("cpus=%q, want a number in 1..%d", fields["cpus"], MaxCPUs)
	}
	all := MaskRange(0, ncpus-1)
	list := func(key string, def CPUMask) (CPUMask, error) {
		v, ok := fields[key]
		if !ok {
			return def, nil
		}
		m, err := ParseCPUList(v)
		if err != nil {
			return CPUMask{}, err
		}
		if !m.AndNot(all).IsEmpty() {
			return CPUMask{}, fmt.Errorf("affinity: topology %q: %s=%s names CPUs beyond cpus=%d", spec, key, v, ncpus)
		}
		return m, nil
	}
	t := Topology{CPUs: make([]CPU, ncpus)}
	possible, err := list("possible", all)
	if err != nil {
		return Topology{}, err
	}
	present, err := list("present", possible)
	if err != nil {
		return Topology{}, err
	}
	online, err := list("online", present)
	if err != nil {
		return Topology{}, err
	}
	for i := range t.CPUs {
		t.CPUs[i] = CPU{Possible: possible.Has(i), Present: present.Has(i), Online: online.Has(i)}
	}
	for _, k := range order {
		switch {
		case k == "cpus" || k == "possible" || k == "present" || k == "online":
		case k == "nodes":
			if t.Nodes, err = strconv.Atoi(fields[k]); err != nil || t.Nodes < 1 {
				return bad("nodes=%q, want a positive number", fields[k])
			}
		case strings.HasPrefix(k, "node"):
			node, err := strconv.Atoi(strings.TrimPrefix(k, "node"))
			if err != nil || node < 0 || node >= MaxNodes {
				return bad("%q is not nodeK with K in 0..%d", k, MaxNodes-1)
			}
			m, err := list(k, CPUMask{})
			if err != nil {
				return Topology{}, err
			}
			for _, c := range m.Cpus() {
				t.CPUs[c].Node = node
			}
		default:
			return bad("unknown field %q", k)
		}
	}
	return t, nil
}

// String renders the topology in the form ParseTopology reads, leaving out fields
// that have their default value.
func (t Topology) String() string {
	n := len(t.CPUs)
	if n > MaxCPUs {
		return fmt.Sprintf("cpus=%d (too many)", n)
	}
	parts := []string{"cpus=" + strconv.Itoa(n)}
	possible, present, online := t.PossibleMask(), t.PresentMask(), t.OnlineMask()
	if possible != MaskRange(0, n-1) {
		parts = append(parts, "possible="+listOrNone(possible))
	}
	if present != possible {
		parts = append(parts, "present="+listOrNone(present))
	}
	if online != present {
		parts = append(parts, "online="+listOrNone(online))
	}
	byNode := map[int]CPUMask{}
	for i, c := range t.CPUs {
		if c.Node != 0 {
			m := byNode[c.Node]
			m.Set(i)
			byNode[c.Node] = m
		}
	}
	nodes := make([]int, 0, len(byNode))
	for k := range byNode {
		nodes = append(nodes, k)
	}
	sort.Ints(nodes)
	for _, k := range nodes {
		parts = append(parts, fmt.Sprintf("node%d=%s", k, byNode[k].List()))
	}
	if t.Nodes > 0 {
		parts = append(parts, "nodes="+strconv.Itoa(t.Nodes))
	}
	return strings.Join(parts, " ")
}

func listOrNone(m CPUMask) string {
	if m.IsEmpty() {
		return "none"
	}
	return m.List()
}
