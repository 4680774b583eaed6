package traces_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

// caughtUnderSC lists the mutants sc catches, with the property and configuration
// (properties/mutants_test.go).
var caughtUnderSC = []struct {
	mutant, property string
	cfg              steering.Config
}{
	{steering.MutWriteOutsideLock, "P2", steering.DefaultConfig()},
	{steering.MutReadBeforeInc, "P1", steering.DefaultConfig()},
	{steering.MutGeOne, "P1", steering.DefaultConfig()},
	{steering.MutIrqTgtLock, "P5", steering.DefaultConfig()},
	{steering.MutDecBeforeConsume, "P1", steering.DefaultConfig()},
	{steering.MutNoTgtLock, "P2", steering.DefaultConfig()},
	{steering.MutNoVqLock, "P4", steering.Config{CPUs: 2, Targets: 1, Queues: 1, RingSize: 2, KickFailure: true,
		Requests: []steering.Request{{CPU: 0}, {CPU: 1}, {CPU: 0}, {CPU: 1}}}},
	{steering.MutNoReaderCheck, "P2", steering.DefaultConfig()},
	{steering.MutNoRetryNoCheck, "P2", steering.DefaultConfig()},
}

func variantOf(t *testing.T, mutant string) string {
	for _, m := range steering.Mutants() {
		if m.Name == mutant {
			return m.Variant
		}
	}
	t.Fatalf("no mutant %s", mutant)
	return ""
}

// counterexample records the first violation check finds, as check would save it.
func counterexample(t *testing.T, variant, mutant, property string, cfg steering.Config) *traces.Trace {
	sc, err := steering.Build(variant, mutant, cfg)
	require.NoError(t, err)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	rep := properties.Verify(sc, m, model.Options{}, []string{property})
	require.Equal(t, properties.Violated, rep.Verdict)
	v := rep.Violation
	return traces.FromExecution(traces.Header{Variant: variant, Mutant: mutant, Config: cfg, Model: "sc",
		Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, rep.Graph)
}

func TestMinimizeMutants(t *testing.T) {
	type row struct {
		name      string
		orig, min traces.Size
	}
	rows := make([]row, len(caughtUnderSC))
	t.Run("group", func(t *testing.T) {
		for i, c := range caughtUnderSC {
			t.Run(c.mutant, func(t *testing.T) {
				t.Parallel()
				if testing.Short() && c.mutant == steering.MutNoVqLock {
					t.Skip("four requests on a full ring: slow, run without -short")
				}
				tr := counterexample(t, variantOf(t, c.mutant), c.mutant, c.property, c.cfg)
				min, st, err := traces.Minimize(tr, traces.DefaultBudget)
				require.NoError(t, err)
				assert.False(t, st.Original.Requests < st.Minimized.Requests || st.Original.Events < st.Minimized.Events && st.Original.Requests == st.Minimized.Requests,
					"minimized %v is larger than %v", st.Minimized, st.Original)
				assert.Equal(t, c.property, min.Property)

				// Still violates, and replays through the file format.
				b, err := min.Marshal()
				require.NoError(t, err)
				back, err := traces.Unmarshal(b)
				require.NoError(t, err)
				rp, err := back.Replay()
				require.NoError(t, err)
				assert.True(t, rp.Reproduced, "minimized trace no longer violates %s", c.property)

				// Deterministic, and a local minimum: minimizing again changes nothing.
				again, st2, err := traces.Minimize(min, traces.DefaultBudget)
				require.NoError(t, err)
				assert.Equal(t, st.Minimized, st2.Minimized)
				b2, err := again.Marshal()
				require.NoError(t, err)
				assert.Equal(t, string(b), string(b2))
				rows[i] = row{c.mutant, st.Original, st.Minimized}
			})
		}
	})
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n%-26s %-20s %s\n", "mutant", "original req/events", "minimized req/cpus/tgts/queues/events/switches")
	for _, r := range rows {
		if r.name == "" {
			continue
		}
		fmt.Fprintf(&tab, "%-26s %2d / %-15d %d / %d / %d / %d / %d / %d\n", r.name, r.orig.Requests, r.orig.Events,
			r.min.Requests, r.min.CPUs, r.min.Targets, r.min.Queues, r.min.Events, r.min.Switches)
	}
	t.Log(tab.String())
}

func TestMinimizeRejectsPassingTrace(t *testing.T) {
	tr := counterexample(t, "v2-2012", steering.MutGeOne, "P1", steering.DefaultConfig())
	tr.Mutant = "" // the correct variant: the recorded execution no longer replays or violates
	_, _, err := traces.Minimize(tr, traces.DefaultBudget)
	assert.Error(t, err)
}
