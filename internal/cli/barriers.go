package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/requirements"
)

// runBarriers is `steercheck barriers`: the ablation of one or every variant.
func runBarriers(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("barriers", stderr)
	variant := fs.String("variant", "all", "variant to analyse, or all ("+strings.Join(requirements.Variants, ", ")+")")
	modelName := fs.String("model", "all", "memory model, or all")
	dir := fs.String("traces", "steercheck-traces", "directory for the witness traces (without --doc)")
	doc := fs.String("doc", "", "write the whole report (every variant, every model) to this file, witnesses and litmus tests beside it")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "barriers takes no arguments (got %q)", fs.Arg(0))
	}
	variants := requirements.Variants
	if *variant != "all" {
		if _, err := requirements.NewSubject(*variant); err != nil {
			return fail(stderr, "%v", err)
		}
		variants = []string{*variant}
	}
	models := requirements.Models()
	if *modelName != "all" {
		if _, err := barriers.New(*modelName); err != nil {
			return fail(stderr, "%v", err)
		}
		models = []string{*modelName}
	}
	progress := func(v string, d time.Duration) { fmt.Fprintf(stderr, "%s done in %s\n", v, d.Round(time.Millisecond)) }
	if *doc != "" {
		if *modelName != "all" {
			return fail(stderr, "--doc covers every model: drop --model")
		}
		fp, err := SourceFingerprintOf(".", barriersFingerprintDirs)
		if err != nil {
			return fail(stderr, "barriers --doc must run from the repository root: %v", err)
		}
		text, err := requirements.Generate(variants, requirements.DefaultBudget, filepath.Dir(*doc), fp, progress)
		if err != nil {
			fmt.Fprintf(stderr, "steercheck: barriers: %v\n", err)
			return ExitUsage
		}
		if err := os.WriteFile(*doc, []byte(text), 0o644); err != nil {
			return fail(stderr, "%v", err)
		}
		return ExitHolds
	}
	for _, v := range variants {
		an, err := requirements.Analyse(v, models, requirements.DefaultBudget, *dir)
		if err != nil {
			fmt.Fprintf(stderr, "steercheck: barriers: %s: %v\n", v, err)
			return ExitUsage
		}
		var b bytes.Buffer
		requirements.WriteVariant(&b, an)
		stdout.Write(b.Bytes())
		progress(v, an.Elapsed)
	}
	return ExitHolds
}
