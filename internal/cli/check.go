package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
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

var checkCommand = command{
	name:    "check",
	summary: "explore variants under memory models and check the properties",
	help: "Explores every execution of each selected variant (or mutant) under each selected memory model and checks " +
		"the properties (steering variants: P1-P6 and P11; hotplug variants: P6-P10; see 'steercheck list'). Prints one row per run — holds, violated (with the property " +
		"and the path of the saved, minimized, replayable trace) or unknown (the budget ran out first: not a pass) — " +
		"and a summary line naming the budget. Without flags: every steering variant under every model at the default " +
		"configuration (3 CPUs, 1 target, 2 queues, one request per CPU).\n\n" +
		"Budgets are counted in explorer steps, so a verdict is the same on every machine; a wall-clock --timeout is " +
		"used only when given. Progress goes to stderr every few seconds, with the time left once a run of more than 10 s has an estimate of its size (--quiet silences it). On SIGINT or SIGTERM " +
		"the runs stop, the finished ones are printed with the running ones as unknown (interrupted), traces already " +
		"found are saved, and check exits 130.\n\n" +
		"--expect compares each verdict with the expected one (the reviewed verdicts of the default configuration, " +
		"docs/VERDICTS.md): `make run` uses it.",
	exits: `0    every run holds (--expect: every verdict is the expected one)
1    some run is violated (--expect: some verdict differs from the expected one)
2    bad usage: a flag, a variant, a mutant, a model or a configuration
3    no violation, but some run is unknown (--expect: unknown where a decision was expected)
130  interrupted by SIGINT or SIGTERM
`,
	setup: setupCheck,
}

type job struct {
	variant, mutant, model string
	report                 properties.Report
	err                    error
	trace                  string
	elapsed                time.Duration
	started                bool
}

// checkFlags are check's flags.
type checkFlags struct {
	variant, mutant, model, only, dir, jsonOut *string
	resume                                     *string
	shard                                      *string
	estimate                                   *bool
	paths                                      *int
	seed                                       *int64
	jobs, workers                              *int
	noMin, keepOrig, expect, quiet, symmetry   *bool
	explorer                                   *string
	config                                     func() (steering.Config, error)
	hconfig                                    func() (hotplug.Config, error)
	budget                                     *budget
}

func setupCheck(fs *flagSet, e *env) func([]string) int {
	fs.section("What to check")
	f := &checkFlags{
		variant: fs.text("variant", "all", "`NAME` of the variant to check, or all (the steering variants; default: all). A hotplug variant "+
			"(managed-4.11, blkmq-4.17, drain-5.8, nonmanaged, and VARIANT+MUTANT) checks P6-P10"),
		mutant: fs.text("mutant", "", "`NAME` of a mutant to apply (see 'steercheck list'); alone it selects the mutant's variant. "+
			"all: every mutant of the selected variants (default: none, the variants as written)"),
		model: fs.text("model", "all", "memory `MODEL`, a comma-separated list, or all (default: all; hotplug variants: sc)"),
	}
	f.symmetry = fs.Bool("symmetry", false, "explore one execution of each family that differs only by a permutation of interchangeable "+
		"submitters (CPUs with the same targets and queue; any CPUs under single): the executions then count one per family, the "+
		"verdicts are the same, and a violation found may be another member of its family (default: off, every execution)")
	f.only = fs.text("property", "", "comma-separated property `IDS` or names to check (default: all; see 'steercheck list')")
	fs.section("Configuration (steering variants; --queues and --requests serve hotplug variants too)")
	f.config = configFlags(fs)
	fs.section("Hotplug configuration (hotplug variants only)")
	f.hconfig = hotplugFlags(fs)
	fs.section("Budget (per run)")
	f.budget = budgetFlags(fs, "per run", fmt.Sprintf("%d under every model", DefaultSteps("sc")), DefaultSteps)
	fs.section("Output and execution")
	f.dir = fs.String("traces", DefaultTraceDir, "`DIR` to save a trace per violation in; empty: do not save")
	f.jobs = fs.intRange("jobs", runtime.GOMAXPROCS(0), 1, 1024, "`N` runs to do in parallel (default: the number of CPUs Go may use; the verdicts do not depend on it)")
	f.workers = fs.intRange("workers", 0, 1, 1024, "`N` goroutines exploring each run (steering variants): the run's tree is split into pieces they share; "+
		"the executions, verdicts and traces do not depend on it (default: the CPUs Go may use, shared among the runs --jobs runs at once; with --shard, 1)")
	f.explorer = fs.explorer()
	f.noMin = fs.Bool("no-minimize", false, "save the violating execution as found, without minimizing it")
	f.keepOrig = fs.Bool("keep-original", false, "also save the execution as found, beside the minimized trace (.orig.json)")
	f.expect = fs.Bool("expect", false, "compare every verdict with the expected one (steering variants and mutants at the default configuration); the exit code then says whether they all match")
	f.quiet = fs.Bool("quiet", false, "print no progress on stderr")
	f.jsonOut = fs.text("json", "", "also write a machine-readable report (docs/REPORT.md) to `FILE`")
	f.shard = fs.text("shard", "", "explore only shard `I/N` of each run (0 <= I < N), a deterministic 1/N of its executions; "+
		"'steercheck merge' combines the N --json reports into the whole run's verdicts (default: the whole run)")
	f.resume = fs.text("resume", "", "record in `FILE` each piece of a run that finishes, and skip the pieces FILE already records: a check "+
		"stopped part-way (Ctrl-C, a killed job) and run again with the same FILE takes up where it stopped, with the counts, verdicts and "+
		"traces of an uninterrupted check. FILE is refused by a check of another build, configuration, property list or --symmetry; the "+
		"budget may differ (default: none)")
	f.estimate = fs.Bool("estimate", false, "do not check: estimate each run's executions and time: the top of its exploration tree counted exactly, random paths below (Knuth's estimator, stratified), with the standard error; a note when that error exceeds half the estimate")
	f.paths = fs.intRange("paths", 0, 0, 1_000_000, fmt.Sprintf("`N` for --estimate: the top of the tree is counted down to about 4N nodes, and at least two random paths start from each; 0: %d paths, %d when that estimate exceeds %d executions, and %d when the second exceeds %d (or when an estimate's standard error is above half of it) (default: 0)", EstimatePaths, LargeTreePaths, int(LargeTree), HugeTreePaths, int(HugeTree)))
	f.seed = fs.count("seed", 1, "`SEED` of --estimate's random paths: the same seed, the same estimate (default: 1)")
	return func(pos []string) int {
		if len(pos) > 0 {
			return e.fail("check takes no arguments (got %q; run 'steercheck check --help')", pos[0])
		}
		return runCheck(fs, f, e)
	}
}

func runCheck(fs *flagSet, f *checkFlags, e *env) int {
	variant, err := resolveVariant(fs, *f.variant, *f.mutant)
	if err != nil {
		return e.fail("%v", err)
	}
	if useHMC(f.explorer) {
		if err := hmcConflict(fs, *f.workers, *f.symmetry, *f.estimate); err != nil {
			return e.fail("%v", err)
		}
		hmcBudget(f.budget, f.explorer)
	}
	if isHotplugVariant(variant) {
		if *f.expect {
			return e.fail("--expect covers the steering variants and mutants at the default configuration, not hotplug variant %s", variant)
		}
		if fs.isSet("shard") {
			return e.fail("--shard splits the runs of steering variants, not of hotplug variant %s", variant)
		}
		return runHotplugCheck(fs, f, variant, e)
	}
	for _, name := range hotplugOnlyFlags {
		if fs.isSet(name) {
			return e.fail("--%s applies to hotplug variants only (%s)", name, strings.Join(hotplug.Variants(), ", "))
		}
	}
	if *f.expect {
		if err := expectable(fs); err != nil {
			return e.fail("%v", err)
		}
	}
	var shard model.Shard
	if fs.isSet("shard") {
		if shard, err = model.ParseShard(*f.shard); err != nil {
			return e.fail("--%v", err)
		}
		if *f.expect {
			return e.fail("--expect judges whole runs; a shard's verdicts are partial (merge the shards' reports first)")
		}
		if fs.isSet("workers") && *f.workers > 1 {
			return e.fail("--workers splits a whole run; a shard (--shard %s) runs in one goroutine: run more shards instead", *f.shard)
		}
		if fs.isSet("resume") {
			return e.fail("--resume takes up a whole run; a shard (--shard %s) is resumed by running it again", *f.shard)
		}
	}
	cfg, err := f.config()
	if err != nil {
		return e.fail("%v", err)
	}
	onlyProps, err := propertyList(*f.only)
	if err != nil {
		return e.fail("%v", err)
	}
	models, err := modelList(*f.model)
	if err != nil {
		return e.fail("%v", err)
	}
	jobs, err := planJobs(variant, *f.mutant, models)
	if err != nil {
		return e.fail("%v", err)
	}
	// Fail on a bad configuration for any variant before starting the runs.
	for _, j := range jobs {
		if _, err := steering.Build(j.variant, j.mutant, cfg); err != nil {
			return e.fail("%v", err)
		}
	}
	if *f.estimate {
		if *f.expect || shard.Count > 1 || fs.isSet("resume") {
			return e.fail("--estimate runs no check: it cannot be combined with --expect, --shard or --resume")
		}
		return runEstimates(e, jobs, cfg, *f.jobs, *f.paths, *f.seed, *f.symmetry)
	}
	var resume *resumeFile
	if fs.isSet("resume") {
		if *f.resume == "" {
			return e.fail("--resume: empty file name")
		}
		if resume, err = openResumeFile(*f.resume, resumeHeader{Format: ResumeFormat, Build: buildID(), Configuration: cfg.String(),
			Properties: propertyIDs(onlyProps), Symmetry: *f.symmetry}); err != nil {
			return e.fail("%v", err)
		}
	}
	save := saveOptions{minimize: !*f.noMin, keepOriginal: *f.keepOrig}
	prog := newProgress(e.stderr, len(jobs), *f.quiet)
	if resume != nil {
		prog.setResumed(resume.counts)
	}
	workers := *f.workers
	if !fs.isSet("workers") {
		workers = defaultWorkers(*f.jobs, len(jobs), shard)
	}
	runJobs(e.ctx, jobs, *f.jobs, func(i int, j *job) {
		o := f.budget.options(e.ctx, j.model)
		o.Shard, o.Workers, o.TrialSteps, o.Symmetry = shard, workers, trialSteps, *f.symmetry
		o = withExplorer(o, f.explorer)
		o.Progress = prog.callback(i, j.variant, j.mutant, j.model)
		if resume != nil {
			o.Resume = resume.forRun(j.variant, j.mutant, j.model)
		}
		if !o.HMC { // the estimate is of the two-phase explorer's tree
			prog.estimateWith(i, func() float64 { return estimateRun(e.ctx, j, cfg, shard, *f.symmetry) })
		}
		runJob(e.ctx, j, cfg, o, onlyProps, *f.dir, save)
		prog.jobDone(i)
	})
	prog.finish()
	rows := steeringRows(jobs)
	fmt.Fprintf(e.stdout, "configuration: %s\n", cfg)
	if shard.Count > 1 {
		fmt.Fprintf(e.stdout, "shard: %s (partial counts and verdicts: 'steercheck merge' the reports of every shard)\n", shard)
	}
	fmt.Fprintln(e.stdout)
	code := finishCheck(e, f, rows, cfg.String(), models, len(jobs), shard)
	if resume != nil {
		note, err := resume.close()
		if e.ctx.Err() != nil {
			note += " Run the same check again to take up where it stopped."
		}
		fmt.Fprintln(e.stdout, note)
		if err != nil {
			fmt.Fprintf(e.stderr, "steercheck check: %v\n", oneLine(err.Error()))
		}
	}
	return code
}

// propertyIDs is the property selection of --property as a resume file records it:
// the IDs, sorted ("" for all).
func propertyIDs(only []string) string {
	var ids []string
	for _, s := range only {
		if p, ok := properties.Lookup(s); ok && !contains(ids, p.ID) {
			ids = append(ids, p.ID)
		}
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// symmetryNote ends the output of a check --symmetry, and of the merge of its shards.
const symmetryNote = "--symmetry: executions are counted one per family of executions that differ only by a permutation of interchangeable submitters."

// finishCheck prints the table and the summary, compares with the expectations when
// asked, writes the JSON report when asked, and returns check's exit code.
func finishCheck(e *env, f *checkFlags, rows []tableRow, config string, models []string, planned int, shard model.Shard) int {
	interrupted := e.ctx.Err() != nil
	code := writeTable(e.stdout, rows)
	sum := summarize(rows, planned)
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, sum.line(f.budget.describe(models)))
	if f.symmetry != nil && *f.symmetry {
		fmt.Fprintln(e.stdout, symmetryNote)
	}
	if useHMC(f.explorer) {
		fmt.Fprintln(e.stdout, hmcNote)
	}
	if *f.expect && !interrupted {
		code = compareExpected(e.stdout, rows)
	}
	if interrupted {
		code = ExitInterrupt
	}
	if *f.jsonOut != "" {
		rep := newCheckReport(e.argv, config, f.budget.describe(models), rows, sum, code)
		if shard.Count > 1 {
			rep.Shard = shard.String()
		}
		rep.Symmetry = f.symmetry != nil && *f.symmetry
		if useHMC(f.explorer) {
			rep.Explorer = explorerHMC
		}
		if err := writeJSON(*f.jsonOut, rep); err != nil {
			fmt.Fprintf(e.stderr, "steercheck: writing the report: %v\n", err)
			if code == ExitHolds {
				code = ExitUsage
			}
		}
	}
	return code
}

// resolveVariant is the variant to check: --variant, or the variant --mutant applies
// to when --variant is not given and the mutant names one variant.
func resolveVariant(fs *flagSet, variant, mutant string) (string, error) {
	if fs.isSet("variant") || mutant == "" || mutant == "all" {
		return variant, nil
	}
	for _, m := range steering.Mutants() {
		if m.Name == mutant {
			return m.Variant, nil
		}
	}
	var hot []string
	for _, v := range hotplug.Variants() {
		if base, mu, ok := strings.Cut(v, "+"); ok && mu == mutant {
			hot = append(hot, base)
		}
	}
	switch len(hot) {
	case 0:
		return "", fmt.Errorf("--mutant: unknown mutant %q (see 'steercheck list')", mutant)
	case 1:
		return hot[0], nil
	}
	return "", fmt.Errorf("--mutant %s applies to several hotplug variants (%s): choose one with --variant", mutant, strings.Join(hot, ", "))
}

// trialSteps is model.Options.TrialSteps for check's runs: 0, the default trial; tests
// set -1 so that --workers splits even the small runs they can afford.
var trialSteps int64

// defaultWorkers is --workers' default: the CPUs Go may use, shared among the runs
// that run at once (jobs of them, at most runs); one for a shard, which splits the run
// its own way.
func defaultWorkers(jobs, runs int, shard model.Shard) int {
	if shard.Count > 1 {
		return 1
	}
	if runs < jobs {
		jobs = runs
	}
	if w := runtime.GOMAXPROCS(0) / jobs; w > 1 {
		return w
	}
	return 1
}

// modelList expands --model: all, or a comma-separated list of model names.
func modelList(s string) ([]string, error) {
	if s == "all" {
		return barriers.Names(), nil
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if _, err := barriers.New(n); err != nil {
			return nil, fmt.Errorf("--model: %v", err)
		}
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// propertyList expands --property (empty: all).
func propertyList(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	ps := strings.Split(s, ",")
	for _, p := range ps {
		if !properties.Known(p) {
			return nil, fmt.Errorf("--property: unknown property %q (see 'steercheck list')", p)
		}
	}
	return ps, nil
}

// planJobs expands the variant, mutant and model selections.
func planJobs(variant, mutant string, models []string) ([]*job, error) {
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
// the output order does not depend on scheduling. Once ctx is canceled no job starts.
func runJobs(ctx context.Context, jobs []*job, n int, f func(int, *job)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				jobs[i].started = true
				f(i, jobs[i])
			}
		}()
	}
dispatch:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break dispatch
		}
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

func runJob(ctx context.Context, j *job, cfg steering.Config, opts model.Options, only []string, dir string, save saveOptions) {
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
	if err := saveTrace(ctx, tr, path, save, func(*traces.Replayed) string { return "" }); err != nil {
		j.err = err
		return
	}
	j.trace = path
}

// saveTrace writes tr (minimized unless save says otherwise, or ctx is canceled,
// with the trace as found beside it when asked) to path, and its CPU-column
// rendering to path's .txt, under a line naming the property and what header returns
// for the replayed trace.
func saveTrace(ctx context.Context, tr *traces.Trace, path string, save saveOptions, header func(*traces.Replayed) string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	final := tr
	if save.minimize && ctx.Err() == nil {
		b := minimizeBudget
		b.Context = ctx
		if min, _, err := traces.Minimize(tr, b); err == nil {
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

// steeringRows are the table rows of the steering runs that started.
func steeringRows(jobs []*job) []tableRow {
	var rows []tableRow
	for _, j := range jobs {
		if !j.started {
			continue
		}
		r := tableRow{variant: j.variant, mutant: j.mutant, model: j.model, err: j.err, trace: j.trace, elapsed: j.elapsed}
		if j.err == nil {
			var p properties.Property
			var msg string
			if v := j.report.Violation; v != nil {
				p, msg = v.Property, v.Message
			}
			r.setOutcome(j.report.Verdict.String(), j.report.Result, p.ID, p.Name, msg)
			r.lockOrder = j.report.LockOrder
			if race := j.report.Race; race != nil && r.violated() {
				r.race = race.Message
			}
		}
		rows = append(rows, r)
	}
	return rows
}
