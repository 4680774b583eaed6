package affinity_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/steercheck/steercheck/affinity"
)

// layoutCase is one row of the known-layout table. want is Layout.String(): every
// vector in order, "u:" marking unmanaged and "d:" default-affinity vectors. source
// says where the expectation comes from.
type layoutCase struct {
	name    string
	topo    string
	req     affinity.Request
	algo    affinity.Algorithm
	sort    affinity.NodeSort
	want    string
	queueOf []int // optional
	source  string
}

// Sources, in decreasing order of authority.
const (
	srcCommit54 = "commit message of v5.4 'genirq/affinity: Spread vectors on node according to nr_cpu ratio' (Ming Lei)"
	srcCode     = "worked by hand from the kernel code of that version"
	srcSort     = "follows from the lib/sort.c heapsort of that version; not checked on a running kernel"
)

var knownLayouts = []layoutCase{
	// One node, everything present: all versions agree.
	{name: "8cpu-1node-4q", topo: "cpus=8", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{0,1} {2,3} {4,5} {6,7}", queueOf: []int{0, 0, 1, 1, 2, 2, 3, 3}, source: srcCode},
	{name: "8cpu-1node-4q", topo: "cpus=8", req: req(4), algo: affinity.TwoStage417,
		want: "{0,1} {2,3} {4,5} {6,7}", source: srcCode},
	{name: "8cpu-1node-4q", topo: "cpus=8", req: req(4), algo: affinity.Possible416,
		want: "{0,1} {2,3} {4,5} {6,7}", source: srcCode},
	{name: "8cpu-1node-3q-uneven", topo: "cpus=8", req: req(3), algo: affinity.GroupCPUsEvenly,
		want: "{0,1,2} {3,4,5} {6,7}", source: srcCode},

	// The 2018 machine: 8 possible CPUs on one node, 0-3 present, 4-7 not present.
	// The current algorithm does NOT give {0,1} {2,3} {4,5} {6,7} here; v4.16 does,
	// leaving queues 2 and 3 with no present CPU.
	{name: "2018-1node", topo: "cpus=8 present=0-3", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{0,4} {1,5} {2,6} {3,7}", queueOf: []int{0, 1, 2, 3, 0, 1, 2, 3}, source: srcCode},
	{name: "2018-1node", topo: "cpus=8 present=0-3", req: req(4), algo: affinity.TwoStage417,
		want: "{0,4} {1,5} {2,6} {3,7}", source: srcCode},
	{name: "2018-1node", topo: "cpus=8 present=0-3", req: req(4), algo: affinity.Possible416,
		want: "{0,1} {2,3} {4,5} {6,7}", queueOf: []int{0, 0, 1, 1, 2, 2, 3, 3}, source: srcCode},

	// Fewer present CPUs than queues: v4.17 gives the rest of the vectors to the
	// absent CPUs without wrapping; since v5.4 stage 2 makes as many groups as it can
	// and wraps around onto the present CPUs' vectors.
	{name: "2present-4q", topo: "cpus=8 present=0-1", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{0,6} {1,7} {2,3} {4,5}", source: srcCode},
	{name: "2present-4q", topo: "cpus=8 present=0-1", req: req(4), algo: affinity.TwoStage417,
		want: "{0} {1} {2,3,4} {5,6,7}", source: srcCode},

	// The layout quoted for the 2018 fix, {0,1} {4,6} {2,3} {5,7}, is v4.16 on a
	// two-node machine (node 0 = 0,1,4,6; node 1 = 2,3,5,7); see TestLayout2018.
	{name: "2018-2node", topo: "cpus=8 present=0-3 node1=2,3,5,7", req: req(4), algo: affinity.Possible416,
		want: "{0,1} {4,6} {2,3} {5,7}", queueOf: []int{0, 0, 2, 2, 1, 3, 1, 3}, source: srcCode},
	{name: "2018-2node", topo: "cpus=8 present=0-3 node1=2,3,5,7", req: req(4), algo: affinity.TwoStage417,
		want: "{0,4} {1,6} {2,5} {3,7}", source: srcCode},
	{name: "2018-2node", topo: "cpus=8 present=0-3 node1=2,3,5,7", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{2,5} {3,7} {0,4} {1,6}", source: srcCode + "; " + srcSort},

	// Two NUMA nodes.
	{name: "16cpu-2node-unequal-8q", topo: "cpus=16 node1=2,4,10,12", req: req(8), algo: affinity.GroupCPUsEvenly,
		want: "{2,4} {10,12} {0,1} {3,5} {6,7} {8,9} {11,13} {14,15}", source: srcCommit54},
	{name: "16cpu-2node-unequal-8q", topo: "cpus=16 node1=2,4,10,12", req: req(8), algo: affinity.TwoStage417,
		want: "{0,1,3} {5,6,7} {8,9,11} {13,14,15} {2} {4} {10} {12}", source: srcCode},
	{name: "8cpu-2node-equal-4q", topo: "cpus=8 node1=4-7", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{4,5} {6,7} {0,1} {2,3}", queueOf: []int{2, 2, 3, 3, 0, 0, 1, 1}, source: srcSort + " (both versions swap a tie of two)"},
	{name: "8cpu-2node-equal-4q", topo: "cpus=8 node1=4-7", req: req(4), algo: affinity.GroupCPUsEvenly, sort: affinity.NodeSortHeap2019,
		want: "{4,5} {6,7} {0,1} {2,3}", source: srcSort},
	{name: "8cpu-2node-equal-4q", topo: "cpus=8 node1=4-7", req: req(4), algo: affinity.TwoStage417,
		want: "{0,1} {2,3} {4,5} {6,7}", source: srcCode},
	{name: "8cpu-2node-1q", topo: "cpus=8 node1=4-7", req: req(1), algo: affinity.GroupCPUsEvenly,
		want: "{0,1,2,3,4,5,6,7}", source: srcCode},
	{name: "8cpu-2node-1q", topo: "cpus=8 node1=4-7", req: req(1), algo: affinity.TwoStage417,
		want: "{0,1,2,3}", queueOf: []int{0, 0, 0, 0, -1, -1, -1, -1}, source: srcCode + " (node 1 unserved until v4.20/v5.0)"},
	{name: "8cpu-2node-3q-fewer-than-2x", topo: "cpus=8 node1=4-7 present=0-5", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{4,5,6} {0,1,7} {2} {3}", source: srcCode + "; " + srcSort},

	// Three equal nodes: here the 2019 and 2024 heapsorts serve the nodes in a
	// different order.
	{name: "6cpu-3node-4q", topo: "cpus=6 node1=2-3 node2=4-5", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{4,5} {2,3} {0} {1}", source: srcSort},
	{name: "6cpu-3node-4q", topo: "cpus=6 node1=2-3 node2=4-5", req: req(4), algo: affinity.GroupCPUsEvenly, sort: affinity.NodeSortHeap2019,
		want: "{2,3} {4,5} {0} {1}", source: srcSort},
	{name: "6cpu-3node-4q-4slots", topo: "cpus=6 node1=2-3 node2=4-5 nodes=4", req: req(4), algo: affinity.GroupCPUsEvenly,
		want: "{2,3} {4,5} {0} {1}", source: srcSort},

	// More vectors than CPUs: one CPU each, the surplus gets the default affinity and
	// stays managed; blk-mq then maps every CPU to the last queue.
	{name: "4cpu-6q", topo: "cpus=4", req: req(6), algo: affinity.GroupCPUsEvenly,
		want: "{0} {1} {2} {3} d:{0,1,2,3} d:{0,1,2,3}", queueOf: []int{5, 5, 5, 5}, source: srcCode},
	{name: "4cpu-6q", topo: "cpus=4", req: req(6), algo: affinity.TwoStage417,
		want: "{0} {1} {2} {3} d:{0,1,2,3} d:{0,1,2,3}", source: srcCode},
	{name: "4cpu-6q", topo: "cpus=4", req: req(6), algo: affinity.Possible416,
		want: "{0} {1} {2} {3} d:{0,1,2,3} d:{0,1,2,3}", source: srcCode},
	{name: "4cpu-2absent-6q", topo: "cpus=4 present=0-1", req: req(6), algo: affinity.GroupCPUsEvenly,
		want: "{0} {1} {2} {3} d:{0,1,2,3} d:{0,1,2,3}", source: srcCode},

	// Pre and post vectors: virtio-scsi over virtio-pci (config + control + event =
	// 3 pre vectors) and an nvme-like 1 + 1.
	{name: "virtio-scsi-4q", topo: "cpus=4", req: affinity.Request{Vectors: 7, PreVectors: 3}, algo: affinity.GroupCPUsEvenly,
		want: "ud:{0,1,2,3} ud:{0,1,2,3} ud:{0,1,2,3} {0} {1} {2} {3}", queueOf: []int{0, 1, 2, 3}, source: srcCode},
	{name: "virtio-scsi-4q", topo: "cpus=4", req: affinity.Request{Vectors: 7, PreVectors: 3}, algo: affinity.TwoStage417,
		want: "d:{0,1,2,3} d:{0,1,2,3} d:{0,1,2,3} {0} {1} {2} {3}", source: srcCode + " (pre/post managed before v5.0)"},
	{name: "pre1-post1-2018", topo: "cpus=8 present=0-3", req: affinity.Request{Vectors: 4, PreVectors: 1, PostVectors: 1}, algo: affinity.GroupCPUsEvenly,
		want: "ud:{0,1,2,3,4,5,6,7} {0,1,4,5} {2,3,6,7} ud:{0,1,2,3,4,5,6,7}", source: srcCode},
	{name: "pre-post-use-all", topo: "cpus=4", req: affinity.Request{Vectors: 2, PreVectors: 1, PostVectors: 1}, algo: affinity.GroupCPUsEvenly,
		want: "ud:{0,1,2,3} ud:{0,1,2,3}", queueOf: []int{-1, -1, -1, -1}, source: srcCode},

	// One vector: all possible CPUs, managed (since v5.3).
	{name: "1q", topo: "cpus=8 present=0-3", req: req(1), algo: affinity.GroupCPUsEvenly,
		want: "{0,1,2,3,4,5,6,7}", queueOf: []int{0, 0, 0, 0, 0, 0, 0, 0}, source: srcCode},
	{name: "1q-hole", topo: "cpus=4 possible=0-2", req: req(1), algo: affinity.GroupCPUsEvenly,
		want: "{0,1,2}", queueOf: []int{0, 0, 0, -1}, source: srcCode},
}

func req(n int) affinity.Request { return affinity.Request{Vectors: n} }

// TestKnownLayouts is the data-driven table: each row names a topology, a request, a
// kernel version and the layout it must produce.
func TestKnownLayouts(t *testing.T) {
	for _, tc := range knownLayouts {
		t.Run(fmt.Sprintf("%s/%s/%s", tc.name, tc.algo, tc.sort), func(t *testing.T) {
			topo, err := affinity.ParseTopology(tc.topo)
			if err != nil {
				t.Fatal(err)
			}
			l, err := affinity.SpreadWith(topo, tc.req, affinity.Options{Algorithm: tc.algo, NodeSort: tc.sort})
			if err != nil {
				t.Fatalf("%s: %v", tc.topo, err)
			}
			if got := l.String(); got != tc.want {
				t.Errorf("%s %+v\n got  %s\n want %s\n (source: %s)", tc.topo, tc.req, got, tc.want, tc.source)
			}
			if tc.queueOf != nil && !slices.Equal(l.QueueOf, tc.queueOf) {
				t.Errorf("%s: QueueOf = %v, want %v", tc.topo, l.QueueOf, tc.queueOf)
			}
		})
	}
}

// TestLayout2018 settles where {0,1} {4,6} {2,3} {5,7} comes from. It puts the 8 CPUs
// of the 2018 machine (0-3 present, 4-7 possible only) on up to three NUMA nodes in
// every possible way and runs every algorithm: only v4.16 produces the layout, and
// only with the node assignments listed (never on a single node).
func TestLayout2018(t *testing.T) {
	const target = "{0,1} {4,6} {2,3} {5,7}"
	wantHits := []string{
		"cpus=8 present=0-3 node1=2-3,5,7",
		"cpus=8 present=0-3 node2=2-3,5,7",
		"cpus=8 present=0-3 node1=4,6 node2=2-3,5,7",
		"cpus=8 present=0-3 node1=0-1,4,6 node2=2-3,5,7",
	}
	algos := []affinity.Options{
		{Algorithm: affinity.GroupCPUsEvenly},
		{Algorithm: affinity.GroupCPUsEvenly, NodeSort: affinity.NodeSortHeap2019},
		{Algorithm: affinity.TwoStage417},
		{Algorithm: affinity.Possible416},
	}
	for _, o := range algos {
		var hits []string
		for code := 0; code < 3*3*3*3*3*3*3*3; code++ {
			topo, _ := affinity.ParseTopology("cpus=8 present=0-3")
			for c, k := 0, code; c < 8; c, k = c+1, k/3 {
				topo.CPUs[c].Node = k % 3
			}
			l, err := affinity.SpreadWith(topo, req(4), o)
			if err != nil {
				if errors.Is(err, affinity.ErrKernelDivideByZero) {
					continue
				}
				t.Fatalf("%v: %v", topo, err)
			}
			if l.String() == target {
				hits = append(hits, topo.String())
			}
		}
		if o.Algorithm == affinity.Possible416 {
			if !slices.Equal(hits, wantHits) {
				t.Errorf("v4.16 produces %s on %q, want exactly %q", target, hits, wantHits)
			}
		} else if len(hits) > 0 {
			t.Errorf("%v produces %s on %q; expected only v4.16 to", o, target, hits)
		}
	}
}

// TestOnlineIgnored checks that taking present CPUs offline changes nothing: managed
// vectors keep their offline CPUs.
func TestOnlineIgnored(t *testing.T) {
	on, _ := affinity.ParseTopology("cpus=8 present=0-5 node1=4-7")
	off, _ := affinity.ParseTopology("cpus=8 present=0-5 online=0,2 node1=4-7")
	for _, a := range []affinity.Algorithm{affinity.GroupCPUsEvenly, affinity.TwoStage417, affinity.Possible416} {
		for v := 1; v <= 10; v++ {
			o := affinity.Options{Algorithm: a}
			l1, err1 := affinity.SpreadWith(on, req(v), o)
			l2, err2 := affinity.SpreadWith(off, req(v), o)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(l1, l2) {
				t.Errorf("%v, %d vectors: online state changed the layout:\n %v (%v)\n %v (%v)", a, v, l1, err1, l2, err2)
			}
		}
	}
}

// TestDivideByZero417 pins an input on which the v4.17 code divides by zero: stage 1
// uses 3 of 4 vectors, stage 2 starts at vector 3 with not-present CPUs on two nodes,
// and (4-3)/2 is 0. The current code handles the same input.
func TestDivideByZero417(t *testing.T) {
	topo, _ := affinity.ParseTopology("cpus=8 present=0-2 node1=4-7")
	_, err := affinity.Spread417(topo, req(4))
	if !errors.Is(err, affinity.ErrKernelDivideByZero) {
		t.Fatalf("Spread417 error = %v, want ErrKernelDivideByZero", err)
	}
	l, err := affinity.Spread(topo, req(4))
	if want := "{0,4,5} {1,6} {2,7} {3}"; err != nil || l.String() != want {
		t.Fatalf("Spread = %v, %v; want %s", l, err, want)
	}
}

// TestBadInput checks that invalid input yields a one-line error of the right kind
// from every entry point, and never a panic.
func TestBadInput(t *testing.T) {
	good := affinity.NewTopology(0, 0, 0, 0)
	cases := []struct {
		name string
		topo func() affinity.Topology
		req  affinity.Request
		opts affinity.Options
		kind error
		says string
	}{
		{"zero vectors", nil, req(0), affinity.Options{}, affinity.ErrInvalidRequest, "at least 1 vector"},
		{"negative vectors", nil, req(-3), affinity.Options{}, affinity.ErrInvalidRequest, "at least 1 vector"},
		{"too many vectors", nil, req(affinity.MaxVectors + 1), affinity.Options{}, affinity.ErrInvalidRequest, "MSI-X"},
		{"pre+post exceed", nil, affinity.Request{Vectors: 3, PreVectors: 2, PostVectors: 2}, affinity.Options{}, affinity.ErrInvalidRequest, "exceed"},
		{"negative pre", nil, affinity.Request{Vectors: 3, PreVectors: -1}, affinity.Options{}, affinity.ErrInvalidRequest, "negative"},
		{"unknown algorithm", nil, req(2), affinity.Options{Algorithm: 9}, affinity.ErrInvalidRequest, "algorithm"},
		{"unknown sort", nil, req(2), affinity.Options{NodeSort: -1}, affinity.ErrInvalidRequest, "node sort"},
		{"present not possible", func() affinity.Topology {
			t := good.Clone()
			t.CPUs[2].Possible = false
			return t
		}, req(2), affinity.Options{}, affinity.ErrInvalidTopology, "CPU 2 is present but not possible"},
		{"online not present", func() affinity.Topology {
			t := good.Clone()
			t.CPUs[3].Present = false
			return t
		}, req(2), affinity.Options{}, affinity.ErrInvalidTopology, "CPU 3 is online but not present"},
		{"no CPUs", func() affinity.Topology { return affinity.Topology{} }, req(1), affinity.Options{}, affinity.ErrInvalidTopology, "no CPUs"},
		{"no possible CPUs", func() affinity.Topology { return affinity.Topology{CPUs: make([]affinity.CPU, 2)} }, req(1), affinity.Options{}, affinity.ErrInvalidTopology, "no possible CPUs"},
		{"negative node", func() affinity.Topology { return affinity.NewTopology(0, -1) }, req(1), affinity.Options{}, affinity.ErrInvalidTopology, "NUMA node -1"},
		{"node beyond Nodes", func() affinity.Topology {
			t := affinity.NewTopology(0, 3)
			t.Nodes = 2
			return t
		}, req(1), affinity.Options{}, affinity.ErrInvalidTopology, "Nodes = 2"},
		{"too many CPUs", func() affinity.Topology { return affinity.NewTopology(make([]int, affinity.MaxCPUs+1)...) }, req(1), affinity.Options{}, affinity.ErrInvalidTopology, "MaxCPUs"},
	}
	entry := map[string]func(affinity.Topology, affinity.Request, affinity.Options) (affinity.Layout, error){
		"SpreadWith": affinity.SpreadWith,
		"Spread": func(t affinity.Topology, r affinity.Request, _ affinity.Options) (affinity.Layout, error) {
			return affinity.Spread(t, r)
		},
		"Spread417": func(t affinity.Topology, r affinity.Request, _ affinity.Options) (affinity.Layout, error) {
			return affinity.Spread417(t, r)
		},
		"SpreadPossible416": func(t affinity.Topology, r affinity.Request, _ affinity.Options) (affinity.Layout, error) {
			return affinity.SpreadPossible416(t, r)
		},
	}
	for _, tc := range cases {
		for name, f := range entry {
			if name != "SpreadWith" && tc.opts != (affinity.Options{}) {
				continue
			}
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				topo := good
				if tc.topo != nil {
					topo = tc.topo()
				}
				var err error
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("panic: %v", p)
						}
					}()
					_, err = f(topo, tc.req, tc.opts)
				}()
				switch {
				case err == nil:
					t.Fatal("no error")
				case !errors.Is(err, tc.kind):
					t.Errorf("error %q is not %v", err, tc.kind)
				case strings.ContainsAny(err.Error(), "\n\r"):
					t.Errorf("error is not one line: %q", err)
				case !strings.Contains(err.Error(), tc.says):
					t.Errorf("error %q does not say %q", err, tc.says)
				}
			})
		}
	}
}

// ExampleSpread spreads four virtio-scsi request queues on the 2018 machine: 8
// possible CPUs of which only 0-3 are present.
func ExampleSpread() {
	topo, err := affinity.ParseTopology("cpus=8 present=0-3")
	if err != nil {
		panic(err)
	}
	// virtio-scsi over virtio-pci: three non-queue vectors (config, control, event),
	// then one per request queue.
	l, err := affinity.Spread(topo, affinity.Request{Vectors: 7, PreVectors: 3})
	if err != nil {
		panic(err)
	}
	for q, mask := range l.Queues() {
		fmt.Printf("queue %d: %v (%s)\n", q, mask, mask.List())
	}
	fmt.Println("CPU -> queue:", l.QueueOf)

	old, _ := affinity.SpreadPossible416(topo, affinity.Request{Vectors: 4})
	fmt.Println("v4.16 would have given:", old)
	// Output:
	// queue 0: {0,4} (0,4)
	// queue 1: {1,5} (1,5)
	// queue 2: {2,6} (2,6)
	// queue 3: {3,7} (3,7)
	// CPU -> queue: [0 1 2 3 0 1 2 3]
	// v4.16 would have given: {0,1} {2,3} {4,5} {6,7}
}
