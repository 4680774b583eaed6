package model

import (
	"context"
	"math/rand"
	"time"
)

// Consistency decides whether an execution graph is allowed by a memory model. The
// explorer calls it every time the graph grows, so it must be prefix-closed: a graph
// it rejects never becomes consistent by adding events. barriers.Model implements it.
type Consistency interface {
	Name() string
	Consistent(g *ExecutionGraph) bool
}

// Options bounds an exploration. Zero values mean "no bound".
type Options struct {
	MaxExecutions int64
	// MaxSteps bounds the work (graph steps and candidates tried): unlike Timeout it
	// cuts every run at the same point, so budgeted results are reproducible. The
	// analysis that starts the second phase has its own bound (openPairSteps), even
	// when MaxSteps is 0: a run cut there ends AnalysisBound, not StepBudget.
	MaxSteps int64
	Timeout  time.Duration
	Context  context.Context
	// Progress, if set, is called from time to time with the statistics so far.
	Progress func(Stats)
	// AcyclicOnly, under a model that allows po ∪ rf cycles, visits only the graphs
	// without one (the first phase of Explore). The run then ends with CyclesSkipped
	// instead of Exhausted, unless the model's local order shows within
	// cycleProofSteps that no graph with a cycle is consistent (porfcycle.go).
	AcyclicOnly bool
	// Shard, when its Count is above 1, explores only the Index-th of Count disjoint
	// parts of the exploration (shard.go); the parts' results add up to the whole
	// run's. The zero value explores everything.
	Shard Shard
	// Workers, when above 1, splits the run over that many goroutines. Explore itself
	// runs in one (its model and visitor keep state); ExploreParallel, and callers
	// such as properties.Verify that can give each worker its own, use it. The result
	// does not depend on it.
	Workers int
	// TrialSteps bounds the sequential trial that begins each exploration of a
	// parallel run (parallel.go): 0 means DefaultTrialSteps, a negative value no trial
	// (tests use it to split small runs).
	TrialSteps int64
	// Symmetry skips the graphs that are mirror images of others under the program's
	// declared thread symmetries (Program.Symmetric, symmetry.go): each execution
	// visited then stands for its family, and Stats.Executions counts the families'
	// representatives. Verdicts are the same when what the visitor checks cannot tell
	// interchangeable threads apart.
	Symmetry bool
	// HMC explores with ExploreHMC (hmc.go), sequentially: slower than the two-phase
	// explorer, it decides the checks that one cannot finish (BARRIERS.md's cells).
	HMC bool
	// Resume, for ExploreParallel only, skips the pieces an earlier run of the same
	// exploration finished and reports the ones this run finishes (resume.go).
	Resume *Resume
}

// cycleProofSteps bounds the open-pair analysis (porfcycle.go) that tries to show an
// AcyclicOnly run complete: kept small, since such runs are many (trace minimization,
// barrier requirements) and the proof only upgrades their verdict.
const cycleProofSteps = 200_000

// openPairSteps bounds the open-pair analysis, and the value domains, that begin the
// second phase of Explore. They are not counted in Options.MaxSteps, which bounds the
// graph explorer: their steps cost no model check, and at the default configuration
// they take a few million (about a second and a half). At four CPUs under lkmm they
// take more (v3.17: cut at the bound, with 6.7 GB of thread paths kept), and the run
// ends AnalysisBound. A variable only so that tests can lower it (export_test.go).
var openPairSteps int64 = 20_000_000

// preciseDomainSteps bounds the precise value domains that refine the cheap ones for
// the second phase's speculated reads (speculate.go); past it the cheap ones serve.
const preciseDomainSteps = 2_000_000

// selfTestMutation, set only by tests (export_test.go), breaks the explorer on purpose
// so the tests can show that their properties catch a broken explorer.
var selfTestMutation int

const (
	mutNone       = iota
	mutDropOldest // reads never read from the initial write
	mutNoMaximal  // backward revisits skip the maximality check
	mutNoRevisits // no backward revisits at all
	mutReplayCo   // Replay ignores the recorded coherence order (uses thread order)
)

// Stats counts what an exploration did.
type Stats struct {
	Executions      int64 // complete executions handed to the visitor (blocked ones included)
	Blocked         int64 // of which some thread waits forever: a hang or a deadlock
	OutOfBound      int64 // executions cut because a bounded loop ran out of iterations
	SpuriousBlocked int64 // blocked graphs whose spin-wait would re-read a newer value (dropped)
	Pruned          int64 // partial graphs the memory model rejected
	Revisits        int64 // backward revisits performed
	Mirrored        int64 // graphs skipped as mirror images (Options.Symmetry)
	Elapsed         time.Duration
}

// StopReason says why an exploration ended.
type StopReason uint8

// Reasons.
const (
	Exhausted      StopReason = iota // every execution was visited
	MaxExecutions                    // Options.MaxExecutions reached
	TimedOut                         // Options.Timeout reached
	Canceled                         // Options.Context canceled
	VisitorStopped                   // the visitor returned false
	StepBudget                       // Options.MaxSteps reached
	CyclesSkipped                    // Options.AcyclicOnly: graphs with a po ∪ rf cycle not enumerated
	CutGap                           // the second phase met a read with no maximal choice it could take (exitcut.go; not expected)
	AnalysisBound                    // the second phase's analysis reached its own bound (openPairSteps): graphs with a cycle not enumerated
)

func (r StopReason) String() string {
	return [...]string{"exhausted", "execution budget", "timeout", "canceled", "stopped by visitor", "step budget", "po∪rf cycles not enumerated", "exit cut incomplete", "second phase's analysis bound"}[r]
}

// Result is the outcome of an exploration.
type Result struct {
	Stats
	Reason StopReason
	steps  int64
}

// Complete reports whether every execution was visited and none was cut by a loop
// bound: only then may "no violation" be reported as "holds".
func (r Result) Complete() bool { return r.Reason == Exhausted && r.OutOfBound == 0 }

// Steps is the number of explorer steps the exploration took, both phases: what
// Options.MaxSteps bounds (reports name it so that a cut can be reproduced).
func (r Result) Steps() int64 { return r.steps }

// Explore visits every complete execution graph of p that m allows, each exactly once,
// in a deterministic order. The graph passed to visit is only valid during the call
// (Clone it to keep it); visit returns false to stop the exploration.
//
// Models that allow po ∪ rf cycles (PorfCyclic) are explored in two phases: first the
// graph explorer visits every consistent graph whose po ∪ rf is acyclic (the model must
// be prefix-closed on those), then the remaining ones, those with a po ∪ rf cycle, are
// visited by the graph explorer again with speculated reads (speculate.go; the model
// must be a LocalOrder and monotone in reads-from), or by ExploreCandidates for a
// model without a LocalOrder. Each graph is still visited once; violations that need no
// cycle are found in the fast first phase.
func Explore(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool) Result {
	if opts.HMC {
		return ExploreHMC(p, m, opts, visit)
	}
	return explorePhases(p, m, opts, phaseRunner{
		graphs: func(o Options, spec *speculation) Result { return runGraphExplorer(p, m, o, visit, spec) },
		candidates: func(o Options) Result {
			if !o.Shard.owns0() {
				return Result{} // not split: the first shard runs it
			}
			return exploreCandidates(p, m, o, visit, true)
		},
	})
}

// phaseRunner runs the explorations Explore's phases consist of: the graph explorer
// (with the reads spec names speculated when it is not nil), and the candidate
// enumerator for the second phase of a model without a LocalOrder. Explore runs them
// in this goroutine, ExploreParallel splits them over workers (parallel.go).
type phaseRunner struct {
	graphs     func(o Options, spec *speculation) Result
	candidates func(o Options) Result
}

// explorePhases is Explore with the explorations run by run.
func explorePhases(p *Program, m Consistency, opts Options, run phaseRunner) Result {
	r1 := run.graphs(opts, nil)
	if !allowsPorfCycles(m) || r1.Reason != Exhausted {
		return r1
	}
	if opts.AcyclicOnly {
		r1.Reason = CyclesSkipped
		if lo, ok := m.(LocalOrder); ok {
			if open, res := OpenPairs(p, lo, Options{MaxSteps: cycleProofSteps, Context: opts.Context}); res.Reason == Exhausted && len(open) == 0 {
				r1.Reason = Exhausted
			}
		}
		return r1
	}
	o2 := opts
	if o2.MaxExecutions > 0 {
		o2.MaxExecutions -= r1.Executions
	}
	if o2.MaxSteps > 0 {
		o2.MaxSteps -= r1.steps
		if o2.MaxSteps <= 0 {
			r1.Reason = StepBudget
			return r1
		}
	}
	if o2.Timeout > 0 {
		o2.Timeout -= r1.Elapsed
		if o2.Timeout <= 0 {
			r1.Reason = TimedOut
			return r1
		}
	}
	if opts.Progress != nil {
		// The second phase's explorer counts from zero: report the run's totals, so
		// that a progress line never goes backwards between the phases.
		o2.Progress = func(s Stats) {
			s.add(r1.Stats)
			s.Elapsed += r1.Elapsed
			opts.Progress(s)
		}
	}
	var r2 Result
	if lo, ok := m.(LocalOrder); ok {
		r2 = exploreSpeculated(p, lo, o2, run.graphs)
	} else {
		r2 = run.candidates(o2)
	}
	r2.add(r1)
	return r2
}

// add adds o's counts to r's.
func (r *Result) add(o Result) {
	r.steps += o.steps
	r.Stats.add(o.Stats)
	r.Elapsed += o.Elapsed
}

func exploreTruSt(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool) Result {
	return runGraphExplorer(p, m, opts, visit, nil)
}

// runGraphExplorer runs the graph explorer from the empty graph, with the reads spec
// names speculated when it is not nil (speculate.go).
func runGraphExplorer(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool, spec *speculation) Result {
	x := newExplorer(p, m, opts, visit, spec)
	if opts.Timeout > 0 {
		x.deadline = x.start.Add(opts.Timeout)
	}
	if opts.Shard.Count > 1 {
		x.level = chooseShardLevel(p, m, opts, spec)
	}
	g := NewGraph(p)
	x.pool = append(x.pool, g)
	x.explore(g, 0)
	x.stats.Elapsed = time.Since(x.start)
	if x.opts.Progress != nil {
		x.opts.Progress(x.stats)
	}
	return Result{Stats: x.stats, Reason: x.reason, steps: x.steps}
}

// newExplorer returns an explorer of p under m, at the empty graph's root.
func newExplorer(p *Program, m Consistency, opts Options, visit func(*ExecutionGraph) bool, spec *speculation) *explorer {
	x := &explorer{prog: p.Seal(), model: m, opts: opts, visit: visit, start: time.Now(), spec: spec}
	if pc, ok := m.(PorfCoherent); ok {
		x.porfCoherent = pc.PorfCoherent()
	}
	x.incremental, _ = m.(IncrementalConsistency)
	x.symmetry = opts.Symmetry && len(x.prog.symmetric) > 0
	return x
}

type explorer struct {
	prog     *Program
	model    Consistency
	opts     Options
	visit    func(*ExecutionGraph) bool
	start    time.Time
	deadline time.Time
	stats    Stats
	reason   StopReason
	stopped  bool
	steps    int64
	pool     []*ExecutionGraph // one graph per revisit depth
	bufs     [][]int32         // scratch buffers, two per revisit depth
	stack    []EventRef
	pre      []int32
	// porfCoherent is set for models where a read may not read (and a write may not be
	// placed) coherence-before what its po∪rf prefix has seen: choices are filtered
	// before the model is asked.
	porfCoherent bool
	incremental  IncrementalConsistency
	// symmetry is Options.Symmetry for a program with symmetry classes.
	symmetry bool
	// spec, in the second phase of Explore, says which reads are speculated
	// (speculate.go); nil otherwise.
	spec *speculation
	// nest is how many explore calls enclose the current one, and shardNodes how many
	// nodes at Options.Shard's level were met so far (shard.go); both only counted
	// when the run is sharded.
	nest       int
	shardNodes int64
	level      int   // the nesting level dealt out to shards; 0 when not sharded
	probing    bool  // a run of chooseShardLevel: count the nodes at level, visit nothing
	probeLimit int64 // a probe stops past this many nodes (0: no limit)
	// sample is the random path of EstimateExploration (estimate.go); nil otherwise.
	sample *sampler
	// strata, rng and perStratum, in EstimateExploration, sample the subtrees of the
	// nodes at level (estimate.go); nil otherwise.
	strata     *strata
	rng        *rand.Rand
	perStratum int
	// piece, in a run of ExploreParallel, is the range of nodes at level this explorer
	// enters (parallel.go); nil otherwise.
	piece *piece
}

func (x *explorer) stop() bool {
	if x.stopped {
		return true
	}
	x.steps++
	if x.opts.MaxSteps > 0 && x.steps >= x.opts.MaxSteps {
		x.stopped, x.reason = true, StepBudget
		return true
	}
	if x.steps&1023 == 0 {
		if x.opts.Context != nil && x.opts.Context.Err() != nil {
			x.stopped, x.reason = true, Canceled
		} else if !x.deadline.IsZero() && time.Now().After(x.deadline) {
			x.stopped, x.reason = true, TimedOut
		}
		if x.steps&(1<<16-1) == 0 && x.opts.Progress != nil {
			x.stats.Elapsed = time.Since(x.start)
			x.opts.Progress(x.stats)
		}
	}
	return x.stopped
}

// nextThread picks the thread whose event is added next: a thread in the middle of a
// read-modify-write first, otherwise the lowest-numbered thread that can move. The
// event is left in g.prop.
func (x *explorer) nextThread(g *ExecutionGraph) int {
	for t := range g.Threads {
		if g.Threads[t].State.rmwPending {
			x.prog.Threads[t].next(&g.Threads[t].State, &g.prop)
			return t
		}
	}
	for t := range g.Threads {
		if x.prog.Threads[t].next(&g.Threads[t].State, &g.prop) {
			return t
		}
	}
	return -1
}

func (x *explorer) explore(g *ExecutionGraph, depth int) {
	if x.stop() {
		return
	}
	if x.symmetry && x.prog.mirroredForGood(g) {
		x.stats.Mirrored++
		return
	}
	if x.sample != nil {
		x.sampleNode(g, depth)
		return
	}
	if x.level > 0 {
		if x.strata != nil && x.nest+1 == x.level {
			x.sampleStratum(g, depth)
			return
		}
		if !x.ownsNext() {
			return
		}
		x.nest++
		x.exploreNode(g, depth)
		x.nest--
		return
	}
	x.exploreNode(g, depth)
}

// exploreNode adds the next event of the next thread in every way the model allows,
// or handles a complete graph.
func (x *explorer) exploreNode(g *ExecutionGraph, depth int) {
	t := x.nextThread(g)
	if t < 0 {
		x.complete(g)
		return
	}
	ev := g.prop.ev
	switch ev.Kind {
	case KindFence, KindMarker:
		ref := g.push(t, &ev, 0)
		if orderingOnlyForward(&ev) || x.consistentAdded(g, ref) {
			x.explore(g, depth)
		}
		g.pop(t)
	case KindRead:
		if x.spec != nil && x.spec.at[t][ev.PC] {
			gap := false
			if x.spec.nw.narrow[t][ev.PC] || x.spec.exit.exitOnly(t, ev.PC) {
				gap = x.addRead(g, t, ev, depth)
			}
			x.addSpeculated(g, t, ev, depth, gap)
			break
		}
		if x.addRead(g, t, ev, depth) {
			// A gap at a read the exit cut does not speculate: no maximal choice
			// exists for it (exitcut.go; newExitCut speculates every read that may
			// read an open write, so this is a safety net).
			x.stopped, x.reason = true, CutGap
		}
	case KindWrite:
		x.addWrite(g, t, ev, depth)
	}
}

// addRead adds a read from each write of its location in turn, the coherence-latest
// first. It reports a gap (exitcut.go): the latest write the read may read, its
// maximal choice, was skipped for the exit cut's open writes above it, and reading it
// is not consistent.
func (x *explorer) addRead(g *ExecutionGraph, t int, ev Event, depth int) bool {
	floor := x.coherenceFloor(g, t, ev.Loc)
	if selfTestMutation == mutDropOldest && floor < 0 {
		floor = 0
	}
	top := len(g.Co[ev.Loc]) - 1
	exit := x.spec != nil && x.spec.exit != nil
	if exit {
		for top >= 0 && forbidden(g, t, g.Co[ev.Loc][top]) {
			top-- // the latest write it may read (exitcut.go)
		}
	}
	skipped := top < len(g.Co[ev.Loc])-1 // the latest writes are open: the exit rule skipped them
	topTaken := false
	for i := top; i >= floor && !x.stopped; i-- {
		w := InitRef(ev.Loc)
		if i >= 0 {
			w = g.Co[ev.Loc][i]
		}
		if exit && forbidden(g, t, w) {
			continue
		}
		ev.RF, ev.Val, ev.AddedMax = w, g.WriteValue(w), i == top
		ref := g.push(t, &ev, 0)
		if !ev.AddedMax && x.spec != nil && x.narrowFails(g, t) {
			g.pop(t)
			continue
		}
		if !x.blockedOnStale(g, t) && x.consistentAdded(g, ref) {
			topTaken = topTaken || ev.AddedMax
			x.explore(g, depth)
		}
		g.pop(t)
	}
	return skipped && !topTaken && !x.stopped
}

// addWrite adds a write in every coherence position it may take (an RMW's write half
// has exactly one), then tries every backward revisit it allows.
func (x *explorer) addWrite(g *ExecutionGraph, t int, ev Event, depth int) {
	if x.spec != nil && x.spec.exit != nil {
		ev.Open = x.spec.exit.isOpen(g, t, ev.PC)
	}
	n := len(g.Co[ev.Loc])
	lo, hi := x.coherenceFloor(g, t, ev.Loc)+1, n
	if ev.Ann&AnnRMW != 0 {
		// The write half goes right after the write its read half read; a speculated
		// read half has none yet, so its write half may go anywhere a write may.
		if rd := &g.Threads[t].Events[len(g.Threads[t].Events)-1]; !rd.RF.IsSpeculated() {
			lo = g.CoIndex(rd.RF) + 1
			hi = lo
		}
	}
	for pos := hi; pos >= lo && !x.stopped; pos-- {
		ev.AddedMax = pos == n
		ref := g.push(t, &ev, pos)
		if x.consistentAdded(g, ref) {
			x.explore(g, depth)
		}
		g.pop(t)
	}
	if x.stopped {
		return
	}
	ev.AddedMax = hi == n
	a := g.push(t, &ev, hi)
	if selfTestMutation != mutNoRevisits && !ev.Open {
		// An open write is read by no other thread's read but a speculated one.
		x.backwardRevisits(g, a, depth)
	}
	g.pop(t)
}
