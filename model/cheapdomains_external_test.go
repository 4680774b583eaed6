package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// cheapDomains skips the walk of a thread none of whose read locations grew since its
// last walk: the domains are the same as when every thread is walked every round, on
// random programs with cycles, locks, RMWs and spin-waits. (The steering variants are
// compared in steering's TestCheapDomainsSkipChangesNothing.)
func TestCheapDomainsSkipChangesNothing(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 45
	}
	var fewer, total int64
	for i := 1; i <= n; i++ {
		seed := int64(i/3 + 1)
		p := []func(int64) *model.Program{loadBufferingProgram, branchyProgram, steeredStoreProgram}[i%3](seed)
		want, every := model.CheapDomains(p, true)
		got, skipping := model.CheapDomains(p, false)
		assert.Equal(t, want, got, fmt.Sprintf("program %d; reproduce: go test ./model -run %s", i, t.Name()))
		assert.LessOrEqual(t, skipping, every, "program %d", i)
		fewer += every - skipping
		total += every
	}
	assert.Positive(t, fewer, "the skip never skipped a walk: %d steps in all", total)
}

// The same on the steering variants at the default configuration and, in full, on
// v3.17 at four CPUs, where the skip matters: the device threads' walks stop changing
// rounds before the interrupt threads' do. (Some variants' domains at four CPUs take
// longer than a test may.)
func TestCheapDomainsSkipChangesNothingOnSteering(t *testing.T) {
	type run struct {
		variant string
		cfg     steering.Config
	}
	var runs []run
	for _, v := range steering.VariantNames() {
		if testing.Short() && (v == "v3.19-seqcount" || v == "v4.x") {
			continue // their domains take 24M and 45M steps: a minute
		}
		runs = append(runs, run{v, steering.DefaultConfig()})
	}
	if !testing.Short() {
		runs = append(runs, run{"v3.17", steering.Config{CPUs: 4, Targets: 1, Queues: 2,
			Requests: []steering.Request{{CPU: 0}, {CPU: 1}, {CPU: 2}, {CPU: 3}}}})
	}
	for _, r := range runs {
		sc, err := steering.Build(r.variant, "", r.cfg)
		require.NoError(t, err)
		want, every := model.CheapDomains(sc.Program, true)
		got, skipping := model.CheapDomains(sc.Program, false)
		assert.Equal(t, want, got, "%s at %s", r.variant, r.cfg)
		t.Logf("%s at %s: %d steps, %d walking every thread every round", r.variant, r.cfg, skipping, every)
	}
}
