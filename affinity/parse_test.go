package affinity_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/affinity"
)

// TestCPUMask covers the bitset operations and both text forms.
func TestCPUMask(t *testing.T) {
	var m affinity.CPUMask
	if !m.IsEmpty() || m.Count() != 0 || m.First() != -1 || m.String() != "{}" || m.List() != "" {
		t.Fatalf("zero mask: %v %q", m, m.List())
	}
	for _, c := range []int{0, 1, 2, 3, 6, 63, 64, 65, 255} {
		m.Set(c)
	}
	if got, want := m.String(), "{0,1,2,3,6,63,64,65,255}"; got != want {
		t.Errorf("String = %s, want %s", got, want)
	}
	if got, want := m.List(), "0-3,6,63-65,255"; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}
	if m.Count() != 9 || m.First() != 0 || !m.Has(64) || m.Has(5) || m.Has(-1) || m.Has(affinity.MaxCPUs) {
		t.Errorf("Count/First/Has wrong on %v", m)
	}
	if got := m.Cpus(); !slices.Equal(got, []int{0, 1, 2, 3, 6, 63, 64, 65, 255}) {
		t.Errorf("Cpus = %v", got)
	}
	m.Clear(0)
	m.Clear(-5) // ignored
	if m.First() != 1 || m.Count() != 8 {
		t.Errorf("after Clear: %v", m)
	}

	a, b := affinity.MaskOf(0, 1, 2), affinity.MaskOf(2, 3)
	if a.Or(b) != affinity.MaskRange(0, 3) || a.And(b) != affinity.MaskOf(2) || a.AndNot(b) != affinity.MaskOf(0, 1) {
		t.Errorf("Or/And/AndNot wrong")
	}
	if !a.Intersects(b) || a.Intersects(affinity.MaskOf(7)) {
		t.Errorf("Intersects wrong")
	}
	if a != affinity.MaskOf(2, 1, 0, 1) {
		t.Errorf("masks with the same CPUs must compare equal")
	}
	seen := map[affinity.CPUMask]bool{a: true}
	if !seen[affinity.MaskRange(0, 2)] {
		t.Errorf("CPUMask must work as a map key")
	}

	defer func() {
		if recover() == nil {
			t.Errorf("Set(MaxCPUs) did not panic")
		}
	}()
	m.Set(affinity.MaxCPUs)
}

func TestParseCPUList(t *testing.T) {
	good := map[string]string{
		"":            "{}",
		"none":        "{}",
		"{}":          "{}",
		"0":           "{0}",
		"0-3,6":       "{0,1,2,3,6}",
		" 1 , 3-4 ":   "{1,3,4}",
		"{0,1}":       "{0,1}",
		"5-5":         "{5}",
		"254-255,0":   "{0,254,255}",
		"3,1,2,1":     "{1,2,3}",
		"{4,6,2,3,5}": "{2,3,4,5,6}",
	}
	for in, want := range good {
		m, err := affinity.ParseCPUList(in)
		if err != nil || m.String() != want {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %s", in, m, err, want)
		}
		if back, err := affinity.ParseCPUList(m.List()); err != nil || back != m {
			t.Errorf("List round trip of %v: %v, %v", m, back, err)
		}
	}
	for _, in := range []string{"x", "1-", "-1", "3-1", "256", "0,,1", "1-2-3", "0x1"} {
		if m, err := affinity.ParseCPUList(in); err == nil {
			t.Errorf("ParseCPUList(%q) = %v, want an error", in, m)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
	}
}

func TestParseTopology(t *testing.T) {
	topo, err := affinity.ParseTopology("cpus=8 present=0-3 online=0-1 node1=4-7 nodes=3")
	if err != nil {
		t.Fatal(err)
	}
	if topo.PossibleMask() != affinity.MaskRange(0, 7) || topo.PresentMask() != affinity.MaskRange(0, 3) ||
		topo.OnlineMask() != affinity.MaskRange(0, 1) || topo.NodeMask(1) != affinity.MaskRange(4, 7) ||
		topo.NumNodes() != 3 || topo.Validate() != nil {
		t.Errorf("parsed %#v", topo)
	}
	if derived := affinity.NewTopology(0, 2, 2); derived.NumNodes() != 3 {
		t.Errorf("NumNodes = %d, want 3", derived.NumNodes())
	}

	// String and ParseTopology round trip.
	for _, spec := range []string{
		"cpus=1",
		"cpus=8 present=0-3",
		"cpus=8 present=0-3 online=0",
		"cpus=6 possible=0-3 present=0-1 online=none node1=2-3 node3=4-5 nodes=5",
		"cpus=16 node1=2,4,10,12",
	} {
		topo, err := affinity.ParseTopology(spec)
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		if got := topo.String(); got != spec {
			t.Errorf("String() = %q, want %q", got, spec)
		}
	}

	// Syntax errors: one line, naming the problem. Semantic problems (present but not
	// possible) parse fine and are left to Validate.
	bad := map[string]string{
		"":                      "cpus",
		"cpus=0":                "cpus",
		"cpus=300":              "cpus",
		"cpus=4 cpus=4":         "twice",
		"cpus=4 present":        "key=value",
		"cpus=4 present=0-4":    "beyond cpus=4",
		"cpus=4 color=red":      "unknown field",
		"cpus=4 nodeX=1":        "nodeK",
		"cpus=4 nodes=0":        "nodes",
		"cpus=4 online=a":       "not a CPU id",
		"cpus=4 node2000=1":     "nodeK",
		"cpus=4 possible=0-1-2": "not a CPU id",
	}
	for spec, says := range bad {
		_, err := affinity.ParseTopology(spec)
		if err == nil || !strings.Contains(err.Error(), says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseTopology(%q) error = %v, want one line mentioning %q", spec, err, says)
		}
	}
	semantic, err := affinity.ParseTopology("cpus=4 possible=0-1 present=0-3")
	if err != nil {
		t.Fatalf("semantic error reported by the parser: %v", err)
	}
	if err := semantic.Validate(); err == nil || !strings.Contains(err.Error(), "CPU 2 is present but not possible") {
		t.Errorf("Validate = %v", err)
	}
}

// TestLayoutHelpers covers Queues, NumQueues and BlkMQMap.
func TestLayoutHelpers(t *testing.T) {
	topo, _ := affinity.ParseTopology("cpus=4 possible=0-2")
	l, err := affinity.Spread(topo, affinity.Request{Vectors: 4, PreVectors: 1, PostVectors: 1})
	if err != nil {
		t.Fatal(err)
	}
	if l.NumQueues() != 2 || len(l.Queues()) != 2 {
		t.Fatalf("NumQueues = %d", l.NumQueues())
	}
	if got, want := l.String(), "ud:{0,1,2} {0,1} {2} ud:{0,1,2}"; got != want {
		t.Errorf("String = %s, want %s", got, want)
	}
	if !slices.Equal(l.QueueOf, []int{0, 0, 1, -1}) || !slices.Equal(l.BlkMQMap(), []int{0, 0, 1, 0}) {
		t.Errorf("QueueOf = %v, BlkMQMap = %v", l.QueueOf, l.BlkMQMap())
	}
	if affinity.GroupCPUsEvenly.String() != "group_cpus_evenly" || affinity.NodeSortHeap2019.String() != "heap2019" {
		t.Errorf("constant names wrong")
	}
}
