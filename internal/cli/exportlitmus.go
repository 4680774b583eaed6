package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

var exportLitmusCommand = command{
	name:    "export-litmus",
	summary: "write a steering critical section, or a trace's execution (--trace), as a C litmus test for herd7",
	help: "Without --trace: the submitting CPUs' critical section of a steering variant (each CPU up to the point " +
		"where its first request's queue is chosen), without the device and interrupt handlers, as a litmus test " +
		"herd7 accepts, with exists (true) so herd7 prints every final state. With --trace: the trace's execution " +
		"as straight-line code with the outcome it reached as the exists clause (--as-written: the same path through " +
		"the code without the trace's ablation edits).",
	exits: `0    the test was written
2    bad usage, an unknown variant or mutant, a bad trace, or code the litmus format cannot express
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		variant := fs.text("variant", "v2-2012", "`NAME` of the steering variant (default: v2-2012)")
		mutant := fs.text("mutant", "", "`NAME` of a mutant to apply (default: none)")
		out := fs.text("out", "", "write the test to `FILE` instead of standard output")
		fs.alias("o", "out")
		trace := fs.text("trace", "", "export the execution of the trace `FILE` (a JSON trace from check, minimize or barriers) instead of a critical section")
		asWritten := fs.Bool("as-written", false, "with --trace: follow the execution through the code without the trace's edits")
		config := configFlags(fs)
		return func(pos []string) int {
			if len(pos) > 0 {
				return e.fail("export-litmus takes no arguments (got %q; run 'steercheck export-litmus --help')", pos[0])
			}
			return runExportLitmus(fs, e, *variant, *mutant, *out, *trace, *asWritten, config)
		}
	},
}

// runExportLitmus writes a scenario's steering critical section as a C litmus test
// herd7 accepts, or a trace's execution (see exportLitmusCommand).
func runExportLitmus(fs *flagSet, e *env, variant, mutant, out, trace string, asWritten bool, config func() (steering.Config, error)) int {
	if trace != "" {
		var other []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "trace" && f.Name != "as-written" && f.Name != "out" && f.Name != "o" {
				other = append(other, "--"+f.Name)
			}
		})
		if len(other) > 0 {
			return e.fail("--trace exports the trace's own scenario: drop %s", strings.Join(other, ", "))
		}
		text, err := tracePattern(trace, asWritten)
		if err != nil {
			return e.fail("%v", err)
		}
		return e.writeOut(text, out)
	}
	if asWritten {
		return e.fail("--as-written needs --trace")
	}
	cfg, err := config()
	if err != nil {
		return e.fail("%v", err)
	}
	sc, err := steering.Build(variant, mutant, cfg)
	if err != nil {
		return e.fail("%v", err)
	}
	name := strings.NewReplacer(".", "_", "-", "_", "+", "_").Replace(sc.Program.Name) + "_steering"
	text, err := litmus.Export(sc.CriticalSections(sc.Program, name), name, "")
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return e.fail("%s's critical section does not fit the litmus format: %s", sc.Program.Name, first)
	}
	return e.writeOut(text, out)
}

// writeOut writes text to the file out, or to stdout when out is empty.
func (e *env) writeOut(text, out string) int {
	if out == "" {
		fmt.Fprint(e.stdout, text)
		return ExitHolds
	}
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		return e.fail("%v", err)
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
