package model

import (
	"context"
	"sync"
	"time"
)

// parallel.go: one exploration split over goroutines, with the sequential run's result.
//
// The exploration tree (shard.go) is cut at one nesting level, whose nodes are
// numbered in the order the depth-first search meets them. A piece is a range of
// consecutive nodes at that level: its explorer walks the tree above the level as the
// sequential run does, enters only the nodes of its range, and stops when it meets the
// first node after it. So a piece visits exactly the stretch of the sequential run
// that lies between meeting its first node and meeting the next piece's, and it
// measures that stretch: the steps and the statistics it took between the two
// moments (the first piece's stretch starts at the root, the last one's ends with the
// run). The stretches follow one another in the sequential run, so their sums are the
// sequential run's counts, and the first piece, in order, whose visitor stopped the
// run holds the sequential run's first counterexample.
//
// Budgets stay exact. A piece's own step counter counts the walk above the level
// before its range, which the sequential run interleaves with the earlier pieces'
// subtrees; it is never ahead of the sequential counter at the same point, so a piece
// run with the whole budget never stops before the sequential run would. Once the
// pieces before it are done, the piece in which the running sum reaches the budget is
// run again with the budget the sequential run had left at its start, which cuts it
// exactly where the sequential run stops. Pieces after a stop (a counterexample, the
// budget) are canceled: their visits do not count.
//
// Splitting costs a probe and a walk of the top of the tree per piece, which a small
// exploration would notice: so each exploration is first run sequentially within
// Options.TrialSteps steps, and split (from the start) only if that did not end it. The
// trial's result is the sequential run's when it ends for any reason but that bound.
//
// The number of pieces and their ranges depend on the program and the model only,
// never on the number of workers, which just pick the next piece in order (cheap
// dynamic balancing; the ranges are small enough that one slow piece does not hold up
// the rest for long).

// pieceNodes is how many nodes the level should hold at least; maxPieces bounds how
// many ranges they are grouped into (each piece walks the top of the tree again, so
// more pieces cost more).
// They are variables only so that tests can make pieces of many nodes on small trees.
var (
	pieceNodes int64 = 256
	maxPieces  int64 = 128
)

// DefaultTrialSteps bounds the sequential trial of each exploration of a parallel run
// (a second or so) unless Options.TrialSteps says otherwise.
const DefaultTrialSteps = 250_000

// trialSteps is the sequential trial's bound under o (0: no trial).
func (o Options) trialSteps() int64 {
	switch {
	case o.TrialSteps < 0:
		return 0
	case o.TrialSteps == 0:
		return DefaultTrialSteps
	}
	return o.TrialSteps
}

// pieceProbeCap (times pieceNodes) stops a probe of a level whose nodes are far more
// than wanted: the walk would cost as much as a large part of the exploration.
const pieceProbeCap = 16

// Parallel gives ExploreParallel what each worker needs of its own: models and
// visitors keep state.
type Parallel struct {
	// NewModel returns a fresh instance of the model (called once per worker and
	// once for the coordinator).
	NewModel func() Consistency
	// NewVisit returns the visitor of piece i. It is never called concurrently (the
	// coordinator's lock is held), and it may be called again for the same piece
	// when that piece is run a second time to cut it at the budget: the last visitor
	// of a piece is the one whose visits count.
	NewVisit func(piece int) func(*ExecutionGraph) bool
}

// ExploreParallel is Explore over opts.Workers goroutines: it visits the same graphs,
// split into pieces that each have their own visitor, and returns the sequential
// run's Result (the same counts, steps and stop reason) with the number n of pieces
// whose visits count: pieces 0 to n-1, in the sequential order. If the run was stopped
// by a visitor, the visitor of piece n-1 stopped it. With one worker, a sharded run,
// or a program whose tree does not split, the run is Explore's, as piece 0. With
// opts.Resume, the pieces an earlier run finished are skipped and the ones this run
// finishes reported (resume.go).
func ExploreParallel(p *Program, opts Options, par Parallel) (Result, int) {
	m := par.NewModel()
	if opts.Workers <= 1 && opts.Resume == nil || opts.Shard.Count > 1 || opts.HMC {
		return Explore(p, m, opts, par.NewVisit(0)), 1
	}
	p.Seal()
	n := 0
	run := phaseRunner{
		graphs: func(o Options, spec *speculation) Result {
			// A small exploration is over before splitting it would pay: try it
			// sequentially first, within trialSteps (see the file comment).
			if steps := o.trialSteps(); steps > 0 {
				trial := o
				if trial.MaxSteps == 0 || trial.MaxSteps > steps {
					trial.MaxSteps = steps
				}
				r := runGraphExplorer(p, m, trial, par.NewVisit(n), spec.clone())
				if r.Reason != StepBudget || trial.MaxSteps == o.MaxSteps {
					n++
					return r
				}
			}
			r, k := runPieces(p, m, o, par, spec, n)
			n += k
			return r
		},
		candidates: func(o Options) Result {
			r := exploreCandidates(p, m, o, par.NewVisit(n), true)
			n++
			return r
		},
	}
	return explorePhases(p, m, opts, run), n
}

// piece is the range of nodes at the level that a piece's explorer enters, and the
// marks it takes at the ends of its stretch.
type piece struct {
	first, end     int64 // nodes first to end-1 are entered; end < 0: every node from first on
	started, ended bool
	start, stop    pieceMark
}

// pieceMark is an explorer's counts at one moment.
type pieceMark struct {
	steps int64
	stats Stats
}

func (x *explorer) mark() pieceMark { return pieceMark{x.steps, x.stats} }

// owns reports whether the explorer enters node k of the level, marking the ends of
// the stretch and stopping the walk at the first node after the range.
func (pc *piece) owns(x *explorer, k int64) bool {
	if k == pc.first && !pc.started {
		pc.started, pc.start = true, x.mark()
	}
	if k == pc.end {
		pc.ended, pc.stop = true, x.mark()
		x.stopped = true
		return false
	}
	return k >= pc.first && (pc.end < 0 || k < pc.end)
}

// stretch is what the piece's explorer did in its stretch, given its result.
func (pc *piece) stretch(r Result) pieceMark {
	if !pc.started {
		return pieceMark{}
	}
	end := pieceMark{r.steps, r.Stats}
	if pc.ended {
		end = pc.stop
	}
	s := end.stats
	s.sub(pc.start.stats)
	return pieceMark{end.steps - pc.start.steps, s}
}

// sub subtracts o's counts from s's (Elapsed aside).
func (s *Stats) sub(o Stats) {
	s.Executions -= o.Executions
	s.Blocked -= o.Blocked
	s.OutOfBound -= o.OutOfBound
	s.SpuriousBlocked -= o.SpuriousBlocked
	s.Pruned -= o.Pruned
	s.Revisits -= o.Revisits
	s.Mirrored -= o.Mirrored
}

// pieceRun is one piece of runPieces: its range, its result and its stretch.
type pieceRun struct {
	pc      piece
	res     Result
	stretch pieceMark
	done    bool
	cancel  context.CancelFunc
}

// pieceRuns coordinates the workers of one runPieces.
type pieceRuns struct {
	p     *Program
	opts  Options
	par   Parallel
	spec  *speculation
	level int
	base  int

	mu        sync.Mutex
	runs      []pieceRun
	next      int       // the next piece a worker takes
	cut       int       // pieces from cut on are not needed
	scanned   int       // pieces before it are done and summed in sum
	sum       pieceMark // the stretches of the pieces before scanned
	final     int       // the piece that ended the run, or -1
	finalFrom pieceMark // the sums before the final piece

	progMu sync.Mutex
	latest []int64 // executions so far, per piece (progress)
	start  time.Time
}

// runPieces runs the graph explorer (with spec) over opts.Workers goroutines, its
// visitors numbered from base, and returns the sequential run's result and the
// number of pieces whose visits count.
func runPieces(p *Program, m Consistency, opts Options, par Parallel, spec *speculation, base int) (Result, int) {
	start := time.Now()
	level, nodes := chooseFineLevel(p, m, opts, spec, pieceNodes)
	if nodes < 2 {
		return runGraphExplorer(p, m, opts, par.NewVisit(base), spec), 1
	}
	count := nodes
	if count > maxPieces {
		count = maxPieces
	}
	c := &pieceRuns{p: p, opts: opts, par: par, spec: spec, level: level, base: base,
		runs: make([]pieceRun, count), cut: int(count), final: -1,
		latest: make([]int64, count), start: start}
	for i := range c.runs {
		c.runs[i].pc = piece{first: int64(i) * nodes / count, end: int64(i+1) * nodes / count}
	}
	c.runs[count-1].pc.end = -1
	workers := opts.Workers
	if workers > int(count) {
		workers = int(count)
	}
	if workers < 1 {
		workers = 1 // Options.Resume splits a run of one worker too
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.work(par.NewModel())
		}()
	}
	wg.Wait()
	return c.result(m, start)
}

// work runs pieces, in order, until none is left before the cut.
func (c *pieceRuns) work(m Consistency) {
	for {
		c.mu.Lock()
		i := c.next
		if i >= c.cut {
			c.mu.Unlock()
			return
		}
		c.next++
		if rec, ok := c.resumed(i); ok {
			c.skip(i, rec)
			c.advance()
			c.mu.Unlock()
			if p := c.progress(i); p != nil {
				p(rec.Stats)
			}
			continue
		}
		parent := c.opts.Context
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithCancel(parent)
		c.runs[i].cancel = cancel
		visit := c.par.NewVisit(c.base + i)
		pc := c.runs[i].pc
		c.mu.Unlock()

		o := c.opts
		o.Context = ctx
		o.Progress = c.progress(i)
		res := c.runPiece(m, o, &pc, visit)
		cancel()

		c.mu.Lock()
		r := &c.runs[i]
		r.pc, r.res, r.stretch, r.done = pc, res, pc.stretch(res), true
		c.record(i, res)
		c.advance()
		c.mu.Unlock()
	}
}

// runPiece runs one piece's explorer with o's budgets on its own counters.
func (c *pieceRuns) runPiece(m Consistency, o Options, pc *piece, visit func(*ExecutionGraph) bool) Result {
	x := newExplorer(c.p, m, o, visit, c.spec.clone())
	if o.Timeout > 0 {
		x.deadline = c.start.Add(o.Timeout)
	}
	x.level, x.piece = c.level, pc
	if pc.first == 0 {
		pc.started = true // the first stretch starts at the root
	}
	g := NewGraph(c.p)
	x.pool = append(x.pool, g)
	x.explore(g, 0)
	x.stats.Elapsed = time.Since(x.start)
	return Result{Stats: x.stats, Reason: x.reason, steps: x.steps}
}

// advance sums the stretches of the pieces done in order, and finds the piece that
// ends the run: the first one stopped for a reason other than its range's end, or
// the one in which a budget's running sum is reached. Pieces after it are canceled.
// c.mu is held.
func (c *pieceRuns) advance() {
	for c.final < 0 && c.scanned < len(c.runs) && c.runs[c.scanned].done {
		r := &c.runs[c.scanned]
		before := c.sum
		c.sum.steps += r.stretch.steps
		c.sum.stats.add(r.stretch.stats)
		if r.res.Reason != Exhausted || c.overBudget(c.sum) {
			c.final, c.finalFrom, c.cut = c.scanned, before, c.scanned+1
			for i := c.cut; i < len(c.runs); i++ {
				if c.runs[i].cancel != nil {
					c.runs[i].cancel()
				}
			}
			return
		}
		c.scanned++
	}
}

// overBudget reports whether the sums s reach one of the run's budgets.
func (c *pieceRuns) overBudget(s pieceMark) bool {
	return c.opts.MaxSteps > 0 && s.steps >= c.opts.MaxSteps ||
		c.opts.MaxExecutions > 0 && s.stats.Executions >= c.opts.MaxExecutions
}

// result assembles the sequential run's result from the pieces, running the final
// piece again with the budgets the sequential run had left when a budget ends it.
func (c *pieceRuns) result(m Consistency, start time.Time) (Result, int) {
	var out Result
	if c.final < 0 {
		out.steps, out.Stats = c.sum.steps, c.sum.stats
		out.Reason = Exhausted
		out.Elapsed = time.Since(start)
		return out, len(c.runs)
	}
	f := &c.runs[c.final]
	if end := c.sum; c.overBudget(end) {
		o := c.opts
		o.Progress = c.progress(c.final)
		from := c.finalFrom
		if o.MaxSteps > 0 {
			o.MaxSteps = o.MaxSteps - from.steps + f.pc.start.steps
		}
		if o.MaxExecutions > 0 {
			o.MaxExecutions = o.MaxExecutions - from.stats.Executions + f.pc.start.stats.Executions
		}
		pc := piece{first: f.pc.first, end: f.pc.end}
		visit := c.par.NewVisit(c.base + c.final)
		res := c.runPiece(m, o, &pc, visit)
		f.pc, f.res, f.stretch = pc, res, pc.stretch(res)
	}
	out.steps = c.finalFrom.steps + f.stretch.steps
	out.Stats = c.finalFrom.stats
	out.Stats.add(f.stretch.stats)
	out.Reason = f.res.Reason
	out.Elapsed = time.Since(start)
	return out, c.final + 1
}

// add adds o's counts to s's (Elapsed aside).
func (s *Stats) add(o Stats) {
	s.Executions += o.Executions
	s.Blocked += o.Blocked
	s.OutOfBound += o.OutOfBound
	s.SpuriousBlocked += o.SpuriousBlocked
	s.Pruned += o.Pruned
	s.Revisits += o.Revisits
	s.Mirrored += o.Mirrored
}

// progress returns piece i's progress callback: it reports the executions of every
// piece so far to the run's callback.
func (c *pieceRuns) progress(i int) func(Stats) {
	if c.opts.Progress == nil {
		return nil
	}
	return func(s Stats) {
		c.progMu.Lock()
		defer c.progMu.Unlock()
		c.latest[i] = s.Executions
		var sum Stats
		for _, e := range c.latest {
			sum.Executions += e
		}
		sum.Elapsed = time.Since(c.start)
		c.opts.Progress(sum)
	}
}

// chooseFineLevel returns the first level of p's exploration under m with at least
// want nodes (levels 4, 8, 16, ... are probed, then the levels between the last two
// by bisection), or, when that level's nodes are too many to count (more than
// pieceProbeCap times want) or no level has enough, the level with the most nodes
// counted in full; and its number of nodes. Nodes per level usually grow with depth,
// which the bisection assumes; where they do not, it still returns a level counted in
// full.
func chooseFineLevel(p *Program, m Consistency, opts Options, spec *speculation, want int64) (int, int64) {
	limit := pieceProbeCap * want
	best, bestNodes := 1, int64(0)
	found, foundNodes := 0, int64(0) // the shallowest level known to have enough nodes
	lo, hi := 0, 0                   // lo: a level with fewer than want nodes; hi: one with enough, or too many
	for level := 4; level <= maxShardLevel; level *= 2 {
		nodes, full := probeLevel(p, m, opts, spec, level, limit)
		if full && nodes > bestNodes {
			best, bestNodes = level, nodes
		}
		if !full || nodes >= want {
			hi = level
			if full {
				found, foundNodes = level, nodes
			}
			break
		}
		lo = level
	}
	if hi == 0 {
		return best, bestNodes
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		nodes, full := probeLevel(p, m, opts, spec, mid, limit)
		if full && nodes > bestNodes {
			best, bestNodes = mid, nodes
		}
		if !full || nodes >= want {
			hi = mid
			if full {
				found, foundNodes = mid, nodes
			}
		} else {
			lo = mid
		}
	}
	if found > 0 {
		return found, foundNodes
	}
	return best, bestNodes
}

// probeLevel counts the nodes at level of p's exploration under m, walking only the
// tree above it; it gives up (full false) past limit nodes (0: no limit) or when
// canceled.
func probeLevel(p *Program, m Consistency, opts Options, spec *speculation, level int, limit int64) (int64, bool) {
	po := opts
	po.Progress, po.MaxExecutions, po.Timeout, po.Shard = nil, 0, 0, Shard{}
	po.MaxSteps = 0
	x := newExplorer(p, m, po, func(*ExecutionGraph) bool { return true }, spec.clone())
	x.level, x.probing, x.probeLimit = level, true, limit
	g := NewGraph(p)
	x.pool = append(x.pool, g)
	x.explore(g, 0)
	return x.shardNodes, !x.stopped
}

// clone returns a speculation with the same tables and scratch space of its own, for
// another explorer.
func (sp *speculation) clone() *speculation {
	if sp == nil {
		return nil
	}
	c := *sp
	c.recomputed = make([]bool, len(sp.recomputed))
	c.saved = blindValues{}
	c.reads, c.done = nil, nil
	if sp.nw != nil {
		nw := *sp.nw
		nw.sim, nw.prop, nw.written = ThreadState{}, proposal{}, nil
		c.nw = &nw
	}
	return &c
}
