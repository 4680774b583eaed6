package cli

import (
	"fmt"

	"github.com/steercheck/steercheck/traces"
)

var replayCommand = command{
	name:    "replay",
	args:    "TRACE",
	summary: "re-execute a saved trace and re-check its claimed violation",
	help: "Rebuilds the trace's scenario (variant, mutant, configuration, edits), re-executes exactly the recorded " +
		"execution, checks that the trace's memory model allows it, re-checks every property and prints the execution " +
		"as CPU columns. The exit code says whether the violation the trace claims (its \"property\") reproduces.",
	exits: `1    the trace's violation reproduces
4    it does not: the property holds on this execution now (other violations, if any, are listed)
2    the file is not a valid trace, or does not replay (a stale or edited trace)
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		quiet := fs.Bool("quiet", false, "print only the verdict line")
		return func(pos []string) int {
			if len(pos) != 1 {
				return e.fail("replay takes one trace file (got %d arguments; run 'steercheck replay --help')", len(pos))
			}
			return runReplay(e, pos[0], *quiet)
		}
	},
}

func runReplay(e *env, path string, quiet bool) int {
	tr, r, code, ok := loadTrace(e, path)
	if !ok {
		return code
	}
	if !quiet {
		fmt.Fprintf(e.stdout, "%s\n\n", traceHeading(tr, r))
		fmt.Fprintln(e.stdout, traces.Render(r.Graph, r.Highlight(tr.Property)))
	}
	if r.Reproduced {
		for _, v := range r.Violations {
			if v.Property.ID == tr.Property {
				fmt.Fprintf(e.stdout, "reproduced: %s %s: %s\n", v.Property.ID, v.Property.Name, v.Message)
			}
		}
		return ExitViolation
	}
	fmt.Fprintf(e.stdout, "not reproduced: %s %s holds on this execution now\n", tr.Property, tr.Name)
	for _, v := range r.Violations {
		fmt.Fprintf(e.stdout, "other violation: %s %s: %s\n", v.Property.ID, v.Property.Name, v.Message)
	}
	return ExitNotRepro
}

// loadTrace reads and replays a trace; ok is false (with the exit code) when the file
// is not a trace or does not replay.
func loadTrace(e *env, path string) (*traces.Trace, *traces.Replayed, int, bool) {
	tr, err := traces.ReadFile(path)
	if err != nil {
		return nil, nil, e.fail("%v", err), false
	}
	r, err := tr.Replay()
	if err != nil {
		return nil, nil, e.fail("%s: %v", path, err), false
	}
	return tr, r, 0, true
}

// traceHeading names a replayed trace's scenario: "v2-2012+ge-one under sc, cpus=3
// ..." or, for a hotplug trace, the variant, model and machine.
func traceHeading(tr *traces.Trace, r *traces.Replayed) string {
	if r.Hotplug != nil {
		return traceName(tr) + "\n" + hotplugHeader(r.Hotplug)
	}
	return traceName(tr) + ", " + r.Scenario.Config.String()
}
