package traces_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

func TestDOT(t *testing.T) {
	tr := counterexample(t, "v2-2012", steering.MutGeOne, "P1", steering.DefaultConfig())
	rp, err := tr.Replay()
	require.NoError(t, err)
	dot := traces.DOT(rp.Graph, rp.Violations[0].Events)
	assert.True(t, strings.HasPrefix(dot, "digraph execution {"))
	assert.True(t, strings.HasSuffix(dot, "}\n"))
	for _, want := range []string{`thread0 [label="cpu0 (cpu) — done"`, `label="rf"`, `label="co"`, `label="fr"`, `label="po"`,
		"shape=box", "fillcolor", "cpu0 (", "» submit"} {
		assert.Contains(t, dot, want)
	}
	// Every event is a node.
	assert.Equal(t, rp.Graph.NumEvents(), countNodes(dot))
	assert.Contains(t, dot, "darkgreen", "no dependency edge drawn")
	// Deterministic.
	assert.Equal(t, dot, traces.DOT(rp.Graph, rp.Violations[0].Events))
}

func countNodes(dot string) int {
	n := 0
	for _, line := range strings.Split(dot, "\n") {
		if strings.HasPrefix(line, "  e") && !strings.Contains(line, "->") {
			n++
		}
	}
	return n
}

// TestDOTEdges draws one execution of message passing with an smp_wmb and an
// address-dependent read, and checks each kind of edge by name.
func TestDOTEdges(t *testing.T) {
	p := model.NewProgram("MP+wmb+addr")
	a := p.ArrayOf("a", 2, 0)
	flag := p.Var("flag", 0)
	w := p.Thread("P0", "cpu")
	w.WriteOnce(a.At(1), 1)
	w.SmpWmb()
	w.WriteOnce(flag, 1)
	r := p.Thread("P1", "cpu")
	f := r.ReadOnce(flag)
	r.ReadOnce(a.Idx(f))
	m, err := barriers.New("sc")
	require.NoError(t, err)
	var dots []string
	model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		dots = append(dots, traces.DOT(g, nil))
		return true
	})
	require.NotEmpty(t, dots)
	all := strings.Join(dots, "\n")
	// P1 reads flag (its event 0) and then a[flag] (event 1) with an address dependency.
	assert.Contains(t, all, `e1_0 -> e1_1 [label="addr"`)
	assert.Contains(t, all, `e1_0 -> e1_1 [label="po"]`)
	// The fence is a box.
	assert.Regexp(t, `e0_1 \[label="#1: smp_wmb\(\)", shape=box`, all)
	// Some execution reads flag = 1 from P0 (rf), some reads the initial value and so
	// comes before P0's write (fr).
	assert.Contains(t, all, `e0_2 -> e1_0 [label="rf"`)
	assert.Contains(t, all, `e1_0 -> e0_2 [label="fr"`)
	assert.Contains(t, all, `init`)
	for _, d := range dots {
		assert.Equal(t, strings.Count(d, "{"), strings.Count(d, "}"), "unbalanced braces:\n%s", d)
	}
}

// TestDOTCoherence draws two writes to one location: a co edge between them.
func TestDOTCoherence(t *testing.T) {
	p := model.NewProgram("2W")
	x := p.Var("x", 0)
	p.Thread("P0", "cpu").WriteOnce(x, 1)
	p.Thread("P1", "cpu").WriteOnce(x, 2)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	var all strings.Builder
	model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		all.WriteString(traces.DOT(g, []model.EventRef{{Thread: 0, Index: 0}}))
		return true
	})
	assert.Contains(t, all.String(), `e0_0 -> e1_0 [label="co"`)
	assert.Contains(t, all.String(), `e1_0 -> e0_0 [label="co"`)
	assert.Contains(t, all.String(), `fillcolor`)
}
