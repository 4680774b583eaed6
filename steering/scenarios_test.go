package steering_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// TestScenarios runs the scenario scripts of testdata/. Each `check` directive builds
// a variant (and maybe a mutant) for a configuration and verifies it:
//
//	check variant=v2-2012 [mutant=ge-one] cpus=3 targets=1 queues=2 requests=0:0,1:0,2:0
//	      [ring-size=1] [kick-failure] [model=sc] [only=(P1,P2)] [max-executions=N]
//
// and prints the verdict, the exploration counts and, for a violation, the message and
// the events that show it. Rewrite the expected output with
// `go test ./steering -run TestScenarios -rewrite`, then review it by hand.
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "check":
				return runCheck(t, d)
			}
			d.Fatalf(t, "unknown command %q", d.Cmd)
			return ""
		})
	})
}

func runCheck(t *testing.T, d *datadriven.TestData) string {
	cfg := steering.DefaultConfig()
	variant, mutant, modelName := "", "", "sc"
	var only []string
	var opts model.Options
	for _, a := range d.CmdArgs {
		val := ""
		if len(a.Vals) > 0 {
			val = a.Vals[0]
		}
		num := func() int {
			n, err := strconv.Atoi(val)
			if err != nil {
				d.Fatalf(t, "%s: %v", a.Key, err)
			}
			return n
		}
		switch a.Key {
		case "variant":
			variant = val
		case "mutant":
			mutant = val
		case "model":
			modelName = val
		case "cpus":
			cfg.CPUs = num()
		case "targets":
			cfg.Targets = num()
		case "queues":
			cfg.Queues = num()
		case "ring-size":
			cfg.RingSize = num()
		case "kick-failure":
			cfg.KickFailure = true
		case "requests":
			rs, err := steering.ParseRequests(val)
			if err != nil {
				return "error: " + err.Error()
			}
			cfg.Requests = rs
		case "only":
			only = a.Vals
		case "max-executions":
			opts.MaxExecutions = int64(num())
		default:
			d.Fatalf(t, "unknown argument %q", a.Key)
		}
	}
	sc, err := steering.Build(variant, mutant, cfg)
	if err != nil {
		return "error: " + err.Error()
	}
	m, err := barriers.New(modelName)
	if err != nil {
		return "error: " + err.Error()
	}
	rep := properties.Verify(sc, m, opts, only)
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s\n", rep.Verdict)
	st := rep.Result
	fmt.Fprintf(&b, "executions: %d (blocked %d, out of bound %d)\n", st.Executions, st.Blocked, st.OutOfBound)
	if rep.Verdict == properties.Unknown {
		fmt.Fprintf(&b, "stopped: %s\n", st.Reason)
	}
	if v := rep.Violation; v != nil {
		fmt.Fprintf(&b, "violation: %s\n", v)
		for _, e := range v.Events {
			fmt.Fprintf(&b, "  %s:%d %s\n", sc.ThreadName(int(e.Thread)), e.Index, rep.Graph.DescribeEvent(e))
		}
	}
	return b.String()
}
