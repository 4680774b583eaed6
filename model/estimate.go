package model

import (
	"math"
	"math/rand"
	"time"
)

// estimate.go: how big an exploration is, before running it.
//
// Knuth's estimator (1975) on the exploration tree: walk one random path from a node,
// at each node choosing uniformly among its children; a leaf reached after nodes with
// c1, c2, ..., ck children stands for c1·c2·…·ck leaves, and the node at depth j for
// c1·…·cj nodes. The mean over many paths is an unbiased estimate of the number of
// executions below the start and of its nodes. The children of a node are found the
// way the explorer finds them (explore.go: the reads-from and coherence choices the
// model allows, and the backward revisits), so the estimate is of the tree Explore
// walks; the second phase (speculate.go) is sampled the same way after its analysis.
//
// On the steering programs one path's estimate is heavy-tailed: a few subtrees hold
// most executions, and paths from the root that miss them (nearly all) make the mean
// many times too small with a deceptively small standard error (v3.10 at 4 CPUs:
// 16.4k ± 11k from 1000 paths, for 522,696). So the estimate is stratified: the top of
// the tree is walked exactly down to a level with about strataPerPath nodes per path
// asked for (chooseStrataLevel), the complete executions above it are counted, and
// paths start from every node of the level — at least two, so each stratum has a
// variance. The estimate is the count above plus the sum of the strata's means, and
// its variance the sum of theirs over their paths.

// Estimate is what EstimateExploration found.
type Estimate struct {
	Paths         int     // random paths sampled (from the level's nodes: see the file comment)
	Executions    float64 // mean of the paths' estimates of the complete executions
	ExecutionsErr float64 // standard error of that mean
	Nodes         float64 // estimate of the exploration tree's nodes (the top counted, the strata sampled)
	// Seconds estimates the exploration's time from the time the sampling took per
	// node expanded (each node costs about what it costs the explorer: its children's
	// checks), plus the second phase's analysis: the right order of magnitude, no more.
	Seconds float64
	Elapsed time.Duration // what the sampling itself took
	// SecondPhase is Exhausted when the whole tree was sampled. Otherwise the analysis
	// that begins the second phase (speculate.go) stopped for this reason
	// (AnalysisBound: its own bound), the graphs with a po ∪ rf cycle were not
	// sampled, and the estimate is of the first phase only: a run will stop for the
	// same reason, unknown, unless its first phase finds a violation.
	SecondPhase StopReason
}

// sampler is the state of one random path (see the file comment).
type sampler struct {
	rng        *rand.Rand
	counting   bool    // the current node is counting its children
	count      int     // children counted
	selecting  bool    // the current node is walking to its chosen child
	target     int     // the child chosen
	idx        int     // children passed so far while selecting
	done       bool    // the path ended
	weight     float64 // product of the branching factors so far
	executions float64 // this path's estimate of the executions
	nodes      float64 // this path's estimate of the nodes
}

// EstimateExploration samples paths random paths of Explore's tree for p under m with
// the given seed (the same seed, the same estimate), within opts' context.
func EstimateExploration(p *Program, m Consistency, opts Options, paths int, seed int64) Estimate {
	start := time.Now()
	rng := rand.New(rand.NewSource(seed))
	var est Estimate
	var st strata
	var expanded int64
	sample := func(spec *speculation) {
		level, nodes := chooseStrataLevel(p, m, Options{Context: opts.Context, Symmetry: opts.Symmetry}, spec, int64(paths*strataPerPath))
		per := 2
		if nodes > 0 && (paths+int(nodes)-1)/int(nodes) > per {
			per = (paths + int(nodes) - 1) / int(nodes)
		}
		x := newExplorer(p, m, Options{Context: opts.Context, Symmetry: opts.Symmetry}, func(*ExecutionGraph) bool { return true }, spec)
		x.level, x.strata, x.rng, x.perStratum = level, &st, rng, per
		g := NewGraph(p)
		x.pool = append(x.pool, g)
		sampled := st.sampledSteps
		x.explore(g, 0)
		st.exact += float64(x.stats.Executions)
		st.nodes += float64(x.steps - (st.sampledSteps - sampled)) // the top, walked exactly
		expanded += x.steps
	}
	sample(nil)
	var analysis time.Duration // the second phase's analysis, which every run pays once
	if allowsPorfCycles(m) {
		if lo, ok := m.(LocalOrder); ok {
			t0 := time.Now()
			spec, res := speculationFor(p, lo, opts)
			analysis = time.Since(t0)
			switch {
			case res.Reason != Exhausted:
				est.SecondPhase = res.Reason
			case spec != nil:
				sample(spec)
			}
		}
	}
	est.Executions = st.exact + st.mean
	est.ExecutionsErr = math.Sqrt(st.variance)
	est.Nodes = st.nodes
	est.Paths = st.paths
	est.Elapsed = time.Since(start)
	if expanded > 0 {
		est.Seconds = analysis.Seconds() + est.Nodes*(est.Elapsed-analysis).Seconds()/float64(expanded)
	}
	return est
}

// strataPerPath is how many nodes of the level there should be per path asked for.
const strataPerPath = 4

// strata sums the estimates of the subtrees below the level's nodes.
type strata struct {
	exact          float64 // complete executions above the level, counted
	mean, variance float64 // sums of the nodes' mean estimates and of their variances
	nodes          float64 // nodes above the level, counted, plus the strata's mean estimates
	paths          int
	sampledSteps   int64 // explorer steps spent on the paths (the rest walked the top)
}

// sampleStratum samples x.perStratum random paths from the node g is at (one of the
// level's) and adds their mean to the strata.
func (x *explorer) sampleStratum(g *ExecutionGraph, depth int) {
	var sum, sumSq, nodes float64
	n := x.perStratum
	before := x.steps
	for i := 0; i < n; i++ {
		s := &sampler{rng: x.rng, weight: 1}
		x.sample = s
		x.sampleNode(g, depth)
		x.sample = nil
		sum += s.executions
		sumSq += s.executions * s.executions
		nodes += s.nodes
	}
	x.strata.sampledSteps += x.steps - before
	fn := float64(n)
	x.strata.mean += sum / fn
	x.strata.nodes += nodes / fn
	if n > 1 {
		x.strata.variance += math.Max((sumSq-sum*sum/fn)/(fn-1), 0) / fn
	}
	x.strata.paths += n
}

// sampleNode is explore in sampling mode: a child met while its parent counts or
// walks to its chosen child, or the node the path goes through.
func (x *explorer) sampleNode(g *ExecutionGraph, depth int) {
	s := x.sample
	switch {
	case s.done:
		return
	case s.counting:
		s.count++
		return
	case s.selecting:
		if s.idx != s.target {
			s.idx++
			return
		}
		s.selecting = false
	}
	s.nodes += s.weight
	s.counting, s.count = true, 0
	leafBefore := s.executions
	x.exploreNode(g, depth) // a complete graph adds its weight in finish
	s.counting = false
	if s.executions != leafBefore || s.count == 0 {
		s.done = true // a leaf, or a dead end (the model rejected every child)
		return
	}
	s.weight *= float64(s.count)
	s.selecting, s.target, s.idx = true, s.rng.Intn(s.count), 0
	x.exploreNode(g, depth)
	s.done = true
}

// chooseStrataLevel returns the deepest of the levels 4, 6, 8, ... (steps of an eighth)
// whose nodes could be counted, within pieceProbeCap times want, until one has at
// least want; and its number of nodes. The deeper the level, the more of the tree is
// counted exactly and the less is left to the paths: on the steering programs the
// spread of the paths' estimates comes from a few heavy subtrees, which a deep level
// separates into strata of their own.
func chooseStrataLevel(p *Program, m Consistency, opts Options, spec *speculation, want int64) (int, int64) {
	best, bestNodes := 1, int64(0)
	for level := 4; level <= maxShardLevel; level += max(2, level/8) {
		nodes, full := probeLevel(p, m, opts, spec, level, pieceProbeCap*want)
		if !full {
			break
		}
		if nodes > bestNodes {
			best, bestNodes = level, nodes
		}
		if nodes >= want {
			break
		}
	}
	return best, bestNodes
}
