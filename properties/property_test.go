package properties_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

func TestAllProperties(t *testing.T) {
	var ids, names []string
	for _, p := range properties.All() {
		ids = append(ids, p.ID)
		names = append(names, p.Name)
		assert.NotEmpty(t, p.Doc, p.ID)
	}
	assert.Equal(t, []string{"P1", "P2", "P3", "P4", "P5", "P6", "P11"}, ids)
	assert.Equal(t, []string{"fifo-per-target", "one-queue", "accounting", "exactly-once", "deadlock-free", "no-hang", "data-race-free"}, names)
}

func TestLookupAndSelect(t *testing.T) {
	p, ok := properties.Lookup("p3")
	require.True(t, ok)
	assert.Equal(t, "accounting", p.Name)
	p, ok = properties.Lookup("fifo-per-target")
	require.True(t, ok)
	assert.Equal(t, "P1", p.ID)
	assert.True(t, properties.Known("no-hang"))
	assert.False(t, properties.Known("P7"))

	ps, err := properties.Select(nil)
	require.NoError(t, err)
	assert.Len(t, ps, 7)
	ps, err = properties.Select([]string{"P2", "exactly-once"})
	require.NoError(t, err)
	assert.Equal(t, []string{"P2", "P4"}, []string{ps[0].ID, ps[1].ID})
	_, err = properties.Select([]string{"P9"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown property "P9" (have: P1/fifo-per-target, P2/one-queue`)
}

func TestVerdictStrings(t *testing.T) {
	assert.Equal(t, "holds", properties.Holds.String())
	assert.Equal(t, "violated", properties.Violated.String())
	assert.Equal(t, "unknown", properties.Unknown.String())
}

func TestNewCheckerRejectsUnknownNames(t *testing.T) {
	sc, err := steering.Build("v3.10", "", steering.DefaultConfig())
	require.NoError(t, err)
	assert.Panics(t, func() { properties.NewChecker(sc, []string{"P0"}) })
	c := properties.NewChecker(sc, []string{"P5", "fifo-per-target"})
	assert.Equal(t, []string{"P5", "P1"}, []string{c.Properties()[0].ID, c.Properties()[1].ID})
}
