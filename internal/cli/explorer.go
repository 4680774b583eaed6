package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// explorer.go: --explorer, the choice between the two explorers model has for the
// executions whose po ∪ rf has a cycle (load buffering), on check and litmus.
//
// The default, two-phase, is model.Explore as every document was generated with: the
// graphs without a cycle first, then the speculation phase and its rules. hmc is
// model.ExploreHMC, which builds the cycles directly (docs/DESIGN.md, "Building po∪rf
// cycles directly"). It is there so that a reviewer can decide a verdict a second,
// independent way: the two share the interpreter and the memory models, not the
// construction, and the tests hold them to the same graphs. It is slower, keeps every
// partial graph it expanded (memory grows with the steps), runs in one goroutine and
// has no symmetry reduction, so the flags that split or reduce a run are refused
// with it rather than ignored.

const (
	explorerTwoPhase = "two-phase"
	explorerHMC      = "hmc"
)

// HMCSteps is the step budget per run (or litmus test) under --explorer hmc when
// --max-steps is not given. HMC keeps every partial graph it expanded: v2-2012 at
// check's default configuration under lkmm reached 915 MB resident in 200,000 steps
// (about 4.5 KB a step), so the two-phase explorer's 4,000,000 would need some 18 GB.
// Half a million keeps a run near 2 GB; a run it cuts is unknown, as any other.
const HMCSteps = 500_000

// explorerFlag is --explorer's value: two-phase or hmc.
type explorerFlag struct{ p *string }

func (v *explorerFlag) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *explorerFlag) Set(s string) error {
	switch s = strings.TrimSpace(s); s {
	case explorerTwoPhase, explorerHMC:
		*v.p = s
		return nil
	}
	return errors.New("must be two-phase or hmc")
}

// explorer declares --explorer on fs.
func (fs *flagSet) explorer() *string {
	p := new(string)
	*p = explorerTwoPhase
	fs.Var(&explorerFlag{p: p}, "explorer", "`NAME` of the explorer of executions with po∪rf cycles under lkmm, lkmm-alpha and armv8: "+
		"two-phase (the graphs without a cycle, then speculated reads; what the documents were generated with) or hmc (builds "+
		"the cycles directly, as GenMC's HMC: a second, independent way to reach a verdict; slower, one goroutine, no --symmetry, "+
		"and it keeps every partial graph it expanded, a few KB a step, so its default step budget is "+fmt.Sprint(HMCSteps)+") (default: two-phase)")
	return p
}

// useHMC reports whether --explorer asks for HMC.
func useHMC(explorer *string) bool { return explorer != nil && *explorer == explorerHMC }

// hmcConflict is the error for a check flag that --explorer hmc cannot honour, or
// nil. HMC explores one run in one goroutine and visits every graph, so a split
// (--workers above 1, --shard, --resume), a reduction (--symmetry) or an estimate of
// the two-phase tree (--estimate) would be silently ignored or wrong. A flag given
// its default (--symmetry=false, --estimate=false, --workers 1) asks for nothing HMC
// cannot do, so it is accepted.
func hmcConflict(fs *flagSet, workers int, symmetry, estimate bool) error {
	switch {
	case fs.isSet("workers") && workers > 1:
		return errors.New("--explorer hmc explores each run in one goroutine: --workers must be 1 (use --jobs to run several runs at once)")
	case symmetry:
		return errors.New("--explorer hmc has no symmetry reduction: it visits every execution; drop --symmetry")
	case fs.isSet("shard"):
		return errors.New("--explorer hmc does not split a run: --shard applies to the two-phase explorer")
	case fs.isSet("resume"):
		return errors.New("--explorer hmc does not split a run into pieces: --resume applies to the two-phase explorer")
	case estimate:
		return errors.New("--estimate estimates the two-phase explorer's tree, not hmc's: drop --explorer hmc")
	}
	return nil
}

// hmcNote ends the output of a check or litmus run with --explorer hmc.
const hmcNote = "--explorer hmc: executions with po∪rf cycles were built directly (model.ExploreHMC), not by the two-phase explorer."

// hmcBudget makes HMCSteps b's default step budget when explorer is hmc.
func hmcBudget(b *budget, explorer *string) {
	if useHMC(explorer) {
		b.defaultSteps = func(string) int64 { return HMCSteps }
	}
}

// withExplorer sets o to explore with the explorer named. Under HMC one worker:
// properties would otherwise split the run into pieces (--symmetry is refused before,
// hmcConflict).
func withExplorer(o model.Options, explorer *string) model.Options {
	if useHMC(explorer) {
		o.HMC, o.Workers = true, 1
	}
	return o
}
