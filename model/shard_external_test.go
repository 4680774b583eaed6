package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// Shards partition an exploration: over every model, on programs with po ∪ rf cycles,
// locks, RMWs and spin-waits, the graphs the n shards visit are disjoint, their union
// is the unsharded run's, and each shard visits its graphs in the unsharded order.
func TestShardsPartitionTheExploration(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 12
	}
	split := 0
	eachSmallProgram(t, n, func(_ string, m model.Consistency, p *model.Program, what string) {
		var whole []string
		res := model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
			whole = append(whole, g.Fingerprint())
			return true
		})
		require.True(t, res.Complete(), what)
		for _, count := range []int{2, 3, 7} {
			seen := map[string]int{}
			total := int64(0)
			nonEmpty := 0
			for i := 0; i < count; i++ {
				var part []string
				r := model.Explore(p, m, model.Options{Shard: model.Shard{Index: i, Count: count}}, func(g *model.ExecutionGraph) bool {
					part = append(part, g.Fingerprint())
					return true
				})
				require.True(t, r.Complete(), what)
				total += r.Executions
				if len(part) > 0 {
					nonEmpty++
				}
				for _, k := range part {
					seen[k]++
				}
				assert.True(t, isSubsequence(part, whole), "%s: shard %d/%d visits out of the sequential order", what, i, count)
			}
			if nonEmpty > 1 {
				split++
			}
			assert.Equal(t, res.Executions, total, "%s: %d shards", what, count)
			assert.Equal(t, len(whole), len(seen), "%s: %d shards", what, count)
			for k, c := range seen {
				if !assert.Equal(t, 1, c, "%s: a graph visited by %d shards of %d", what, c, count) {
					break
				}
				_ = k
			}
		}
	})
	// The programs must be deep enough to be split, or this test shows nothing.
	assert.Greater(t, split, 20, "runs whose graphs more than one shard visits")
}

// isSubsequence reports whether part appears in whole in the same order.
func isSubsequence(part, whole []string) bool {
	j := 0
	for _, k := range whole {
		if j < len(part) && part[j] == k {
			j++
		}
	}
	return j == len(part)
}

// ParseShard takes "i/n" with 0 ≤ i < n and refuses anything else.
func TestParseShard(t *testing.T) {
	s, err := model.ParseShard("3/8")
	require.NoError(t, err)
	assert.Equal(t, model.Shard{Index: 3, Count: 8}, s)
	assert.Equal(t, "3/8", s.String())
	for _, bad := range []string{"", "3", "8/8", "-1/2", "1/0", "a/b", "1/2/3"} {
		_, err := model.ParseShard(bad)
		assert.Error(t, err, bad)
	}
}
