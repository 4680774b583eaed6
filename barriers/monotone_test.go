package barriers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// The explorer's second phase (model/speculate.go) relies on every model that allows
// po ∪ rf cycles being monotone in reads-from: a consistent graph stays consistent
// when reads lose their write (model.Speculated), together with the from-read edges
// that write gave them. Checked on every consistent graph of the shape and kernel
// tables, forgetting each read's write alone and all of them at once.
func TestWeakModelsAreMonotoneInReadsFrom(t *testing.T) {
	programs := tablePrograms()
	for _, name := range []string{"lkmm", "lkmm-alpha", "armv8"} {
		m, err := New(name)
		require.NoError(t, err)
		if _, ok := m.(model.PorfCyclic); !assert.True(t, ok, name) {
			continue
		}
		graphs, forgotten := 0, 0
		for _, p := range programs {
			if Supports(m, p) != nil {
				continue
			}
			model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
				graphs++
				var reads []*model.Event
				for th := range g.Threads {
					for i := range g.Threads[th].Events {
						if e := &g.Threads[th].Events[i]; e.Kind == model.KindRead {
							reads = append(reads, e)
						}
					}
				}
				saved := make([]model.EventRef, len(reads))
				for i, r := range reads {
					saved[i] = r.RF
					r.RF = model.Speculated()
					forgotten++
					assert.True(t, m.Consistent(g), "%s %s: consistent, but not without the write of one read\n%s", name, p.Name, g)
					r.RF = saved[i]
				}
				for _, r := range reads {
					r.RF = model.Speculated()
				}
				assert.True(t, m.Consistent(g), "%s %s: consistent, but not without the writes of its reads", name, p.Name)
				for i, r := range reads {
					r.RF = saved[i]
				}
				return true
			})
		}
		assert.Positive(t, forgotten, name)
		t.Logf("%s: %d graphs, %d reads forgotten one at a time", name, graphs, forgotten)
	}
}

// tablePrograms builds every program of the shape and kernel-test tables.
func tablePrograms() []*model.Program {
	var out []*model.Program
	for _, s := range shapes {
		p, _ := s.build()
		out = append(out, p)
	}
	for _, k := range kernelTests {
		p, _, _ := k.build()
		out = append(out, p)
	}
	return out
}
