package bench

import (
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// The two reference scenarios of the core issue.
func scenarios() map[string]steering.Config {
	return map[string]steering.Config{
		"3cpu-1tgt-2q-1req": {CPUs: 3, Targets: 1, Queues: 2,
			Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}, {CPU: 2, Target: 0}}},
		"3cpu-2tgt-2q-2req": {CPUs: 3, Targets: 2, Queues: 2,
			Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 0, Target: 1}, {CPU: 1, Target: 0}, {CPU: 1, Target: 1}, {CPU: 2, Target: 0}, {CPU: 2, Target: 1}}},
		// The weak models' second phase completes here (docs/VERDICTS.md).
		"2cpu-1tgt-2q": {CPUs: 2, Targets: 1, Queues: 2,
			Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}},
	}
}

// benchBudget bounds one exploration: the larger scenario has millions of executions
// under the current explorer, so the benchmark reports how far it got in this budget
// (the "complete" metric is 1 when the exploration was exhaustive).
const benchBudget = 2_000_000

// weakSteps bounds the weak models' runs: their second phase (graphs with po∪rf cycles)
// is exponential on steering programs, so they report how far a fixed budget got. At
// three CPUs armv8 gets weakStepsARMv8 and completes v2-2012; lkmm does not (it
// completes single and v3.10). At two CPUs every weak model gets weakSteps2cpu,
// enough to complete.
const (
	weakSteps      = 300_000
	weakStepsARMv8 = 500_000
	weakSteps2cpu  = 2_000_000
)

func benchExplore(b *testing.B, variant, name, modelName string) {
	cfg := scenarios()[name]
	sc, err := steering.Build(variant, "", cfg)
	if err != nil {
		b.Fatal(err)
	}
	var res model.Result
	b.ResetTimer()
	mt := startMeter()
	for i := 0; i < b.N; i++ {
		m, err := barriers.New(modelName)
		if err != nil {
			b.Skip(err)
		}
		opts := model.Options{MaxExecutions: benchBudget}
		if modelName != "sc" && modelName != "tso" {
			opts.MaxSteps = weakSteps
			if modelName == "armv8" {
				opts.MaxSteps = weakStepsARMv8
			}
			if cfg.CPUs == 2 {
				opts.MaxSteps = weakSteps2cpu
			}
		}
		res = model.Explore(sc.Program, m, opts, func(*model.ExecutionGraph) bool { return true })
	}
	b.StopTimer()
	complete := 0.0
	if res.Complete() {
		complete = 1
	}
	b.ReportMetric(complete, "complete")
	mt.report(b, res.Executions)
}

func BenchmarkV2_2012_SC_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "v2-2012", "3cpu-1tgt-2q-1req", "sc")
}

func BenchmarkV2_2012_SC_3cpu2tgt2q2req(b *testing.B) {
	benchExplore(b, "v2-2012", "3cpu-2tgt-2q-2req", "sc")
}

func BenchmarkV2_2012_TSO_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "v2-2012", "3cpu-1tgt-2q-1req", "tso")
}

func BenchmarkV2_2012_LKMM_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "v2-2012", "3cpu-1tgt-2q-1req", "lkmm")
}

func BenchmarkV2_2012_LKMMAlpha_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "v2-2012", "3cpu-1tgt-2q-1req", "lkmm-alpha")
}

func BenchmarkV2_2012_ARMv8_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "v2-2012", "3cpu-1tgt-2q-1req", "armv8")
}

func BenchmarkV2_2012_ARMv8_2cpu1tgt2q(b *testing.B) {
	benchExplore(b, "v2-2012", "2cpu-1tgt-2q", "armv8")
}

// v2-2012 under lkmm at two CPUs: the second phase completes, speculating the reads
// before the plain req_vq write that is read outside tgt_lock.
func BenchmarkV2_2012_LKMM_2cpu1tgt2q(b *testing.B) {
	benchExplore(b, "v2-2012", "2cpu-1tgt-2q", "lkmm")
}

// v3.10 under lkmm at three CPUs: every plain access is guarded by its lock, so no read
// is speculated and the run is the first phase alone.
func BenchmarkV3_10_LKMM_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "v3.10", "3cpu-1tgt-2q-1req", "lkmm")
}

// single under lkmm and armv8 at three CPUs: the atomic_inc of tgt->reqs before the
// critical section is speculated, and since nothing reads reqs each speculated read
// takes one placeholder value (model/blind.go).
func BenchmarkSingle_LKMM_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "single", "3cpu-1tgt-2q-1req", "lkmm")
}

func BenchmarkSingle_ARMv8_3cpu1tgt2q1req(b *testing.B) {
	benchExplore(b, "single", "3cpu-1tgt-2q-1req", "armv8")
}
