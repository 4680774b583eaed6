package model

import (
	"math"
	"math/rand"
	"time"
)

// estimate.go: how big an exploration is, before running it.
//
// Knuth's estimator (1975) on the exploration tree: walk one random path from the
// root, at each node choosing uniformly among its children; a leaf reached after
// nodes with c1, c2, ..., ck children stands for c1·c2·…·ck leaves, and the node at
// depth j for c1·…·cj nodes. The mean over many paths is an unbiased estimate of the
// number of executions and of nodes. The children of a node are found the way the
// explorer finds them (explore.go: the reads-from and coherence choices the model
// allows, and the backward revisits), so the estimate is of the tree Explore walks;
// the second phase (speculate.go) is sampled the same way after its analysis. The
// spread of one path's estimate is wide on unbalanced trees, so many paths are
// averaged and the standard error is reported with the mean.

// Estimate is what EstimateExploration found.
type Estimate struct {
	Paths         int     // random paths sampled
	Executions    float64 // mean of the paths' estimates of the complete executions
	ExecutionsErr float64 // standard error of that mean
	Nodes         float64 // mean estimate of the exploration tree's nodes
	// Seconds estimates the exploration's time from the time the sampling took per
	// node expanded (each node costs about what it costs the explorer: its children's
	// checks), plus the second phase's analysis: the right order of magnitude, no more.
	Seconds float64
	Elapsed time.Duration // what the sampling itself took
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
	expanded   int64   // nodes expanded (counted twice: counting and selecting)
}

// EstimateExploration samples paths random paths of Explore's tree for p under m with
// the given seed (the same seed, the same estimate), within opts' context.
func EstimateExploration(p *Program, m Consistency, opts Options, paths int, seed int64) Estimate {
	start := time.Now()
	rng := rand.New(rand.NewSource(seed))
	est := Estimate{Paths: paths}
	var sum, sumSq, nodes float64
	var expanded int64
	perPath := make([]float64, paths)
	sample := func(spec *speculation) {
		for i := 0; i < paths; i++ {
			s := &sampler{rng: rng, weight: 1}
			x := newExplorer(p, m, Options{Context: opts.Context}, func(*ExecutionGraph) bool { return true }, spec)
			x.sample = s
			g := NewGraph(p)
			x.pool = append(x.pool, g)
			x.explore(g, 0)
			perPath[i] += s.executions
			nodes += s.nodes
			expanded += s.expanded
		}
	}
	sample(nil)
	var analysis time.Duration // the second phase's analysis, which every run pays once
	if allowsPorfCycles(m) {
		if lo, ok := m.(LocalOrder); ok {
			t0 := time.Now()
			spec, res := speculationFor(p, lo, opts)
			analysis = time.Since(t0)
			if res.Reason == Exhausted && spec != nil {
				sample(spec)
			}
		}
	}
	for _, v := range perPath {
		sum += v
		sumSq += v * v
	}
	n := float64(paths)
	est.Executions = sum / n
	if paths > 1 {
		variance := (sumSq - sum*sum/n) / (n - 1)
		est.ExecutionsErr = math.Sqrt(math.Max(variance, 0) / n)
	}
	est.Nodes = nodes / n
	est.Elapsed = time.Since(start)
	if expanded > 0 {
		est.Seconds = analysis.Seconds() + est.Nodes*(est.Elapsed-analysis).Seconds()/float64(expanded)
	}
	return est
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
	s.expanded++
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
	s.expanded++
	x.exploreNode(g, depth)
	s.done = true
}
