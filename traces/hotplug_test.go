package traces_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/traces"
)

func hotplugTrace(t *testing.T, variant string, cfg hotplug.Config) *traces.Trace {
	t.Helper()
	sc, err := hotplug.Build(variant, cfg)
	require.NoError(t, err)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	rep := hotplug.Verify(sc, m, model.Options{})
	require.Equal(t, hotplug.Violated, rep.Verdict)
	v := rep.Violation
	return traces.FromHotplug(traces.HotplugHeader{Variant: sc.Variant, Mutant: sc.Mutant, Config: cfg, Model: "sc",
		Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, rep.Graph)
}

// A hotplug trace survives write → read → write byte for byte and replays.
func TestHotplugTraceRoundTripAndReplay(t *testing.T) {
	cfg := hotplug.DefaultConfig()
	cfg.Hotplug = []hotplug.Step{{CPU: 1}, {Online: true, CPU: 1}}
	cfg.Unreachable = []int{5}
	cfg.Xen, cfg.AffinityRace, cfg.VectorCap, cfg.VectorBase = true, true, 9, 1
	cfg.Requests = []hotplug.Request{{CPU: 2, Target: 1}}
	tr := hotplugTrace(t, "managed-4.11", cfg)
	b1, err := tr.Marshal()
	require.NoError(t, err)
	back, err := traces.Unmarshal(b1)
	require.NoError(t, err)
	b2, err := back.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(b1), string(b2), "write → read → write must be byte-identical")
	got, err := back.Hotplug.Hotplug()
	require.NoError(t, err)
	assert.Equal(t, cfg, got)

	r, err := back.Replay()
	require.NoError(t, err)
	require.NotNil(t, r.Hotplug)
	assert.Nil(t, r.Scenario)
	assert.True(t, r.Reproduced, "%v", r.Violations)
}

// The 2018 hang: P6 on the default configuration, reproduced by replay; an edited
// choice is rejected.
func TestHotplug2018Trace(t *testing.T) {
	tr := hotplugTrace(t, "managed-4.11", hotplug.DefaultConfig())
	assert.Equal(t, "P6", tr.Property)
	r, err := tr.Replay()
	require.NoError(t, err)
	assert.True(t, r.Reproduced)

	min, st, err := traces.Minimize(tr, traces.DefaultBudget)
	require.NoError(t, err)
	assert.LessOrEqual(t, st.Minimized.Events, st.Original.Events)
	assert.Equal(t, "P6", min.Property)
}

// Minimization drops the request that does not matter and keeps the hang.
func TestMinimizeHotplug(t *testing.T) {
	cfg := hotplug.DefaultConfig()
	cfg.Requests = []hotplug.Request{{CPU: 1}, {CPU: 2}}
	sc, err := hotplug.Build("managed-4.11", cfg)
	require.NoError(t, err)
	m, _ := barriers.New("sc")
	var tr *traces.Trace
	model.Explore(sc.Program, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		for _, v := range hotplug.Check(sc, g) {
			if v.Property.ID == "P6" {
				tr = traces.FromHotplug(traces.HotplugHeader{Variant: "managed-4.11", Config: cfg, Model: "sc",
					Property: "P6", PropertyName: v.Property.Name, Message: v.Message}, g)
				return false
			}
		}
		return true
	})
	require.NotNil(t, tr)
	min, st, err := traces.Minimize(tr, traces.DefaultBudget)
	require.NoError(t, err)
	assert.Equal(t, "1", min.Hotplug.Requests, "%s → %s", st.Original, st.Minimized) // CPU 1 steers to queue 1 (mask 4,6): the hang
	assert.Less(t, st.Minimized.Events, st.Original.Events)
	r, err := min.Replay()
	require.NoError(t, err)
	assert.True(t, r.Reproduced)
	again, _, err := traces.Minimize(min, traces.DefaultBudget)
	require.NoError(t, err)
	b1, _ := min.Marshal()
	b2, _ := again.Marshal()
	assert.Equal(t, string(b1), string(b2), "minimizing a minimal trace changes nothing")
}
