package cli

import (
	"fmt"
	"io"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

func runList(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("list", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "list takes no arguments (got %q)", fs.Arg(0))
	}
	fmt.Fprintln(stdout, "Variants:")
	for _, v := range steering.Variants() {
		fmt.Fprintf(stdout, "  %-16s %-8s %s\n", v.Name, v.Kernel, v.Doc)
	}
	fmt.Fprintln(stdout, "\nHotplug variants (check --variant NAME; properties P6–P10; model sc by default):")
	for _, v := range hotplug.Variants() {
		fmt.Fprintf(stdout, "  %s\n", v)
	}
	fmt.Fprintln(stdout, "\nMutants:")
	for _, m := range steering.Mutants() {
		fmt.Fprintf(stdout, "  %-28s %-16s %s\n", m.Name, m.Variant, m.Doc)
	}
	fmt.Fprintln(stdout, "\nMemory models:")
	for _, n := range barriers.Names() {
		fmt.Fprintf(stdout, "  %-16s %s\n", n, barriers.Doc(n))
	}
	fmt.Fprintln(stdout, "\nProperties:")
	for _, p := range properties.All() {
		fmt.Fprintf(stdout, "  %-4s %-20s %s\n", p.ID, p.Name, p.Doc)
	}
	fmt.Fprintln(stdout, "\nHotplug properties (hotplug variants):")
	for _, p := range hotplug.Properties() {
		fmt.Fprintf(stdout, "  %-4s %-20s %s\n", p.ID, p.Name, p.Doc)
	}
	return ExitHolds
}
