package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/litmus"
)

// LitmusSteps is litmus's default step budget per test: every kernel litmus test in
// litmus/testdata/kernel completes within a small fraction of it.
const LitmusSteps = 50_000_000

var litmusCommand = command{
	name:    "litmus",
	args:    "FILE|DIR...",
	summary: "run C litmus tests (the kernel's format) and print herd7-style verdicts",
	help: "Runs each litmus test (a directory: every .litmus file under it, sorted) under one memory model and prints " +
		"herd7's observation line \"Observation NAME Never|Sometimes|Always POSITIVE NEGATIVE\", or with --show herd7's " +
		"whole block with the allowed final states. A test cut by its budget says Unknown.",
	exits: `0    every test ran to completion (whatever herd7's answer: Never, Sometimes and Always are results)
3    some test was cut by its budget (Unknown)
2    bad usage, or a file does not parse, or uses a primitive steercheck or the model does not support
130  interrupted by SIGINT or SIGTERM
`,
	setup: func(fset *flagSet, e *env) func([]string) int {
		modelName := fset.text("model", "lkmm", "memory `MODEL` (see 'steercheck list'; default: lkmm)")
		show := fset.Bool("show", false, "print the allowed final states (herd7's full output)")
		b := budgetFlags(fset, "per test", fmt.Sprint(LitmusSteps), func(string) int64 { return LitmusSteps })
		explorer := fset.explorer()
		jsonOut := fset.text("json", "", "also write a machine-readable report (docs/REPORT.md) to `FILE`")
		return func(pos []string) int {
			if len(pos) == 0 {
				return e.fail("litmus needs at least one FILE or DIR (run 'steercheck litmus --help')")
			}
			return runLitmus(e, pos, *modelName, *show, b, explorer, *jsonOut)
		}
	},
}

func runLitmus(e *env, args []string, modelName string, show bool, b *budget, explorer *string, jsonOut string) int {
	hmcBudget(b, explorer)
	if _, err := barriers.New(modelName); err != nil {
		return e.fail("--model: %v", err)
	}
	files, err := litmusFiles(args)
	if err != nil {
		return e.fail("%v", err)
	}
	rep := LitmusReport{Format: LitmusReportFormat, Version: ReportVersion, Tool: versionLine(), Command: e.argv,
		Model: modelName, Budget: b.describe([]string{modelName}), Tests: []LitmusTest{}}
	if useHMC(explorer) {
		rep.Explorer = explorerHMC
	}
	code := ExitHolds
	for _, f := range files {
		if e.ctx.Err() != nil {
			break
		}
		start := time.Now()
		entry := LitmusTest{File: f}
		t, err := litmus.ParseFile(f)
		if err != nil {
			fmt.Fprintln(e.stderr, "steercheck: "+oneLine(err.Error()))
			code = ExitUsage
			entry.Result, entry.Error = "Error", oneLine(err.Error())
			rep.Tests = append(rep.Tests, entry)
			continue
		}
		entry.Name = t.Name
		r, err := litmus.Run(t, modelName, withExplorer(b.options(e.ctx, modelName), explorer))
		entry.Seconds = time.Since(start).Seconds()
		switch {
		case err != nil:
			// A *litmus.ParseError names the file itself; an *UnsupportedError
			// names the test: a test that cannot be judged is bad input.
			msg := err.Error()
			var ue *litmus.UnsupportedError
			entry.Result = "Error"
			if errors.As(err, &ue) {
				msg = f + ": " + msg
				entry.Result = "Unsupported"
			}
			fmt.Fprintln(e.stderr, "steercheck: "+oneLine(msg))
			code = ExitUsage
			entry.Error = oneLine(msg)
		default:
			if show {
				fmt.Fprintln(e.stdout, litmus.FormatHerd(r))
			} else {
				fmt.Fprintf(e.stdout, "Observation %s %s %d %d\n", r.Test, r.Observation(), r.Positive, r.Negative)
			}
			if !r.Complete() && code == ExitHolds {
				code = ExitUnknown
			}
			entry.Result, entry.Verdict, entry.Condition = r.Observation(), r.Verdict(), r.Cond
			entry.Positive, entry.Negative, entry.Executions = r.Positive, r.Negative, r.Stats.Executions
			entry.StopReason = r.Reason.String()
			for _, s := range r.States {
				entry.States = append(entry.States, s.Text)
			}
		}
		rep.Tests = append(rep.Tests, entry)
	}
	if e.ctx.Err() != nil {
		fmt.Fprintf(e.stderr, "steercheck: interrupted after %d of %d tests\n", len(rep.Tests), len(files))
		code = ExitInterrupt
	}
	rep.ExitCode = code
	if jsonOut != "" {
		if err := writeJSON(jsonOut, rep); err != nil {
			fmt.Fprintf(e.stderr, "steercheck: writing the report: %v\n", err)
			if code == ExitHolds {
				code = ExitUsage
			}
		}
	}
	return code
}

// litmusFiles expands directories into their .litmus files, sorted.
func litmusFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".litmus") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .litmus files", a)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
