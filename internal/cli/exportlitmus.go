package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/steering"
)

// runExportLitmus writes a scenario's steering critical section as a C litmus test
// herd7 accepts: the CPU threads only, each up to the point where its first request's
// queue is chosen (the "steer" marker), without the device and interrupt handlers.
func runExportLitmus(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export-litmus", stderr)
	variant := fs.String("variant", "v2-2012", "variant")
	mutant := fs.String("mutant", "", "mutant to apply")
	out := fs.String("o", "", "write the test to this file instead of standard output")
	config := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "export-litmus takes no arguments (got %q)", fs.Arg(0))
	}
	cfg, err := config()
	if err != nil {
		return fail(stderr, "%v", err)
	}
	sc, err := steering.Build(*variant, *mutant, cfg)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	name := strings.NewReplacer(".", "_", "-", "_", "+", "_").Replace(sc.Program.Name) + "_steering"
	text, err := litmus.Export(sc.CriticalSections(sc.Program, name), name, "")
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return fail(stderr, "%s's critical section does not fit the litmus format: %s", sc.Program.Name, first)
	}
	if *out == "" {
		fmt.Fprint(stdout, text)
		return ExitHolds
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		return fail(stderr, "%v", err)
	}
	return ExitHolds
}
