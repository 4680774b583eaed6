package cli

import (
	"fmt"
	"io"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

var listCommand = command{
	name:    "list",
	summary: "list variants, mutants, memory models and properties",
	help:    "Lists what check can select: the steering and hotplug variants, the mutants (seeded bugs) and the variant each applies to, the memory models and the properties.",
	exits: `0    listed
2    bad usage
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		return func(pos []string) int {
			if len(pos) > 0 {
				return e.fail("list takes no arguments (got %q)", pos[0])
			}
			runList(e.stdout)
			return ExitHolds
		}
	},
}

func runList(stdout io.Writer) {
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
}
