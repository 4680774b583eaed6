package steering_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/steering"
)

func TestDefaultConfig(t *testing.T) {
	c := steering.DefaultConfig()
	require.NoError(t, c.Validate())
	assert.Equal(t, "cpus=3 targets=1 queues=2 requests=0:0,1:0,2:0", c.String())
	assert.Equal(t, 3, c.Ring(), "without kick failures the ring holds every request")
}

func TestValidate(t *testing.T) {
	base := steering.DefaultConfig()
	cases := []struct {
		name string
		edit func(*steering.Config)
		want string
	}{
		{"cpus", func(c *steering.Config) { c.CPUs = 0 }, "cpus must be at least 1 (got 0)"},
		{"targets", func(c *steering.Config) { c.Targets = 0 }, "targets must be at least 1 (got 0)"},
		{"queues", func(c *steering.Config) { c.Queues = -1 }, "queues must be at least 1 (got -1)"},
		{"ring", func(c *steering.Config) { c.RingSize = -2 }, "ring-size must not be negative (got -2)"},
		{"ring without kick failure", func(c *steering.Config) { c.RingSize = 1 },
			"ring-size 1 is smaller than the 3 requests: set kick-failure to model a full ring"},
		{"no requests", func(c *steering.Config) { c.Requests = nil }, "no requests: give at least one cpu:target pair"},
		{"too many", func(c *steering.Config) { c.Requests = make([]steering.Request, 7) },
			"7 requests: at most 6 are supported (model.MaxThreadEvents)"},
		{"cpu range", func(c *steering.Config) { c.Requests = []steering.Request{{0, 0}, {1, 0}, {5, 0}} },
			"requests[2]: cpu 5 out of range (cpus=3)"},
		{"target range", func(c *steering.Config) { c.Requests = []steering.Request{{0, 1}} },
			"requests[0]: target 1 out of range (targets=1)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.Requests = append([]steering.Request(nil), base.Requests...)
			tc.edit(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestKickFailureRing(t *testing.T) {
	c := steering.DefaultConfig()
	c.KickFailure = true
	require.NoError(t, c.Validate())
	assert.Equal(t, 1, c.Ring(), "kick-failure without a size means one descriptor")
	c.RingSize = 2
	assert.Equal(t, 2, c.Ring())
	assert.Equal(t, "cpus=3 targets=1 queues=2 requests=0:0,1:0,2:0 ring-size=2 kick-failure", c.String())
}

func TestParseRequests(t *testing.T) {
	rs, err := steering.ParseRequests(" 0:0, 1:0,2:1 ")
	require.NoError(t, err)
	assert.Equal(t, []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}, {CPU: 2, Target: 1}}, rs)
	assert.Equal(t, "0:0,1:0,2:1", steering.FormatRequests(rs))

	for in, want := range map[string]string{
		"":        "empty request list: want cpu:target pairs like 0:0,1:0",
		"0:0,1":   `requests[1]: "1" is not a cpu:target pair`,
		"x:0":     `requests[0]: cpu "x" is not a number`,
		"0:0,1:y": `requests[1]: target "y" is not a number`,
	} {
		_, err := steering.ParseRequests(in)
		if assert.Error(t, err, in) {
			assert.Equal(t, want, err.Error(), in)
		}
	}
}
