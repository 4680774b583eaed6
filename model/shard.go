package model

import (
	"fmt"
	"strconv"
	"strings"
)

// shard.go: splitting one exploration into disjoint parts that separate processes (or
// machines) run, whose results add up to the whole run's.
//
// The explorer is a depth-first recursion in which every call of explore is a node of
// the exploration tree and every complete graph a leaf, reached by exactly one path
// (each graph is produced by exactly one sequence of steps). The nodes at one nesting
// level are numbered in the order the depth-first search meets them, which is the same
// in every process given the same program, model and options; shard i of n explores
// the subtrees of the nodes whose number is i modulo n, and walks the part of the tree
// above that level without counting its leaves, except shard 0, which counts them. So
// every complete graph is visited by exactly one shard, each shard's order is the
// sequential order restricted to it, and the shards' counts sum to the unsharded
// run's. Budgets (steps, executions) apply to each shard alone.
//
// The level. The first events of a steering program are often forced (one thread runs
// alone until it reads something another thread may write), so a fixed level can hold
// a single node. Every shard therefore probes the tree first, the same way: it counts
// the nodes at levels 4, 8, 16, ... (walking only the tree above each) and takes the
// first level with at least shardNodesPerShard nodes per shard, or the level with the
// most nodes it saw. The probe walks only the top of the tree, and is deterministic.

// shardNodesPerShard is how many nodes per shard the chosen level should hold, so that
// dealing them round-robin balances the shards.
const shardNodesPerShard = 16

// maxShardLevel is the deepest level probed.
const maxShardLevel = 256

// Shard names one of Count disjoint parts of an exploration: Index from 0 to Count-1.
// The zero value (Count 0) and Count 1 mean the whole exploration.
type Shard struct {
	Index, Count int
}

// ParseShard parses "i/n" (0 ≤ i < n): the i-th of n shards.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 0 <= i < n (e.g. 0/8)", s)
	}
	return Shard{Index: i, Count: n}, nil
}

// String formats s as "i/n".
func (s Shard) String() string {
	if s.Count <= 1 {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// owns0 reports whether s is the first shard (or the whole run): the one that counts
// the leaves above ShardLevel and runs what is not split.
func (s Shard) owns0() bool { return s.Count <= 1 || s.Index == 0 }

// ownsNext reports whether the explore call about to be entered is in this shard: a
// node above or below the level is (those below were dealt out with their ancestor
// at the level), one at the level when its number falls to this shard. A probe counts
// the nodes at the level and enters none.
func (x *explorer) ownsNext() bool {
	if x.nest+1 != x.level {
		return true
	}
	k := x.shardNodes
	x.shardNodes++
	if x.probeLimit > 0 && x.shardNodes > x.probeLimit {
		x.stopped = true
	}
	if x.piece != nil {
		return x.piece.owns(x, k)
	}
	return !x.probing && k%int64(x.opts.Shard.Count) == int64(x.opts.Shard.Index)
}

// ownsShallow reports whether a complete graph met at the current node is this
// shard's: below the level it is (its subtree was dealt to it), above it only the
// first shard's; a probe visits none.
func (x *explorer) ownsShallow() bool {
	if x.piece != nil {
		return x.nest >= x.level || x.piece.first == 0 || x.shardNodes > x.piece.first
	}
	return !x.probing && (x.nest >= x.level || x.opts.Shard.Index == 0)
}

// chooseShardLevel probes the exploration of p under m (see the file comment) and
// returns the level whose nodes are dealt out to the shards: the first of the levels
// 4, 8, 16, ... with at least shardNodesPerShard nodes per shard, or the one with the
// most.
func chooseShardLevel(p *Program, m Consistency, opts Options, spec *speculation) int {
	want := int64(shardNodesPerShard * opts.Shard.Count)
	best, bestNodes := 1, int64(-1)
	for level := 4; level <= maxShardLevel; level *= 2 {
		nodes, full := probeLevel(p, m, opts, spec, level, 0)
		if !full {
			break // canceled
		}
		if nodes > bestNodes {
			best, bestNodes = level, nodes
		}
		if nodes >= want {
			return level
		}
	}
	return best
}
