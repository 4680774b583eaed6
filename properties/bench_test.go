package properties_test

import (
	"testing"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// BenchmarkCheck measures one Check of a complete default-configuration execution.
func BenchmarkCheck(b *testing.B) {
	for _, v := range []string{"v2-2012", "v3.19-seqcount"} {
		b.Run(v, func(b *testing.B) {
			s, err := steering.Build(v, "", steering.DefaultConfig())
			if err != nil {
				b.Fatal(err)
			}
			m := benchSC(b)
			var graphs []*model.ExecutionGraph
			model.Explore(s.Program, m, model.Options{MaxExecutions: 64}, func(g *model.ExecutionGraph) bool {
				graphs = append(graphs, g.Clone())
				return true
			})
			c := properties.NewChecker(s, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if vs := c.Check(graphs[i%len(graphs)]); len(vs) != 0 {
					b.Fatal(vs)
				}
			}
		})
	}
}
