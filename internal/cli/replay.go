package cli

import (
	"fmt"
	"io"

	"github.com/steercheck/steercheck/traces"
)

func runReplay(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("replay", stderr)
	quiet := fs.Bool("q", false, "print only the verdict line")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return fail(stderr, "replay takes one trace file (got %d arguments)", fs.NArg())
	}
	tr, err := traces.ReadFile(fs.Arg(0))
	if err != nil {
		return fail(stderr, "%v", err)
	}
	r, err := tr.Replay()
	if err != nil {
		return fail(stderr, "%s: %v", fs.Arg(0), err)
	}
	name := tr.Variant
	if tr.Mutant != "" {
		name += "+" + tr.Mutant
	}
	if !*quiet {
		if r.Hotplug != nil {
			fmt.Fprintf(stdout, "%s under %s\n%s\n", name, tr.Model, hotplugHeader(r.Hotplug))
		} else {
			fmt.Fprintf(stdout, "%s under %s, %s\n\n", name, tr.Model, r.Scenario.Config)
		}
		fmt.Fprintln(stdout, traces.Render(r.Graph, r.Highlight(tr.Property)))
	}
	if r.Reproduced {
		for _, v := range r.Violations {
			if v.Property.ID == tr.Property {
				fmt.Fprintf(stdout, "reproduced: %s %s: %s\n", v.Property.ID, v.Property.Name, v.Message)
			}
		}
		return ExitViolation
	}
	fmt.Fprintf(stdout, "not reproduced: %s %s holds on this execution now\n", tr.Property, tr.Name)
	for _, v := range r.Violations {
		fmt.Fprintf(stdout, "other violation: %s %s: %s\n", v.Property.ID, v.Property.Name, v.Message)
	}
	return ExitHolds
}
