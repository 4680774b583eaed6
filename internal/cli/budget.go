package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/steercheck/steercheck/model"
)

// DefaultSteps is check's step budget per run under each memory model when
// --max-steps is not given, and the budget of docs/VERDICTS.md's main tables. Steps,
// not time, so that a verdict is the same on every machine. Chosen from the steps the
// runs at the default configuration take (`check --max-steps 0`, measured): the
// largest, single under lkmm, lkmm-alpha and armv8, takes 2,676,390 since its second
// phase's exit cut speculates its gaps maximally (model/exitcut.go; 1,379,358 before,
// when it lost graphs there); then v3.19-seqcount and v4.x under sc, 1,636,119. Four
// million leaves almost half as much again, so that a small change in the explorer
// does not turn a decided run into unknown; a step under lkmm costs a few
// microseconds, so a run cut by it ends in seconds.
func DefaultSteps(modelName string) int64 {
	return 4_000_000
}

// budget is the --max-steps, --max-executions and --timeout flags, named and checked
// the same way on every command that explores.
type budget struct {
	fs       *flagSet
	what     string // what one budget bounds: "per run", "per test"
	maxSteps *int64
	maxExec  *int64
	timeout  *time.Duration
	// defaultSteps gives the step budget under a model when --max-steps is not given.
	defaultSteps func(modelName string) int64
}

// budgetFlags declares the budget flags. stepsDefault says, for the help, what the
// step budget is without --max-steps; defaultSteps computes it.
func budgetFlags(fs *flagSet, what, stepsDefault string, defaultSteps func(string) int64) *budget {
	b := &budget{fs: fs, what: what, defaultSteps: defaultSteps}
	b.maxSteps = fs.count("max-steps", 0, "`N` explorer steps "+what+" (the deterministic budget: the same cut on every machine); "+
		"0: no bound (default: "+stepsDefault+")")
	b.maxExec = fs.count("max-executions", 0, "`N` executions "+what+"; 0 (the default): no bound")
	b.timeout = fs.duration("timeout", 0, "`DURATION` of wall-clock time "+what+", e.g. 90s; 0 (the default): none. "+
		"A run cut by time depends on the machine's speed and load: its unknown is not reproducible")
	return b
}

// steps is the step budget under modelName.
func (b *budget) steps(modelName string) int64 {
	if b.fs.isSet("max-steps") || b.defaultSteps == nil {
		return *b.maxSteps
	}
	return b.defaultSteps(modelName)
}

// options are the exploration options of one run under modelName.
func (b *budget) options(ctx context.Context, modelName string) model.Options {
	return model.Options{MaxSteps: b.steps(modelName), MaxExecutions: *b.maxExec, Timeout: *b.timeout, Context: ctx}
}

// describe names the budget of runs under models, for the summary line:
// "3000000 explorer steps per run under sc and tso, 200000 under lkmm" (litmus: "per
// test").
func (b *budget) describe(models []string) string {
	byBudget := map[int64][]string{}
	for _, m := range models {
		s := b.steps(m)
		if !contains(byBudget[s], m) {
			byBudget[s] = append(byBudget[s], m)
		}
	}
	var amounts []int64
	for s := range byBudget {
		amounts = append(amounts, s)
	}
	sort.Slice(amounts, func(i, j int) bool { return amounts[i] > amounts[j] })
	var parts []string
	for i, s := range amounts {
		amount := "no step bound"
		if s > 0 {
			amount = fmt.Sprintf("%d explorer steps", s)
			if i > 0 {
				amount = fmt.Sprint(s)
			}
		}
		if i == 0 {
			amount += " " + b.what
		}
		if len(amounts) > 1 {
			amount += " under " + andList(byBudget[s])
		}
		parts = append(parts, amount)
	}
	out := strings.Join(parts, ", ")
	if *b.maxExec > 0 {
		out += fmt.Sprintf("; at most %d executions", *b.maxExec)
	}
	if *b.timeout > 0 {
		out += fmt.Sprintf("; a %s timeout (machine-dependent)", *b.timeout)
	}
	return out
}

// andList spells "a", "a and b", "a, b and c".
func andList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
