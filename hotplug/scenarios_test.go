package hotplug

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// TestScenarios runs the scripts in testdata. The command is
//
//	check variant=V [cpus=N] [present=LIST] [online=LIST] [queues=N] [spread=4.16|4.17|current]
//	      [requests=CPU[:TGT],...] [hotplug=-C,+C,...] [unreachable=C,...] [reachable-aware]
//	      [xen] [race] [vector-cap=N] [vector-base=N] [max-executions=N]
//
// (requests=0 is one request from CPU 0; requests=none is none) and prints the masks, the boot state of the interrupts, the CPU → queue map, the
// verdict of each property (with its first violation) and the exploration counts.
// Rewrite the expected output with `go test ./hotplug -run TestScenarios -rewrite`
// and review it by hand.
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if d.Cmd != "check" {
				d.Fatalf(t, "unknown command %q", d.Cmd)
			}
			return runCheck(t, d)
		})
	})
}

func runCheck(t *testing.T, d *datadriven.TestData) string {
	cfg := Config{Queues: 2, Spread: "current"}
	topo := map[string]string{"cpus": "4"}
	variant := ""
	var opts model.Options
	for _, a := range d.CmdArgs {
		val := strings.Join(a.Vals, ",")
		num := func() int {
			n, err := strconv.Atoi(val)
			if err != nil {
				d.Fatalf(t, "%s: %v", a.Key, err)
			}
			return n
		}
		var err error
		switch a.Key {
		case "variant":
			variant = val
		case "cpus", "present", "online":
			topo[a.Key] = val
		case "queues":
			cfg.Queues = num()
		case "spread":
			cfg.Spread = val
		case "requests":
			cfg.Requests, err = ParseRequests(val)
		case "hotplug":
			cfg.Hotplug, err = ParseSteps(val)
		case "unreachable":
			for _, v := range a.Vals {
				n, _ := strconv.Atoi(v)
				cfg.Unreachable = append(cfg.Unreachable, n)
			}
		case "reachable-aware":
			cfg.ReachableAware = true
		case "xen":
			cfg.Xen = true
		case "race":
			cfg.AffinityRace = true
		case "vector-cap":
			cfg.VectorCap = num()
		case "vector-base":
			cfg.VectorBase = num()
		case "max-executions":
			opts.MaxExecutions = int64(num())
		default:
			d.Fatalf(t, "unknown argument %q", a.Key)
		}
		if err != nil {
			return "error: " + err.Error()
		}
	}
	cfg.Topology = "cpus=" + topo["cpus"]
	for _, k := range []string{"present", "online"} {
		if v, ok := topo[k]; ok {
			cfg.Topology += " " + k + "=" + v
		}
	}
	sc, err := Build(variant, cfg)
	if err != nil {
		return "error: " + err.Error()
	}
	sc2, _ := barriers.New("sc")
	rep := Verify(sc, sc2, opts)
	return Describe(sc) + FormatReport(rep)
}

// Example-style smoke test of the API on the default configuration.
func TestDefaultConfigBuilds(t *testing.T) {
	sc, err := Build("managed-4.11", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sc.QueueOf[:4]); got != "[0 1 2 3]" {
		t.Fatalf("legacy map %s", got)
	}
}
