package bench

import (
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// BenchmarkHMC runs model.ExploreHMC, the explorer that builds po ∪ rf cycles directly
// (BARRIERS.md's cells fall back to it), on steering variants at two CPUs, where
// Benchmark*_2cpu1tgt2q run the two-phase explorer: its steps per second are what has
// to come close to the two-phase explorer's before it can replace the speculation
// phase (docs/DESIGN.md). It reports the steps as well as the meter's figures.
func BenchmarkHMC(b *testing.B) {
	for _, v := range []string{"v2-2012", "v3.10"} {
		for _, name := range []string{"lkmm", "armv8"} {
			b.Run(v+"/"+name, func(b *testing.B) {
				sc, err := steering.Build(v, "", scenarios()["2cpu-1tgt-2q"])
				if err != nil {
					b.Fatal(err)
				}
				m, err := barriers.New(name)
				if err != nil {
					b.Fatal(err)
				}
				var res model.Result
				b.ResetTimer()
				mt := startMeter()
				for i := 0; i < b.N; i++ {
					res = model.ExploreHMC(sc.Program, m, model.Options{MaxSteps: weakSteps2cpu}, func(*model.ExecutionGraph) bool { return true })
				}
				b.StopTimer()
				if !res.Complete() {
					b.Fatalf("%s under %s: %v after %d steps", v, name, res.Reason, res.Steps())
				}
				b.ReportMetric(float64(res.Steps()), "steps")
				b.ReportMetric(float64(res.Steps())/(b.Elapsed().Seconds()/float64(b.N)), "steps/s")
				mt.report(b, res.Executions)
			})
		}
	}
}
