package properties_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// P11 is judged under the kernel's models only, names both racing accesses, and
// RaceSite narrows it to the races through one annotation site.
func TestDataRaceFree(t *testing.T) {
	cfg := steering.Config{CPUs: 2, Targets: 1, Queues: 1,
		Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}}
	sc, err := steering.Build("v3.19-seqcount", "", cfg)
	require.NoError(t, err)
	m, err := barriers.New("lkmm")
	require.NoError(t, err)
	opts := model.Options{AcyclicOnly: true}
	rep := properties.Verify(sc, m, opts, []string{"P11"})
	require.Equal(t, properties.Violated, rep.Verdict, "3.19's seqcount writer increments the sequence with a plain access that readers READ_ONCE")
	assert.Equal(t, "P11", rep.Violation.Property.ID)
	assert.Contains(t, rep.Violation.Message, "data race on tgt0.tgt_seq")
	assert.Contains(t, rep.Violation.Message, "plain write tgt0.tgt_seq")
	assert.Len(t, rep.Violation.Events, 2, "both racing accesses are named")
	for _, name := range []string{"sc", "tso", "armv8"} {
		hw, err := barriers.New(name)
		require.NoError(t, err)
		assert.Empty(t, properties.NewCheckerFor(sc, hw, []string{"P11"}).Check(rep.Graph),
			"%s has no data races: P11 is not judged under it", name)
	}

	// Narrowed to the reader's plain read of req_vq, P11 reports a race through it
	// (against the writer's plain store), not the sequence counter's.
	chk := properties.NewCheckerFor(sc, m, []string{"P11"})
	chk.RaceSite = "pick_vq:reader READ(req_vq)"
	rep = properties.VerifyWith(chk, sc, m, opts)
	require.Equal(t, properties.Violated, rep.Verdict)
	assert.Contains(t, rep.Violation.Message, "data race on tgt0.req_vq")
	sites := map[string]bool{}
	for _, e := range rep.Violation.Events {
		sites[rep.Graph.Prog.Threads[e.Thread].Code[rep.Graph.Event(e).PC].Site] = true
	}
	assert.True(t, sites[chk.RaceSite], "one racing access is the site's: %v", sites)
}
