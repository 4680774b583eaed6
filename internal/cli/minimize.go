package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/traces"
)

var minimizeCommand = command{
	name:    "minimize",
	args:    "TRACE",
	summary: "shrink a saved trace to a smaller counterexample of the same property",
	help: "Shrinks the trace's configuration (drops requests, then unused CPUs, targets and queues) while some execution " +
		"still violates the trace's property under its memory model, then keeps the violating execution with the fewest " +
		"events and context switches. Deterministic; never larger than the input. check already saves minimized traces; " +
		"this is for traces saved with --no-minimize or written by hand.",
	exits: `1    the minimized trace (written to --out) violates the trace's property, as the input did
4    the input trace's violation does not reproduce: nothing to minimize
2    bad usage, or the file is not a valid trace or does not replay
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		out := fs.text("out", "", "write the minimized trace to `FILE` (default: TRACE with .min.json)")
		fs.alias("o", "out")
		b := budgetFlags(fs, "per exploration (one per candidate configuration)", fmt.Sprint(traces.DefaultBudget.MaxSteps),
			func(string) int64 { return traces.DefaultBudget.MaxSteps })
		return func(pos []string) int {
			if len(pos) != 1 {
				return e.fail("minimize takes one trace file (got %d arguments; run 'steercheck minimize --help')", len(pos))
			}
			budget := traces.DefaultBudget
			budget.MaxSteps, budget.MaxExecutions, budget.Timeout, budget.Context = b.steps(""), *b.maxExec, *b.timeout, e.ctx
			return runMinimize(e, pos[0], *out, budget)
		}
	},
}

func runMinimize(e *env, in, out string, b traces.Budget) int {
	tr, err := traces.ReadFile(in)
	if err != nil {
		return e.fail("%v", err)
	}
	min, st, err := traces.Minimize(tr, b)
	var nr *traces.NotReproducedError
	if errors.As(err, &nr) {
		fmt.Fprintf(e.stdout, "not reproduced: %s %s holds on the trace's execution now: nothing to minimize\n", tr.Property, tr.Name)
		return ExitNotRepro
	}
	if err != nil {
		return e.fail("%s: %v", in, err)
	}
	if out == "" {
		out = strings.TrimSuffix(in, ".json") + ".min.json"
	}
	if err := min.WriteFile(out); err != nil {
		return e.fail("%v", err)
	}
	fmt.Fprintf(e.stdout, "original:  %s\nminimized: %s\n(%d configurations tried, %d executions explored)\n",
		st.Original, st.Minimized, st.Candidates, st.Executions)
	fmt.Fprintf(e.stdout, "%s %s: %s\nwrote %s\n", min.Property, min.Name, min.Message, out)
	return ExitViolation
}
