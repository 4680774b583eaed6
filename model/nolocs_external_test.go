package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// TestExploreProgramWithoutLocations: a program of fences only, with no location at
// all (an exported litmus test declares only the locations it uses), has one
// execution under every model. The second phase's domain walk once indexed its
// per-location bounds with a fence's location 0 and panicked.
func TestExploreProgramWithoutLocations(t *testing.T) {
	for _, name := range []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"} {
		p := model.NewProgram("fences-only")
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.SmpMb()
		p0.SmpMb()
		p1.SmpMb()
		m, err := barriers.New(name)
		require.NoError(t, err)
		res := model.Explore(p, m, model.Options{}, func(*model.ExecutionGraph) bool { return true })
		assert.True(t, res.Complete(), "go test -run TestExploreProgramWithoutLocations ./model/ (%s)", name)
		assert.Equal(t, int64(1), res.Executions, "go test -run TestExploreProgramWithoutLocations ./model/ (%s)", name)
	}
}
