package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/traces"
)

// Hotplug variants (hotplug.Variants(): managed-4.11, blkmq-4.17, drain-5.8,
// nonmanaged and their "+mutant" forms) are checked by check too: --variant picks
// them, the flags below describe the machine, and --queues and --requests (spelled
// "cpu[:target],...", e.g. "1,2") are shared with the steering configuration.
// Unlike steering variants, --model defaults to sc: the hotplug programs model the
// irq core's state, not its barriers (see the hotplug package documentation).

// steeringOnlyFlags are the configuration flags that mean nothing to hotplug.
var steeringOnlyFlags = []string{"cpus", "targets", "ring-size", "kick-failure", "resume"}

// hotplugOnlyFlags are the flags that mean nothing to steering variants.
var hotplugOnlyFlags = []string{"topology", "spread", "hotplug", "unreachable", "reachable-aware", "xen", "race",
	"vector-cap", "vector-base"}

// hotplugFlags declares the hotplug configuration flags on fs; the returned
// function, called after parsing, builds the configuration from hotplug.DefaultConfig
// (the 2018 layout) and the flags that were set.
func hotplugFlags(fs *flagSet) func() (hotplug.Config, error) {
	topology := fs.text("topology", "", "hotplug variants: affinity `TOPOLOGY` (default: \""+hotplug.Topology2018+"\", the 2018 box of b5b6e8c8d3b4)")
	spread := fs.text("spread", "", "hotplug variants: affinity spreading of the queue masks, `ALGORITHM` 4.16, 4.17 or current (default: 4.16)")
	steps := fs.text("hotplug", "", "hotplug variants: hotplug `STEPS` in order, e.g. \"-1,+1\" (offline CPU 1, then online; default: none)")
	unreachable := fs.text("unreachable", "", "hotplug variants: comma-separated `CPUS` no interrupt can reach (default: none)")
	aware := fs.Bool("reachable-aware", false, "hotplug variants: interrupt startup skips unreachable CPUs")
	xen := fs.Bool("xen", false, "hotplug variants: binding an event channel delivers a spurious event on vCPU0")
	race := fs.Bool("race", false, "hotplug variants: an interrupt raised during an affinity change is handled on the old CPU")
	vcap := fs.intRange("vector-cap", 0, 0, 1024, "hotplug variants: `N` interrupt vectors per CPU; 0 (the default): no limit")
	vbase := fs.intRange("vector-base", 0, 0, 1024, "hotplug variants: `N` vectors each CPU already uses (default: 0)")
	return func() (hotplug.Config, error) {
		cfg := hotplug.DefaultConfig()
		if *topology != "" {
			cfg.Topology = *topology
		}
		if *spread != "" {
			cfg.Spread = *spread
		}
		if fs.isSet("queues") {
			n, err := strconv.Atoi(fs.Lookup("queues").Value.String())
			if err != nil {
				return cfg, fmt.Errorf("--queues: %v", err)
			}
			cfg.Queues = n
		}
		if fs.isSet("requests") {
			rs, err := hotplug.ParseRequests(fs.Lookup("requests").Value.String())
			if err != nil {
				return cfg, fmt.Errorf("--requests: %v", err)
			}
			cfg.Requests = rs
		}
		var err error
		if cfg.Hotplug, err = hotplug.ParseSteps(*steps); err != nil {
			return cfg, fmt.Errorf("--hotplug: %v", err)
		}
		if *unreachable != "" {
			for _, f := range strings.Split(*unreachable, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil {
					return cfg, fmt.Errorf("--unreachable: %q is not a CPU number", f)
				}
				cfg.Unreachable = append(cfg.Unreachable, n)
			}
		}
		cfg.ReachableAware, cfg.Xen, cfg.AffinityRace = *aware, *xen, *race
		cfg.VectorCap, cfg.VectorBase = *vcap, *vbase
		return cfg, nil
	}
}

// isHotplugVariant says whether --variant names a hotplug variant (or
// "variant+mutant").
func isHotplugVariant(v string) bool {
	base, _, _ := strings.Cut(v, "+")
	for _, n := range hotplug.Variants() {
		if n == base {
			return true
		}
	}
	return false
}

type hjob struct {
	name, variant, mutant, model string
	sc                           *hotplug.Scenario
	report                       hotplug.Report
	err                          error
	trace                        string
	elapsed                      time.Duration
	started                      bool
}

// runHotplugCheck is check for a hotplug variant (variant, or variant+mutant).
func runHotplugCheck(fs *flagSet, f *checkFlags, variant string, e *env) int {
	for _, name := range steeringOnlyFlags {
		if fs.isSet(name) {
			return e.fail("--%s does not apply to hotplug variant %s (see --topology, --queues, --requests, --hotplug)", name, variant)
		}
	}
	cfg, err := f.hconfig()
	if err != nil {
		return e.fail("%v", err)
	}
	var only []string
	if *f.only != "" {
		for _, p := range strings.Split(*f.only, ",") {
			id, ok := hotplugProperty(p)
			if !ok {
				return e.fail("--property: %q is not a hotplug property (P6-P10)", p)
			}
			only = append(only, id)
		}
	}
	base, mut, _ := strings.Cut(variant, "+")
	if *f.mutant != "" {
		if mut != "" {
			return e.fail("--mutant given twice: in --variant %s and --mutant %s", variant, *f.mutant)
		}
		mut = *f.mutant
	}
	var muts []string
	if mut == "all" {
		for _, n := range hotplug.Variants() {
			if b, m, ok := strings.Cut(n, "+"); ok && b == base {
				muts = append(muts, m)
			}
		}
		if len(muts) == 0 {
			return e.fail("nothing to check: variant %s has no mutants", base)
		}
	} else {
		muts = []string{mut}
	}
	models := []string{"sc"}
	if fs.isSet("model") {
		if models, err = modelList(*f.model); err != nil {
			return e.fail("%v", err)
		}
	}
	var jobs []*hjob
	for _, mu := range muts {
		name := base
		if mu != "" {
			name += "+" + mu
		}
		sc, err := hotplug.Build(name, cfg)
		if err != nil {
			return e.fail("%v", err)
		}
		fmt.Fprint(e.stdout, hotplug.Describe(sc))
		fmt.Fprintln(e.stdout, hotplugWorkload(cfg))
		for _, m := range models {
			jobs = append(jobs, &hjob{name: name, variant: base, mutant: mu, model: m, sc: sc})
		}
	}
	save := saveOptions{minimize: !*f.noMin, keepOriginal: *f.keepOrig}
	prog := newProgress(e.stderr, len(jobs), *f.quiet)
	for i, j := range jobs {
		if e.ctx.Err() != nil {
			break
		}
		j.started = true
		o := withExplorer(f.budget.options(e.ctx, j.model), f.explorer)
		o.Progress = prog.callback(i, j.variant, j.mutant, j.model)
		runHotplugJob(e.ctx, j, o, only, *f.dir, save)
		prog.jobDone(i)
	}
	prog.finish()
	var rows []tableRow
	for _, j := range jobs {
		if !j.started {
			continue
		}
		if j.err == nil {
			fmt.Fprintf(e.stdout, "\n%s under %s:\n%s", j.name, j.model, hotplug.FormatReport(j.report))
		}
		rows = append(rows, hotplugRow(j))
	}
	fmt.Fprintln(e.stdout)
	return finishCheck(e, f, rows, hotplugWorkload(cfg), models, len(jobs), model.Shard{})
}

// hotplugWorkload spells the requests and hotplug steps of a configuration.
func hotplugWorkload(cfg hotplug.Config) string {
	var reqs []string
	for i, r := range cfg.Requests {
		s := fmt.Sprintf("r%d from CPU %d", i, r.CPU)
		if r.Target != 0 {
			s += fmt.Sprintf(" to target %d", r.Target)
		}
		reqs = append(reqs, s)
	}
	rs, hs := strings.Join(reqs, ", "), traces.FormatHotplugSteps(cfg.Hotplug)
	if rs == "" {
		rs = "none"
	}
	if hs == "" {
		hs = "none"
	}
	return fmt.Sprintf("  requests: %s; hotplug: %s", rs, hs)
}

// hotplugProperty resolves a property ID or name among P6–P10.
func hotplugProperty(s string) (string, bool) {
	for _, p := range hotplug.Properties() {
		if strings.EqualFold(s, p.ID) || s == p.Name {
			return p.ID, true
		}
	}
	return "", false
}

// verifyHotplug is hotplug.Verify restricted to the properties in only (all when
// empty); the report's Graph is the execution of its Violation.
func verifyHotplug(sc *hotplug.Scenario, m model.Consistency, opts model.Options, only []string) hotplug.Report {
	var rep hotplug.Report
	for _, p := range hotplug.Properties() {
		if len(only) == 0 || contains(only, p.ID) {
			rep.Properties = append(rep.Properties, hotplug.PropertyVerdict{Property: p})
		}
	}
	rep.Result = model.Explore(sc.Program, m, opts, func(g *model.ExecutionGraph) bool {
		for _, v := range hotplug.Check(sc, g) {
			for i := range rep.Properties {
				pv := &rep.Properties[i]
				if pv.Property.ID == v.Property.ID && pv.Violation == nil {
					v := v
					pv.Violation = &v
					if rep.Violation == nil {
						rep.Violation, rep.Graph = &v, g.Clone()
					}
				}
			}
		}
		return true
	})
	complete := rep.Result.Complete()
	rep.Verdict = hotplug.Holds
	if !complete {
		rep.Verdict = hotplug.Unknown
	}
	for i := range rep.Properties {
		pv := &rep.Properties[i]
		switch {
		case pv.Violation != nil:
			pv.Verdict, rep.Verdict = hotplug.Violated, hotplug.Violated
		case complete:
			pv.Verdict = hotplug.Holds
		default:
			pv.Verdict = hotplug.Unknown
		}
	}
	return rep
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func runHotplugJob(ctx context.Context, j *hjob, opts model.Options, only []string, dir string, save saveOptions) {
	start := time.Now()
	defer func() { j.elapsed = time.Since(start) }()
	m, err := barriers.New(j.model)
	if err != nil {
		j.err = err
		return
	}
	j.report = verifyHotplug(j.sc, m, opts, only)
	if j.report.Verdict != hotplug.Violated || dir == "" {
		return
	}
	v := j.report.Violation
	tr := traces.FromHotplug(traces.HotplugHeader{Variant: j.variant, Mutant: j.mutant, Config: j.sc.Config,
		Model: j.model, Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, j.report.Graph)
	path := TracePath(dir, j.variant, j.mutant, j.model, properties.Property{ID: v.Property.ID, Name: v.Property.Name})
	header := func(r *traces.Replayed) string { return hotplugHeader(r.Hotplug) + "\n" }
	if err := saveTrace(ctx, tr, path, save, header); err != nil {
		j.err = err
		return
	}
	j.trace = path
}

// hotplugHeader describes a hotplug scenario and its workload.
func hotplugHeader(sc *hotplug.Scenario) string {
	return hotplug.Describe(sc) + hotplugWorkload(sc.Config) + "\n"
}

// hotplugRow is a hotplug run's row in check's table.
func hotplugRow(j *hjob) tableRow {
	r := tableRow{variant: j.variant, mutant: j.mutant, model: j.model, err: j.err, trace: j.trace, elapsed: j.elapsed}
	if j.err != nil {
		return r
	}
	var p hotplug.Property
	var msg string
	if v := j.report.Violation; v != nil {
		p, msg = v.Property, v.Message
	}
	r.setOutcome(j.report.Verdict.String(), j.report.Result, p.ID, p.Name, msg)
	return r
}
