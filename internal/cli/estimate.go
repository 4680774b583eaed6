package cli

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// runEstimates is check --estimate: for each run, the stratified Knuth estimate of its executions
// and time (model.EstimateExploration) instead of the run itself. It prints a table
// and exits 0, or 2 when a run cannot be built.
func runEstimates(e *env, jobs []*job, cfg steering.Config, workers, paths int, seed int64, symmetry bool) int {
	ests := make([]model.Estimate, len(jobs))
	asked := make([]int, len(jobs))
	errs := make([]error, len(jobs))
	var mu sync.Mutex
	runJobs(e.ctx, jobs, workers, func(i int, j *job) {
		est, n, err := estimateJob(e.ctx, j, cfg, paths, seed, symmetry)
		mu.Lock()
		ests[i], asked[i], errs[i] = est, n, err
		mu.Unlock()
	})
	if e.ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "steercheck check: interrupted")
		return ExitInterrupt
	}
	how := fmt.Sprintf("--paths %d", paths)
	if paths == 0 {
		how = fmt.Sprintf("%d paths (%d for a run estimated above %d executions, %d above %d)", EstimatePaths, LargeTreePaths, int(LargeTree), HugeTreePaths, int(HugeTree))
	}
	fmt.Fprintf(e.stdout, "configuration: %s\nestimates with %s, seed %d: the top of each run's tree counted exactly, random paths below it; executions ± standard error, and time\n\n", cfg, how, seed)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tMUTANT\tMODEL\tEST. EXECUTIONS\t± S.E.\tEST. TIME\tPATHS\tSAMPLING TIME")
	code := ExitHolds
	for i, j := range jobs {
		mut := j.mutant
		if mut == "" {
			mut = "-"
		}
		if errs[i] != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\terror\t-\t-\t-\t-\n", j.variant, mut, j.model)
			code = ExitUsage
			continue
		}
		est := ests[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", j.variant, mut, j.model, roundCount(est.Executions), roundCount(est.ExecutionsErr),
			roundSeconds(est.Seconds), est.Paths, est.Elapsed.Round(time.Millisecond))
	}
	tw.Flush()
	for i, j := range jobs {
		if errs[i] == nil && Unreliable(ests[i]) {
			fmt.Fprintf(e.stdout, "\n%s under %s: the standard error is more than half the estimate, which may then be off by more than 2× (a few large subtrees that most paths miss). More paths narrow it only when they let the exactly counted top of the tree go a level deeper: try --paths %d or more.\n",
				runName(j.variant, j.mutant), j.model, 4*asked[i])
		}
		if errs[i] == nil && ests[i].SecondPhase != model.Exhausted {
			fmt.Fprintf(e.stdout, "\n%s under %s: the second phase (executions with a po∪rf cycle) was not estimated: %s. The estimate counts the first phase only, and the run will end unknown for the same reason unless its first phase finds a violation.\n",
				runName(j.variant, j.mutant), j.model, ests[i].SecondPhase)
		}
	}
	fmt.Fprintln(e.stdout, "\nAn estimate, not a verdict: the tree is sampled, not explored. A run that stops at its first violation ends sooner.")
	return code
}

// Unreliable reports whether an estimate's standard error exceeds half of it. Measured
// at four CPUs (docs/PERFORMANCE.md, "Estimates"): the one estimate that was off by more
// than 2× (v4.x without --symmetry, 3.4 times the count it was compared with) had a
// standard error of 83% of it.
func Unreliable(est model.Estimate) bool { return est.ExecutionsErr > est.Executions/2 }

// roundCount prints an estimate with three significant digits and a unit (k, M, G,
// T) instead of an exponent: 49.6, 1.95k, 16.3M. The value is rounded first, so that
// 999,999 is 1M, not 1e+03k.
func roundCount(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	for _, u := range countUnits {
		if math.Abs(r) >= u.size {
			return strconv.FormatFloat(r/u.size, 'g', 3, 64) + u.suffix
		}
	}
	return strconv.FormatFloat(r, 'g', 3, 64)
}

var countUnits = []struct {
	size   float64
	suffix string
}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}

// roundSeconds prints an estimated duration coarsely.
func roundSeconds(s float64) string {
	if s > 1e6 {
		return fmt.Sprintf("%.2g days", s/86400)
	}
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Millisecond).String()
}

// estimateJob builds job j's run and estimates it (model.EstimateExploration) with
// paths random paths, or, when paths is 0, with the default paths
// (EstimateWithDefaultPaths). It also returns the paths it asked for last.
func estimateJob(ctx context.Context, j *job, cfg steering.Config, paths int, seed int64, symmetry bool) (model.Estimate, int, error) {
	sc, err := steering.Build(j.variant, j.mutant, cfg)
	if err != nil {
		return model.Estimate{}, 0, err
	}
	m, err := barriers.New(j.model)
	if err != nil {
		return model.Estimate{}, 0, err
	}
	opts := model.Options{Context: ctx, Symmetry: symmetry}
	if paths > 0 {
		return sampleTree(sc.Program, m, opts, paths, seed), paths, nil
	}
	est, asked := estimateWithDefaultPaths(sc.Program, m, opts, seed)
	return est, asked, nil
}

// EstimateWithDefaultPaths is check --estimate's estimate of p's exploration under m
// with the default paths: EstimatePaths; then LargeTreePaths when that estimate
// exceeds LargeTree executions or is Unreliable; then HugeTreePaths when the second
// exceeds HugeTree or is Unreliable.
func EstimateWithDefaultPaths(p *model.Program, m model.Consistency, opts model.Options, seed int64) model.Estimate {
	est, _ := estimateWithDefaultPaths(p, m, opts, seed)
	return est
}

func estimateWithDefaultPaths(p *model.Program, m model.Consistency, opts model.Options, seed int64) (model.Estimate, int) {
	var est model.Estimate
	asked := 0
	var waited time.Duration // what the user waited for: every stage
	for i, stage := range defaultPathStages {
		if i > 0 && est.Executions <= stage.above && !Unreliable(est) {
			break
		}
		if i > 0 && opts.Context != nil && opts.Context.Err() != nil {
			break
		}
		est, asked = sampleTree(p, m, opts, stage.paths, seed), stage.paths
		waited += est.Elapsed
		est.Elapsed = waited
	}
	return est, asked
}

// sampleTree is model.EstimateExploration; tests replace it.
var sampleTree = model.EstimateExploration

// defaultPathStages are EstimateWithDefaultPaths' stages: each samples its paths when
// the previous stage's estimate is above its threshold or Unreliable.
var defaultPathStages = []struct {
	paths int
	above float64
}{{EstimatePaths, 0}, {LargeTreePaths, LargeTree}, {HugeTreePaths, HugeTree}}

// EstimatePaths, LargeTree and LargeTreePaths, HugeTree and HugeTreePaths are check
// --estimate's default (--paths 0), and its progress line's: 10,000 paths, 40,000 when
// that first estimate is of more than a million executions, and 160,000 when the
// second is of more than ten million (or when a stage's estimate is Unreliable).
// Measured against the counts (docs/PERFORMANCE.md, "Estimates"; bench's
// BenchmarkEstimate): with 1000 paths the estimates of the steering variants at 4 CPUs
// were 2.7 to 6.6 times too small, because a few heavy subtrees, missed by nearly every
// path, hold most executions. With 10,000 the top of the tree is counted down to a
// deeper level and every estimate of seeds 1 to 3 came within 2× of the count but the
// seqcount variants' (v4.x: 0.31 to 1.46 of 8.45 million executions with --symmetry),
// which 40,000 paths brought within 2× (0.59 to 0.95), for 34 to 48 s of sampling,
// against half an hour for the run. Without --symmetry v4.x's estimates with 40,000
// paths were 0.50 to 3.4 of its count (seeds 1 to 5), and 0.59 to 1.08 with 160,000
// (about 3 minutes of sampling on a free core, for a run of about an hour on two).
// At three CPUs with two targets (v3.10, requests 0:0,0:1,1:0,1:1,2:0,2:1, --symmetry)
// the default's estimates of seeds 1 to 3 (16.3M, 22.3M, 15.8M) were 1.8 to 2.5 times
// below the 39.2 million executions an interrupted run had already explored, with
// standard errors of 13% to 35%: Unreliable does not flag every estimate that is off.
const (
	EstimatePaths  = 10_000
	LargeTree      = 1e6
	LargeTreePaths = 40_000
	HugeTree       = 1e7
	HugeTreePaths  = 160_000
)

// estimateRun estimates job j's executions for check's progress (the default paths,
// seed 1; a shard's share of them), or returns -1.
func estimateRun(ctx context.Context, j *job, cfg steering.Config, shard model.Shard, symmetry bool) float64 {
	est, _, err := estimateJob(ctx, j, cfg, 0, 1, symmetry)
	if err != nil {
		return -1
	}
	if shard.Count > 1 {
		return est.Executions / float64(shard.Count)
	}
	return est.Executions
}
