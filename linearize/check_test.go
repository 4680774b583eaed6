package linearize_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// fifoMutants are the mutants the direct P1 check catches under sc at the default
// configuration (properties/mutants_test.go).
var fifoMutants = []struct{ variant, mutant string }{
	{"v2-2012", steering.MutReadBeforeInc},
	{"v2-2012", steering.MutGeOne},
	{"v3.10", steering.MutDecBeforeConsume},
}

func scModel(t testing.TB) model.Consistency {
	m, err := barriers.New("sc")
	require.NoError(t, err)
	return m
}

// TestCatchesFIFOMutants: on the execution the direct P1 check reports, the
// linearizability check finds the violation too.
func TestCatchesFIFOMutants(t *testing.T) {
	for _, c := range fifoMutants {
		t.Run(c.mutant, func(t *testing.T) {
			t.Parallel()
			sc, err := steering.Build(c.variant, c.mutant, steering.DefaultConfig())
			require.NoError(t, err)
			rep := properties.Verify(sc, scModel(t), model.Options{}, []string{"P1"})
			require.Equal(t, properties.Violated, rep.Verdict)
			res := linearize.CheckFIFO(sc, rep.Graph, time.Second)
			require.Equal(t, linearize.Violated, res.Verdict, "direct P1: %v", rep.Violation)
			assert.Contains(t, res.Message, "is not a FIFO")
			t.Logf("%s: %s", c.mutant, res.Message)

			path := filepath.Join(t.TempDir(), "p1.html")
			require.NoError(t, linearize.WriteHTML(path, sc, rep.Graph, res))
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Contains(t, string(b), "steer r")
		})
	}
}

// TestAgreesWithDirectCheck runs both checks on every execution of the mutants and
// of their correct variants (the first 3000 with -short): they agree on every one.
func TestAgreesWithDirectCheck(t *testing.T) {
	cases := append([]struct{ variant, mutant string }{{"v2-2012", ""}, {"v3.10", ""}}, fifoMutants...)
	for _, c := range cases {
		name := c.variant + "+" + c.mutant
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, err := steering.Build(c.variant, c.mutant, steering.DefaultConfig())
			require.NoError(t, err)
			chk := properties.NewChecker(sc, []string{"P1"})
			var execs, direct, lin int
			model.Explore(sc.Program, scModel(t), model.Options{}, func(g *model.ExecutionGraph) bool {
				execs++
				d := len(chk.Check(g)) > 0
				res := linearize.CheckFIFO(sc, g, time.Second)
				require.NotEqual(t, linearize.Unknown, res.Verdict)
				l := res.Verdict == linearize.Violated
				if d {
					direct++
				}
				if l {
					lin++
				}
				require.Equal(t, d, l, "direct P1 and linearizability disagree: %s", res.Message)
				return !testing.Short() || execs < 3000
			})
			t.Logf("%s: %d executions, direct P1 flags %d, linearizability flags %d", name, execs, direct, lin)
			if c.mutant == "" {
				assert.Zero(t, lin)
			} else {
				assert.NotZero(t, lin)
			}
		})
	}
}

func TestHoldsHistoryShape(t *testing.T) {
	sc, err := steering.Build("v3.10", "", steering.DefaultConfig())
	require.NoError(t, err)
	var g *model.ExecutionGraph
	model.Explore(sc.Program, scModel(t), model.Options{}, func(x *model.ExecutionGraph) bool {
		g = x.Clone()
		return false
	})
	res := linearize.CheckFIFO(sc, g, 0)
	require.Equal(t, linearize.Holds, res.Verdict)
	assert.Empty(t, res.Message)
	var enq, deq int
	for _, op := range res.History.Ops {
		in := op.Input.(linearize.Input)
		if in.Kind == linearize.Enqueue {
			enq++
			assert.Less(t, op.Call, op.Return)
		} else {
			deq++
			assert.Equal(t, op.Call, op.Return)
		}
	}
	assert.Equal(t, 3, enq)
	assert.Equal(t, 3, deq)
	assert.Equal(t, linearize.RelSC, res.History.Rel)
	assert.True(t, strings.HasPrefix(linearize.Verdict(2).String(), "unknown"))
}
