package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/steercheck/steercheck/requirements"
)

var barriersCommand = command{
	name:    "barriers",
	summary: "which barrier, lock and ONCE each variant needs under which model (docs/BARRIERS.md)",
	help: "Weakens each ordering annotation of a variant alone (a fence removed, a lock pair removed, an ordered atomic " +
		"made relaxed, acquire/release made ONCE, ONCE made plain) and checks every model: required (with a minimized, " +
		"replayable witness saved under --traces), not required (complete exploration) or unknown. Also searches minimal " +
		"sufficient sets and single-annotation repairs of broken variants. Steering variants run at 2 CPUs (see " +
		"docs/BARRIERS.md). With --doc it writes the whole report, as `make barriers` does; the witnesses and litmus " +
		"tests go beside it.",
	exits: `0    every variant as written holds under every model and every cell is decided (--doc: the document was written)
1    some variant as written is violated under some model
2    bad usage, an unknown variant or model, or (--doc) not run from the repository root
3    no variant as written is violated, but some verdict or cell is unknown
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		variant := fs.text("variant", "all", "`NAME` of the variant to analyse, or all ("+strings.Join(requirements.Variants, ", ")+"; default: all)")
		modelName := fs.text("model", "all", "memory `MODEL`, a comma-separated list, or all (default: all)")
		dir := fs.text("traces", DefaultTraceDir, "`DIR` for the witness traces (without --doc)")
		doc := fs.text("doc", "", "write the whole report (every variant, every model) to `FILE`, witnesses and litmus tests beside it")
		b := requirements.DefaultBudget
		maxSteps := fs.count("max-steps", 0, fmt.Sprintf("`N` explorer steps per check, under every model (the deterministic budget); 0: no bound "+
			"(default: %d under sc and tso, %d under the weak models explored without po∪rf cycles, %d under %s, explored with them, "+
			"%d for them in the tables)",
			b.MaxSteps, b.WeakMaxSteps, b.CycleMaxSteps, strings.Join(b.CycleModels, ", "), b.CellMaxSteps))
		return func(pos []string) int {
			if len(pos) > 0 {
				return e.fail("barriers takes no arguments (got %q; run 'steercheck barriers --help')", pos[0])
			}
			if fs.isSet("max-steps") {
				b.MaxSteps, b.WeakMaxSteps, b.CycleMaxSteps, b.CellMaxSteps = *maxSteps, *maxSteps, *maxSteps, *maxSteps
			}
			return runBarriers(e, fs, *variant, *modelName, *dir, *doc, b)
		}
	},
}

// runBarriers is `steercheck barriers`: the ablation of one or every variant.
func runBarriers(e *env, fs *flagSet, variant, modelName, dir, doc string, b requirements.Budget) int {
	variants := requirements.Variants
	if variant != "all" {
		if _, err := requirements.NewSubject(variant); err != nil {
			return e.fail("--variant: %v", err)
		}
		variants = []string{variant}
	}
	models := requirements.Models()
	if modelName != "all" {
		var err error
		if models, err = modelList(modelName); err != nil {
			return e.fail("%v", err)
		}
	}
	progress := func(v string, d time.Duration) {
		fmt.Fprintf(e.stderr, "%s done in %s\n", v, d.Round(time.Millisecond))
	}
	if doc != "" {
		if fs.isSet("model") || fs.isSet("traces") {
			return e.fail("--doc covers every model and puts the witnesses beside the document: drop --model and --traces")
		}
		fp, err := SourceFingerprintOf(".", barriersFingerprintDirs)
		if err != nil {
			return e.fail("barriers --doc must run from the repository root: %v", err)
		}
		text, err := requirements.Generate(variants, b, filepath.Dir(doc), fp, progress)
		if err != nil {
			return e.fail("barriers: %v", err)
		}
		if err := os.WriteFile(doc, []byte(text), 0o644); err != nil {
			return e.fail("%v", err)
		}
		return ExitHolds
	}
	code := ExitHolds
	for _, v := range variants {
		an, err := requirements.Analyse(v, models, b, dir)
		if err != nil {
			return e.fail("barriers: %s: %v", v, err)
		}
		var out bytes.Buffer
		requirements.WriteVariant(&out, an)
		e.stdout.Write(out.Bytes())
		progress(v, an.Elapsed)
		code = worseCode(code, analysisCode(an))
	}
	return code
}

// analysisCode is the exit code an analysis calls for, as check's: 1 when the variant
// as written is violated under some model, 3 when a verdict or a cell is unknown.
func analysisCode(an *requirements.Analysis) int {
	code := ExitHolds
	t := an.Table
	for _, o := range t.Baseline {
		switch o.Verdict {
		case requirements.Violated:
			code = ExitViolation
		case requirements.Unknown:
			code = worseCode(code, ExitUnknown)
		}
	}
	for _, row := range t.Cells {
		for _, c := range row {
			if c.Status == requirements.Undecided {
				code = worseCode(code, ExitUnknown)
			}
		}
	}
	return code
}

// worseCode orders exit codes as check does: usage error, violation, unknown, holds.
func worseCode(a, b int) int {
	rank := func(c int) int {
		return map[int]int{ExitHolds: 0, ExitUnknown: 1, ExitViolation: 2, ExitUsage: 3}[c]
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
