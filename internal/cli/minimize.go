package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/steercheck/steercheck/traces"
)

func runMinimize(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("minimize", stderr)
	out := fs.String("o", "", "write the minimized trace here (default: TRACE with .min.json)")
	maxSteps := fs.Int64("max-steps", traces.DefaultBudget.MaxSteps, "step budget of each exploration (0: none)")
	pos, code, ok := parseInterleaved(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fail(stderr, "minimize takes one trace file (got %d arguments)", len(pos))
	}
	tr, err := traces.ReadFile(pos[0])
	if err != nil {
		return fail(stderr, "%v", err)
	}
	b := traces.DefaultBudget
	b.MaxSteps = *maxSteps
	min, st, err := traces.Minimize(tr, b)
	if err != nil {
		return fail(stderr, "%s: %v", pos[0], err)
	}
	path := *out
	if path == "" {
		path = strings.TrimSuffix(pos[0], ".json") + ".min.json"
	}
	if err := min.WriteFile(path); err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "original:  %s\nminimized: %s\n(%d configurations tried, %d executions explored)\n",
		st.Original, st.Minimized, st.Candidates, st.Executions)
	fmt.Fprintf(stdout, "%s %s: %s\nwrote %s\n", min.Property, min.Name, min.Message, path)
	return ExitViolation
}

// parseInterleaved parses flags that may come before or after the positional
// arguments ("minimize TRACE -o OUT") and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return nil, code, false
		}
		if fs.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
