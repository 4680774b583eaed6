package traces_test

import (
	"os"
	"path/filepath"
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

// violationTrace explores a mutant under sc and records its first violation.
func violationTrace(t *testing.T, variant, mutant string, cfg steering.Config) (*traces.Trace, bool) {
	t.Helper()
	sc, err := steering.Build(variant, mutant, cfg)
	require.NoError(t, err)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	rep := properties.Verify(sc, m, model.Options{MaxExecutions: 200_000}, nil)
	if rep.Verdict != properties.Violated {
		return nil, false
	}
	v := rep.Violation
	return traces.FromExecution(traces.Header{Variant: variant, Mutant: mutant, Config: cfg, Model: "sc",
		Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, rep.Graph), true
}

// Every mutant that sc catches yields a trace that survives write → read → write
// byte for byte and replays to the same violation.
func TestMutantTracesRoundTripAndReplay(t *testing.T) {
	caught := 0
	for _, mu := range steering.Mutants() {
		t.Run(mu.Name, func(t *testing.T) {
			tr, ok := violationTrace(t, mu.Variant, mu.Name, steering.DefaultConfig())
			if !ok {
				t.Skipf("mutant %s is not violated under sc at the default configuration", mu.Name)
			}
			caught++
			b1, err := tr.Marshal()
			require.NoError(t, err)
			back, err := traces.Unmarshal(b1)
			require.NoError(t, err)
			b2, err := back.Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(b1), string(b2), "write → read → write must be byte-identical")

			r, err := back.Replay()
			require.NoError(t, err)
			assert.True(t, r.Reproduced, "replay of %s must violate %s again; got %v", mu.Name, tr.Property, r.Violations)
			text := traces.Render(r.Graph, nil)
			for _, th := range r.Scenario.Program.Threads {
				assert.Contains(t, text, th.Name+" ("+th.Kind+")")
			}
		})
	}
	t.Logf("%d of %d mutants caught under sc at the default configuration", caught, len(steering.Mutants()))
}

func TestReadRejectsBadFiles(t *testing.T) {
	tr, ok := violationTrace(t, "v2-2012", "ge-one", steering.DefaultConfig())
	if !ok {
		t.Skip("ge-one is not caught under sc at the default configuration")
	}
	good, err := tr.Marshal()
	require.NoError(t, err)
	dir := t.TempDir()
	cases := map[string]struct {
		data string
		want string
	}{
		"truncated":     {string(good[:len(good)/2]), "truncated JSON"},
		"empty":         {"", "truncated JSON"},
		"not json":      {"hello", "not a valid steercheck trace"},
		"wrong format":  {strings.Replace(string(good), `"steercheck-trace"`, `"other"`, 1), `format is "other"`},
		"newer version": {strings.Replace(string(good), `"version": 1`, `"version": 9`, 1), "version 9 is newer"},
		"unknown field": {strings.Replace(string(good), `"tool":`, `"extra": 1, "tool":`, 1), "unknown field"},
		"trailing":      {string(good) + "{}", "trailing data"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
			require.NoError(t, os.WriteFile(path, []byte(c.data), 0o644))
			_, err := traces.ReadFile(path)
			require.Error(t, err)
			assert.ErrorIs(t, err, traces.ErrNotATrace)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), path+": "), "error names the file: %v", err)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// An edited choice makes replay fail with a clear error, not a panic.
func TestReplayRejectsEditedTrace(t *testing.T) {
	tr, ok := violationTrace(t, "v2-2012", "ge-one", steering.DefaultConfig())
	if !ok {
		t.Skip("ge-one is not caught under sc at the default configuration")
	}
	for ti := range tr.Threads {
		for ei := range tr.Threads[ti].Events {
			if tr.Threads[ti].Events[ei].Kind == "R" {
				tr.Threads[ti].Events[ei].Val += 100
				_, err := tr.Replay()
				require.Error(t, err)
				assert.Contains(t, err.Error(), "does not replay")
				return
			}
		}
	}
	t.Fatal("trace has no read")
}
