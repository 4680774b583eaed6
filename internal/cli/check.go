package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

// DefaultTraceDir is where check saves traces unless told otherwise.
const DefaultTraceDir = "steercheck-traces"

type job struct {
	variant, mutant, model string
	report                 properties.Report
	err                    error
	trace                  string
	elapsed                time.Duration
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr)
	variant := fs.String("variant", "all", "variant to check, or all (the steering variants); a hotplug variant (managed-4.11, blkmq-4.17, drain-5.8, nonmanaged[+mutant]) checks P6–P10")
	mutant := fs.String("mutant", "", "mutant to apply (see 'steercheck list'), or all for every mutant of the variants")
	modelName := fs.String("model", "all", "memory model, or all (hotplug variants: default sc)")
	config := configFlags(fs)
	hconfig := hotplugFlags(fs)
	maxExec := fs.Int64("max-executions", 5_000_000, "execution budget per run (0: none); exhausting it gives unknown")
	timeout := fs.Duration("timeout", 30*time.Second, "time budget per run (0: none); exhausting it gives unknown")
	dir := fs.String("traces", DefaultTraceDir, "directory to save a trace per violation in (empty: do not save)")
	only := fs.String("property", "", "comma-separated property IDs or names to check (default: all)")
	jobsFlag := fs.Int("jobs", runtime.GOMAXPROCS(0), "runs to do in parallel")
	noMin := fs.Bool("no-minimize", false, "save the violating execution as found, without minimizing it")
	keepOrig := fs.Bool("keep-original", false, "also save the execution as found, beside the minimized trace (.orig.json)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "check takes no arguments (got %q)", fs.Arg(0))
	}
	if isHotplugVariant(*variant) {
		return runHotplugCheck(fs, hotplugCheck{variant: *variant, mutant: *mutant, model: *modelName, only: *only,
			opts: model.Options{MaxExecutions: *maxExec, Timeout: *timeout}, dir: *dir,
			save: saveOptions{minimize: !*noMin, keepOriginal: *keepOrig}}, hconfig, stdout, stderr)
	}
	set := setFlags(fs)
	for _, f := range hotplugOnlyFlags {
		if set[f] {
			return fail(stderr, "--%s applies to hotplug variants only (%s)", f, strings.Join(hotplug.Variants(), ", "))
		}
	}
	cfg, err := config()
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if *jobsFlag < 1 {
		return fail(stderr, "--jobs must be at least 1")
	}
	var onlyProps []string
	if *only != "" {
		onlyProps = strings.Split(*only, ",")
		for _, p := range onlyProps {
			if !properties.Known(p) {
				return fail(stderr, "--property: unknown property %q (see 'steercheck list')", p)
			}
		}
	}
	jobs, err := planJobs(*variant, *mutant, *modelName)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	// Fail on a bad configuration for any variant before starting the runs.
	for _, j := range jobs {
		if _, err := steering.Build(j.variant, j.mutant, cfg); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	opts := model.Options{MaxExecutions: *maxExec, Timeout: *timeout}
	prog := newProgress(stderr, len(jobs))
	runJobs(jobs, *jobsFlag, func(i int, j *job) {
		o := opts
		o.Progress = prog.callback(i)
		runJob(j, cfg, o, onlyProps, *dir, saveOptions{minimize: !*noMin, keepOriginal: *keepOrig})
		prog.jobDone()
	})
	prog.finish()
	return printTable(stdout, stderr, cfg, jobs)
}

// planJobs expands the variant, mutant and model selections.
func planJobs(variant, mutant, modelName string) ([]*job, error) {
	var variants []string
	if variant == "all" {
		for _, v := range steering.Variants() {
			variants = append(variants, v.Name)
		}
	} else {
		if _, err := steering.Build(variant, "", steering.DefaultConfig()); err != nil && strings.Contains(err.Error(), "unknown variant") {
			return nil, err
		}
		variants = []string{variant}
	}
	var models []string
	if modelName == "all" {
		models = barriers.Names()
	} else {
		if _, err := barriers.New(modelName); err != nil {
			return nil, err
		}
		models = []string{modelName}
	}
	var jobs []*job
	for _, v := range variants {
		var muts []string
		switch mutant {
		case "":
			muts = []string{""}
		case "all":
			for _, m := range steering.MutantsOf(v) {
				muts = append(muts, m.Name)
			}
		default:
			muts = []string{mutant}
		}
		for _, mu := range muts {
			for _, m := range models {
				jobs = append(jobs, &job{variant: v, mutant: mu, model: m})
			}
		}
	}
	if len(jobs) == 0 {
		return nil, fmt.Errorf("nothing to check: variant %s has no mutants", variant)
	}
	return jobs, nil
}

// runJobs runs f on every job with n workers; results land in the jobs themselves, so
// the output order does not depend on scheduling.
func runJobs(jobs []*job, n int, f func(int, *job)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i, jobs[i])
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
}

// saveOptions says how check saves a violation's trace.
type saveOptions struct {
	minimize     bool // save the minimized trace (the default)
	keepOriginal bool // also save the trace as found
}

// minimizeBudget bounds the minimization check does for each violation it saves.
var minimizeBudget = traces.Budget{MaxSteps: 2_000_000, MaxCandidates: 50}

func runJob(j *job, cfg steering.Config, opts model.Options, only []string, dir string, save saveOptions) {
	start := time.Now()
	defer func() { j.elapsed = time.Since(start) }()
	sc, err := steering.Build(j.variant, j.mutant, cfg)
	if err != nil {
		j.err = err
		return
	}
	m, err := barriers.New(j.model)
	if err != nil {
		j.err = err
		return
	}
	j.report = properties.Verify(sc, m, opts, only)
	if j.report.Verdict != properties.Violated || dir == "" {
		return
	}
	v := j.report.Violation
	tr := traces.FromExecution(traces.Header{Variant: j.variant, Mutant: j.mutant, Config: cfg, Model: j.model,
		Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, j.report.Graph)
	path := TracePath(dir, j.variant, j.mutant, j.model, v.Property)
	if err := saveTrace(tr, path, save, func(*traces.Replayed) string { return "" }); err != nil {
		j.err = err
		return
	}
	j.trace = path
}

// saveTrace writes tr (minimized unless save says otherwise, with the trace as found
// beside it when asked) to path, and its CPU-column rendering to path's .txt, under a
// line naming the property and what header returns for the replayed trace.
func saveTrace(tr *traces.Trace, path string, save saveOptions, header func(*traces.Replayed) string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	final := tr
	if save.minimize {
		if min, _, err := traces.Minimize(tr, minimizeBudget); err == nil {
			final = min
		}
	}
	if save.keepOriginal {
		if err := tr.WriteFile(strings.TrimSuffix(path, ".json") + ".orig.json"); err != nil {
			return err
		}
	}
	if err := final.WriteFile(path); err != nil {
		return err
	}
	if r, err := final.Replay(); err == nil {
		text := final.Property + " " + final.Name + ": " + final.Message + "\n\n" + header(r) +
			traces.Render(r.Graph, r.Highlight(final.Property))
		if err := os.WriteFile(strings.TrimSuffix(path, ".json")+".txt", []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// TracePath is where check saves the trace of a violation:
// DIR/VARIANT[+MUTANT]/MODEL-PROPERTYID-NAME.json.
func TracePath(dir, variant, mutant, modelName string, p properties.Property) string {
	sub := variant
	if mutant != "" {
		sub += "+" + mutant
	}
	return filepath.Join(dir, sub, fmt.Sprintf("%s-%s-%s.json", modelName, p.ID, p.Name))
}

func printTable(stdout, stderr io.Writer, cfg steering.Config, jobs []*job) int {
	fmt.Fprintf(stdout, "configuration: %s\n\n", cfg)
	rows := make([]tableRow, len(jobs))
	for i, j := range jobs {
		rows[i] = tableRow{variant: j.variant, mutant: j.mutant, model: j.model, err: j.err, trace: j.trace, elapsed: j.elapsed}
		if j.err != nil {
			continue
		}
		r := j.report
		rows[i].verdict, rows[i].result = r.Verdict.String(), r.Result
		switch r.Verdict {
		case properties.Violated:
			rows[i].violated, rows[i].prop, rows[i].message = true, r.Violation.Property.String(), r.Violation.Message
		case properties.Unknown:
			rows[i].unknown = true
		}
	}
	return writeTable(stdout, rows)
}

// tableRow is one run in check's verdict table, steering or hotplug alike.
type tableRow struct {
	variant, mutant, model string
	err                    error
	verdict                string
	violated, unknown      bool
	prop, message, trace   string
	result                 model.Result
	elapsed                time.Duration
}

// writeTable prints the verdict table and returns the exit code it implies: usage
// error over violation over unknown over holds.
func writeTable(w io.Writer, rows []tableRow) int {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tMUTANT\tMODEL\tVERDICT\tPROPERTY\tEXECUTIONS\tTIME\tTRACE / NOTE")
	code := ExitHolds
	sawUnknown := false
	for _, r := range rows {
		mut := r.mutant
		if mut == "" {
			mut = "-"
		}
		if r.err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\terror\t-\t-\t-\t%v\n", r.variant, mut, r.model, r.err)
			code = ExitUsage
			continue
		}
		prop, note := "-", ""
		switch {
		case r.violated:
			prop, note = r.prop, r.trace
			if note == "" {
				note = r.message
			}
			if code != ExitUsage {
				code = ExitViolation
			}
		case r.unknown:
			sawUnknown = true
			note = unknownReason(r.result)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.variant, mut, r.model, r.verdict, prop,
			r.result.Executions, r.elapsed.Round(time.Millisecond), note)
	}
	tw.Flush()
	if code == ExitHolds && sawUnknown {
		code = ExitUnknown
	}
	return code
}

func unknownReason(r model.Result) string {
	if r.Reason != model.Exhausted {
		return "stopped: " + r.Reason.String()
	}
	if r.OutOfBound > 0 {
		return fmt.Sprintf("%d executions cut by a loop bound", r.OutOfBound)
	}
	return ""
}
