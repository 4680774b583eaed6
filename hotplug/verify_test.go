package hotplug

import (
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/stretchr/testify/require"
)

func scModel(t *testing.T) model.Consistency {
	m, err := barriers.New("sc")
	require.NoError(t, err)
	return m
}

func cfg(topo string, queues int, spread string, reqs string, steps string) Config {
	rs, err := ParseRequests(reqs)
	if err != nil {
		panic(err)
	}
	ss, err := ParseSteps(steps)
	if err != nil {
		panic(err)
	}
	return Config{Topology: topo, Queues: queues, Spread: spread, Requests: rs, Hotplug: ss}
}

// TestEveryPropertyCaught: each of P6–P10 has a scenario or mutant that violates it,
// under sc, and the checker reports it; the correct variant on the same scenario
// does not.
func TestEveryPropertyCaught(t *testing.T) {
	oneNode := "cpus=8 present=0-3" // 8 possible CPUs, 0-3 present, one NUMA node
	xen := cfg("cpus=4", 2, "current", "2", "")
	xen.Xen = true
	vec := cfg("cpus=4", 4, "current", "none", "-3,-2,-1")
	vec.VectorCap = 2
	unreach := cfg("cpus=4", 2, "current", "3", "")
	unreach.Unreachable = []int{2}
	cases := []struct {
		prop, broken, fixed string
		cfg                 Config
	}{
		{"P6", "managed-4.11", "blkmq-4.17", cfg(oneNode, 4, "4.16", "2", "")},
		{"P6", "drain-5.8+no-drain", "drain-5.8", cfg(oneNode, 4, "4.17", "1", "-1")},
		{"P7", "blkmq-4.17", "drain-5.8", cfg(oneNode, 4, "4.17", "1", "-1")},
		{"P7", "drain-5.8+no-inactive-check", "drain-5.8", cfg(oneNode, 4, "4.17", "1", "-1")},
		{"P7", "drain-5.8+reactivate-first", "drain-5.8", cfg(oneNode, 4, "4.17", "0", "-1,+1")},
		{"P8", "blkmq-4.17+nonidempotent-handler", "blkmq-4.17", xen},
		{"P8", "drain-5.8+nonidempotent-handler", "drain-5.8", xen},
		{"P9", "managed-4.11", "blkmq-4.17", cfg(oneNode, 4, "4.16", "2", "")},
		{"P10", "nonmanaged", "blkmq-4.17", vec},
	}
	for _, c := range cases {
		t.Run(c.prop+"/"+c.broken, func(t *testing.T) {
			sc, err := Build(c.broken, c.cfg)
			require.NoError(t, err)
			rep := Verify(sc, scModel(t), model.Options{})
			pv := rep.Of(c.prop)
			require.Equal(t, Violated, pv.Verdict, "%s should break %s", c.broken, c.prop)
			require.NotEmpty(t, pv.Violation.Message)
			require.Equal(t, Violated, rep.Verdict)
			require.NotNil(t, rep.Graph)

			sc, err = Build(c.fixed, c.cfg)
			require.NoError(t, err)
			rep = Verify(sc, scModel(t), model.Options{})
			require.Equal(t, Holds, rep.Of(c.prop).Verdict, "%s should keep %s", c.fixed, c.prop)
		})
	}
}

// TestCheckReturnsEvents: a violation names the events that show it.
func TestCheckReturnsEvents(t *testing.T) {
	sc, err := Build("blkmq-4.17", cfg("cpus=8 present=0-3", 4, "4.17", "1", "-1"))
	require.NoError(t, err)
	var found bool
	model.Explore(sc.Program, scModel(t), model.Options{}, func(g *model.ExecutionGraph) bool {
		for _, v := range Check(sc, g) {
			if v.Property.ID == "P7" {
				require.NotEmpty(t, v.Events)
				e := g.Event(v.Events[0])
				require.Equal(t, MarkShutdown, e.Marker)
				found = true
				return false
			}
		}
		return true
	})
	require.True(t, found)
}

// TestBudgetIsUnknown: a budget never ends in Holds.
func TestBudgetIsUnknown(t *testing.T) {
	sc, err := Build("drain-5.8", cfg("cpus=8 present=0-3", 4, "4.17", "1,0", "-1"))
	require.NoError(t, err)
	rep := Verify(sc, scModel(t), model.Options{MaxExecutions: 3})
	require.Equal(t, Unknown, rep.Verdict)
	for _, pv := range rep.Properties {
		require.Equal(t, Unknown, pv.Verdict, pv.Property.ID)
	}
	rep = Verify(sc, scModel(t), model.Options{})
	require.Equal(t, Holds, rep.Verdict)
	require.Greater(t, rep.Result.Executions, int64(3))
}

func TestBuildErrors(t *testing.T) {
	good := cfg("cpus=4", 2, "current", "0", "")
	for name, c := range map[string]struct {
		variant string
		mod     func(*Config)
	}{
		"unknown variant":   {"nope", nil},
		"unknown mutant":    {"blkmq-4.17+no-drain", nil},
		"bad topology":      {"blkmq-4.17", func(c *Config) { c.Topology = "cpus=x" }},
		"bad spread":        {"blkmq-4.17", func(c *Config) { c.Spread = "3.0" }},
		"too many queues":   {"blkmq-4.17", func(c *Config) { c.Queues = 9 }},
		"offline submitter": {"blkmq-4.17", func(c *Config) { c.Topology = "cpus=4 online=1-3" }},
		"last CPU offline":  {"blkmq-4.17", func(c *Config) { c.Topology = "cpus=2"; c.Hotplug = []Step{{CPU: 0}, {CPU: 1}} }},
		"online twice":      {"blkmq-4.17", func(c *Config) { c.Hotplug = []Step{{Online: true, CPU: 1}} }},
		"not present":       {"blkmq-4.17", func(c *Config) { c.Topology = "cpus=8 present=0-3"; c.Hotplug = []Step{{Online: true, CPU: 5}} }},
		"too many requests": {"blkmq-4.17", func(c *Config) { c.Requests = make([]Request, 4) }},
		"unreachable range": {"blkmq-4.17", func(c *Config) { c.Unreachable = []int{9} }},
	} {
		c2 := good
		if c.mod != nil {
			c.mod(&c2)
		}
		_, err := Build(c.variant, c2)
		require.Error(t, err, name)
	}
	_, err := ParseSteps("1")
	require.Error(t, err)
	_, err = ParseRequests("x")
	require.Error(t, err)
}

func TestVariants(t *testing.T) {
	vs := Variants()
	require.Equal(t, []string{"blkmq-4.17", "drain-5.8", "managed-4.11", "nonmanaged"}, vs[:4])
	for _, v := range vs {
		_, err := Build(v, cfg("cpus=4", 2, "current", "0", ""))
		require.NoError(t, err, v)
	}
}

// TestDrainRetryExercised: under drain-5.8 some execution sees queue 1 INACTIVE,
// puts the tag back, retries on queue 0 and completes there; and some execution is
// drained by the hotplug thread while the request is in flight.
func TestDrainRetryExercised(t *testing.T) {
	sc, err := Build("drain-5.8", cfg("cpus=8 present=0-3", 4, "4.17", "1", "-1"))
	require.NoError(t, err)
	var retried, drainedInFlight bool
	res := model.Explore(sc.Program, scModel(t), model.Options{}, func(g *model.ExecutionGraph) bool {
		require.Empty(t, Check(sc, g))
		for th := range sc.Threads {
			for _, m := range markers(g, th) {
				if m.tag == MarkRetry && sc.final(g, sc.L.Posted, 0) == 1 && sc.final(g, sc.L.Done, 0) == 1 {
					retried = true
				}
				if m.tag == MarkDrained && sc.final(g, sc.L.Posted, 0) == 2 {
					drainedInFlight = true
				}
			}
		}
		return true
	})
	require.True(t, res.Complete())
	require.True(t, retried, "no execution retried on another queue")
	require.True(t, drainedInFlight, "no execution drained queue 1")
}
