package bench

import (
	"flag"
	"fmt"
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

var workersBig = flag.Bool("workers.big", false, "BenchmarkWorkers: also v3.10 at 4 CPUs (minutes)")

// workerCase is one run of BenchmarkWorkers, with its known execution count.
type workerCase struct {
	name       string
	big        bool
	executions int64
	run        func(workers int) model.Result
}

// verifyRun checks variant at cfg under modelName with the given workers.
func verifyRun(variant, modelName string, cfg steering.Config) func(int) model.Result {
	return func(workers int) model.Result {
		sc, err := steering.Build(variant, "", cfg)
		if err != nil {
			panic(err)
		}
		m, err := barriers.New(modelName)
		if err != nil {
			panic(err)
		}
		return properties.Verify(sc, m, model.Options{Workers: workers}, nil).Result
	}
}

// vqRun explores the vq program with n submitters under modelName.
func vqRun(n int, modelName string) func(int) model.Result {
	return func(workers int) model.Result {
		p := VQ(n, true)
		res, _ := model.ExploreParallel(p, model.Options{Workers: workers}, model.Parallel{
			NewModel: func() model.Consistency {
				m, err := barriers.New(modelName)
				if err != nil {
					panic(err)
				}
				return m
			},
			NewVisit: func(int) func(*model.ExecutionGraph) bool {
				return func(*model.ExecutionGraph) bool { return true }
			},
		})
		return res
	}
}

// BenchmarkWorkers is one run split over 1 and 2 workers (model.ExploreParallel): the
// same executions, in less time when the cores are free. Compare s/run across
// workers=1 and workers=2 (issue 17 asks for 1.8× at v3.10, sc, 4 CPUs).
func BenchmarkWorkers(b *testing.B) {
	four := steering.Config{CPUs: 4, Targets: 1, Queues: 2,
		Requests: []steering.Request{{CPU: 0}, {CPU: 1}, {CPU: 2}, {CPU: 3}}}
	cases := []workerCase{
		{name: "v3.10-sc-3cpu", executions: 2094, run: verifyRun("v3.10", "sc", steering.DefaultConfig())},
		{name: "v3.19-seqcount-sc-3cpu", executions: 37992, run: verifyRun("v3.19-seqcount", "sc", steering.DefaultConfig())},
		{name: "vq-lkmm-N=4", executions: VQExecutions[4], run: vqRun(4, "lkmm")},
		{name: "v3.10-sc-4cpu", big: true, executions: 522696, run: verifyRun("v3.10", "sc", four)},
		{name: "vq-armv8-N=4", executions: VQExecutions[4], run: vqRun(4, "armv8")},
	}
	for _, c := range cases {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(b *testing.B) {
				if c.big && !*workersBig {
					b.Skip("needs -workers.big")
				}
				var res model.Result
				mt := startMeter()
				for i := 0; i < b.N; i++ {
					res = c.run(workers)
				}
				mt.report(b, res.Executions)
				if res.Executions != c.executions || !res.Complete() {
					b.Fatalf("%s with %d workers: %d executions (%s), want %d; reproduce: go test ./bench -run XXX -bench 'Workers/%s/workers=%d$' -workers.big",
						c.name, workers, res.Executions, res.Reason, c.executions, c.name, workers)
				}
			})
		}
	}
}
