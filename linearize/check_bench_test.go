package linearize_test

import (
	"testing"

	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// BenchmarkCheckFIFO times P1's linearizability check alone on the first 2,000
// executions of v3.10 under sc at 3 CPUs × 2 targets × 2 requests, the configuration
// whose runs it dominated (about half of check's time before it moved off maps). One
// op is one execution checked.
func BenchmarkCheckFIFO(b *testing.B) {
	cfg := steering.Config{CPUs: 3, Targets: 2, Queues: 2, Requests: []steering.Request{
		{CPU: 0, Target: 0}, {CPU: 0, Target: 1}, {CPU: 1, Target: 0}, {CPU: 1, Target: 1}, {CPU: 2, Target: 0}, {CPU: 2, Target: 1}}}
	sc, err := steering.Build("v3.10", "", cfg)
	if err != nil {
		b.Fatal(err)
	}
	var graphs []*model.ExecutionGraph
	model.Explore(sc.Program, scModel(b), model.Options{}, func(g *model.ExecutionGraph) bool {
		graphs = append(graphs, g.Clone())
		return len(graphs) < 2000
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := linearize.CheckFIFO(sc, graphs[i%len(graphs)], 0); res.Verdict != linearize.Holds {
			b.Fatalf("execution %d: %s", i%len(graphs), res.Message)
		}
	}
}
