package hotplug

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/steercheck/steercheck/affinity"
)

// Request is one I/O request of a scenario: the CPU its submitter runs on and the
// SCSI target it addresses (the target only matters to managed-4.11's per-target
// steering).
type Request struct {
	CPU    int
	Target int
}

// Step is one CPU hotplug operation performed by the hotplug thread, in order.
type Step struct {
	Online bool // true: bring the CPU up; false: take it down
	CPU    int
}

func (s Step) String() string {
	if s.Online {
		return fmt.Sprintf("+%d", s.CPU)
	}
	return fmt.Sprintf("-%d", s.CPU)
}

// Config describes the machine, the device and what happens on it.
type Config struct {
	// Topology is an affinity topology spec (Topology2018 for the 2018 box): possible,
	// present and online CPUs and their NUMA nodes.
	Topology string
	// Queues is the number of request virtqueues (one managed vector each).
	Queues int
	// Spread picks the kernel whose irq_create_affinity_masks() builds the masks:
	// "4.16" (SpreadPossible416), "4.17" (Spread417) or "current" (Spread).
	Spread string
	// Unreachable lists online-able CPUs no interrupt can reach (seed 002: possible
	// CPUs with an APIC id that MSI cannot address without interrupt remapping).
	Unreachable []int
	// ReachableAware makes interrupt startup treat an unreachable CPU like an offline
	// one when it picks the effective target (the fix discussed in seed 002).
	ReachableAware bool
	// Requests are the I/O requests, one submitter thread each.
	Requests []Request
	// Hotplug is the sequence of offline/online steps of the hotplug thread.
	Hotplug []Step
	// Xen: binding an event channel (starting an interrupt) delivers one spurious
	// event, on vCPU0 (seed 004).
	Xen bool
	// AffinityRace: an interrupt raised while its affinity changes is handled on the
	// old CPU (seed 004's hardware example): delivery does not re-check the CPU it
	// read before the change.
	AffinityRace bool
	// VectorCap is the number of interrupt vectors each CPU has room for (0: no
	// limit); VectorBase is how many each CPU already uses for other devices. Only
	// non-managed interrupts allocate vectors when they move (seed 001).
	VectorCap, VectorBase int
}

// Topology2018 is the machine of the 2018 fix, b5b6e8c8d3b4 ("scsi: virtio_scsi: fix
// IO hang caused by automatic irq vector affinity"): 8 possible CPUs on two NUMA nodes,
// node 0 = 0,1,4,6 and node 1 = 2,3,5,7, CPUs 0-3 present and online. With 4 request
// queues v4.16's spreading (84676c1f21e8) gives the masks its report lists, irq39 0-1,
// irq40 4,6, irq41 2-3, irq42 5,7 (Layout2018): the queues of masks 4,6 and 5,7 have
// no online CPU.
const Topology2018 = "cpus=8 present=0-3 node0=0,1,4,6 node1=2,3,5,7"

// Layout2018 is the queue masks of b5b6e8c8d3b4's report, queue 0 first, with the IRQ
// numbers it printed for them.
var Layout2018 = []struct {
	IRQ  int
	Mask string
}{{39, "0-1"}, {40, "4,6"}, {41, "2-3"}, {42, "5,7"}}

// DefaultConfig is the 2018 box (Topology2018): 4 queues spread the v4.16 way, one
// request from CPU 1, no hotplug. Under managed-4.11 CPU 1 steers to queue 1
// (cpu mod 4), whose mask 4,6 has no online CPU: its interrupt was never started and
// the I/O hangs, the report of the 2018 fix.
func DefaultConfig() Config {
	return Config{Topology: Topology2018, Queues: 4, Spread: "4.16", Requests: []Request{{CPU: 1}}}
}

// spread runs the configured affinity algorithm and returns the queue masks and
// blk-mq's CPU → queue map (fallback queue 0).
func (c Config) spread(t affinity.Topology) ([]affinity.CPUMask, []int, error) {
	r := affinity.Request{Vectors: c.Queues + 3, PreVectors: 3}
	var l affinity.Layout
	var err error
	switch c.Spread {
	case "4.16":
		l, err = affinity.SpreadPossible416(t, r)
	case "4.17":
		l, err = affinity.Spread417(t, r)
	case "current", "":
		l, err = affinity.Spread(t, r)
	default:
		return nil, nil, fmt.Errorf("unknown spread %q (have: 4.16, 4.17, current)", c.Spread)
	}
	if err != nil {
		return nil, nil, err
	}
	return l.Queues(), l.BlkMQMap(), nil
}

// validate checks the configuration against the topology.
func (c Config) validate(t affinity.Topology) error {
	n := len(t.CPUs)
	// No more queues than CPU ids: blk-mq limits hardware queues by nr_cpu_ids when
	// there is one map, and 1978f30a8773 limits virtio-scsi's num_queues the same way.
	if c.Queues < 1 || c.Queues > n {
		return fmt.Errorf("queues=%d: need 1..%d", c.Queues, n)
	}
	if len(c.Requests) > 3 {
		return fmt.Errorf("%d requests: at most 3 (the explorer is exponential)", len(c.Requests))
	}
	online := t.OnlineMask()
	for i, r := range c.Requests {
		if r.CPU < 0 || r.CPU >= n || !online.Has(r.CPU) {
			return fmt.Errorf("request %d: CPU %d is not online at start", i, r.CPU)
		}
		if r.Target < 0 || r.Target > 1 {
			return fmt.Errorf("request %d: target %d: targets are 0 and 1", i, r.Target)
		}
	}
	for _, u := range c.Unreachable {
		if u < 0 || u >= n {
			return fmt.Errorf("unreachable CPU %d out of range", u)
		}
	}
	for i, s := range c.Hotplug {
		if s.CPU < 0 || s.CPU >= n || !t.CPUs[s.CPU].Present {
			return fmt.Errorf("hotplug step %d (%s): CPU %d is not present", i, s, s.CPU)
		}
		if s.Online == online.Has(s.CPU) {
			return fmt.Errorf("hotplug step %d (%s): CPU %d is already in that state", i, s, s.CPU)
		}
		if s.Online {
			online.Set(s.CPU)
		} else {
			online.Clear(s.CPU)
		}
		if online.IsEmpty() {
			return fmt.Errorf("hotplug step %d (%s) takes the last CPU offline", i, s)
		}
	}
	if c.VectorCap < 0 || c.VectorBase < 0 {
		return fmt.Errorf("negative vector-cap or vector-base")
	}
	return nil
}

// ParseRequests parses "cpu[:target],..." ("2,1:1").
func ParseRequests(s string) ([]Request, error) {
	var out []Request
	if s == "" || s == "none" {
		return nil, nil
	}
	for _, f := range strings.Split(s, ",") {
		cs, ts, _ := strings.Cut(f, ":")
		cpu, err := strconv.Atoi(cs)
		if err != nil {
			return nil, fmt.Errorf("request %q: %v", f, err)
		}
		tgt := 0
		if ts != "" {
			if tgt, err = strconv.Atoi(ts); err != nil {
				return nil, fmt.Errorf("request %q: %v", f, err)
			}
		}
		out = append(out, Request{CPU: cpu, Target: tgt})
	}
	return out, nil
}

// ParseSteps parses a hotplug sequence such as "-1,+1" (offline CPU 1, then online).
func ParseSteps(s string) ([]Step, error) {
	var out []Step
	if s == "" || s == "none" {
		return nil, nil
	}
	for _, f := range strings.Split(s, ",") {
		if len(f) < 2 || (f[0] != '+' && f[0] != '-') {
			return nil, fmt.Errorf("hotplug step %q: want +CPU or -CPU", f)
		}
		cpu, err := strconv.Atoi(f[1:])
		if err != nil {
			return nil, fmt.Errorf("hotplug step %q: %v", f, err)
		}
		out = append(out, Step{Online: f[0] == '+', CPU: cpu})
	}
	return out, nil
}
