package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

// runExportLitmus writes a scenario's steering critical section as a C litmus test
// herd7 accepts: the CPU threads only, each up to the point where its first request's
// queue is chosen (the "steer" marker), without the device and interrupt handlers.
// With --trace it writes the trace's execution instead, as straight-line code with
// the outcome it reached as the exists clause (--as-written: the same path through
// the code without the trace's ablation edits).
func runExportLitmus(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export-litmus", stderr)
	variant := fs.String("variant", "v2-2012", "variant")
	mutant := fs.String("mutant", "", "mutant to apply")
	out := fs.String("o", "", "write the test to this file instead of standard output")
	trace := fs.String("trace", "", "export this trace's execution (a JSON trace from check, minimize or barriers) instead of a critical section")
	asWritten := fs.Bool("as-written", false, "with --trace: follow the execution through the code without the trace's edits")
	config := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "export-litmus takes no arguments (got %q)", fs.Arg(0))
	}
	if *trace != "" {
		var other []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "trace" && f.Name != "as-written" && f.Name != "o" {
				other = append(other, "--"+f.Name)
			}
		})
		if len(other) > 0 {
			return fail(stderr, "--trace exports the trace's own scenario: drop %s", strings.Join(other, ", "))
		}
		text, err := tracePattern(*trace, *asWritten)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		return writeOut(text, *out, stdout, stderr)
	}
	if *asWritten {
		return fail(stderr, "--as-written needs --trace")
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
	return writeOut(text, *out, stdout, stderr)
}

// writeOut writes text to the file out, or to stdout when out is empty.
func writeOut(text, out string, stdout, stderr io.Writer) int {
	if out == "" {
		fmt.Fprint(stdout, text)
		return ExitHolds
	}
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		return fail(stderr, "%v", err)
	}
	return ExitHolds
}

// tracePattern is the litmus test of a trace's execution.
func tracePattern(path string, asWritten bool) (string, error) {
	tr, err := traces.ReadFile(path)
	if err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	name := strings.NewReplacer(".", "_", "-", "_", "+", "_").Replace(base)
	how := "as recorded"
	if len(tr.Edits) > 0 {
		how = "with the edits " + strings.Join(tr.Edits, "; ")
		if asWritten {
			how = "through the code as written (without " + strings.Join(tr.Edits, "; ") + ")"
			name += "_written"
		}
	}
	pt, err := tr.Pattern(name, asWritten)
	if err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	head := fmt.Sprintf("The execution of %s (%s %s under %s), as straight-line code, %s.", filepath.Base(path), tr.Property, tr.Name, tr.Model, how)
	text, err := litmus.ExportPattern(pt, name, head)
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return "", fmt.Errorf("%s: the execution does not fit the litmus format: %s", path, first)
	}
	return text, nil
}
