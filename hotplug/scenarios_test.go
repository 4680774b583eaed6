package hotplug

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// TestScenarios runs the scripts in testdata. The command is
//
//	check variant=V [cpus=N] [present=LIST] [online=LIST] [node0=LIST] [node1=LIST] [queues=N] [spread=4.16|4.17|current]
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
		case "cpus", "present", "online", "node0", "node1":
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
	for _, k := range []string{"present", "online", "node0", "node1"} {
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

// TestDefaultIs2018Box pins the default configuration to the machine of b5b6e8c8d3b4:
// the queue masks its report lists (irq39 0-1, irq40 4,6, irq41 2-3, irq42 5,7), the
// request from CPU 1, and the hang under managed-4.11 (P6), which blkmq-4.17 does not
// have on the same machine.
func TestDefaultIs2018Box(t *testing.T) {
	cfg := DefaultConfig()
	require.Equal(t, Topology2018, cfg.Topology)
	require.Equal(t, []Request{{CPU: 1}}, cfg.Requests)
	sc, err := Build("managed-4.11", cfg)
	require.NoError(t, err)
	var masks []string
	for _, m := range sc.Masks {
		masks = append(masks, m.List())
	}
	var want []string
	for _, l := range Layout2018 {
		want = append(want, l.Mask)
	}
	require.Equal(t, want, masks, "reproduce: go run ./cmd/steercheck check --variant managed-4.11")
	assert.Equal(t, []bool{true, false, true, false}, sc.StartedAtBoot)
	assert.Equal(t, "[0 1 2 3]", fmt.Sprint(sc.QueueOf[:4]), "legacy steering: cpu mod 4")
	assert.Contains(t, Describe(sc), "the layout of b5b6e8c8d3b4's report: irq39 0-1, irq40 4,6, irq41 2-3, irq42 5,7")

	rep := Verify(sc, scModel(t), model.Options{})
	require.Equal(t, Violated, rep.Of("P6").Verdict, "reproduce: go run ./cmd/steercheck check --variant managed-4.11")
	assert.Contains(t, rep.Of("P6").Violation.Message, "request r0 from CPU 1 never completed: it sits on queue 1 (mask 4,6)")

	sc, err = Build("blkmq-4.17", cfg)
	require.NoError(t, err)
	assert.Equal(t, Holds, Verify(sc, scModel(t), model.Options{}).Of("P6").Verdict, "reproduce: go run ./cmd/steercheck check --variant blkmq-4.17")
}
