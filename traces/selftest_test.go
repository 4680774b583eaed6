package traces

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// firstRoundTripFailure records every execution of a small scenario as a trace, writes
// and reads it back and replays it (the trace round-trip property).
func firstRoundTripFailure(t *testing.T) string {
	cfg := steering.Config{CPUs: 2, Targets: 1, Queues: 2, Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}}
	sc, err := steering.Build("v3.10", "", cfg)
	require.NoError(t, err)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	bad := ""
	model.Explore(sc.Program, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		tr := FromExecution(Header{Variant: "v3.10", Config: cfg, Model: "sc", Property: "P1"}, g)
		b, err := tr.Marshal()
		require.NoError(t, err)
		back, err := Unmarshal(b)
		require.NoError(t, err)
		r, err := back.Replay()
		if err != nil || r.Graph.Fingerprint() != g.Fingerprint() {
			bad = "round trip broken"
			return false
		}
		return true
	})
	return bad
}

// The round trip is only worth its name if a broken trace writer breaks it.
func TestRoundTripCatchesABrokenWriter(t *testing.T) {
	defer func() { selfTestMutation = 0 }()
	assert.Equal(t, "", firstRoundTripFailure(t), "the real writer")
	selfTestMutation = 1
	assert.Equal(t, "round trip broken", firstRoundTripFailure(t), "a writer that records every read as reading init")
}
