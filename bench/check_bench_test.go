package bench

import (
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// checkBudget bounds BenchmarkCheck's run: the scenario has tens of millions of
// executions, so it times the first ones.
const checkBudget = 200_000

// BenchmarkCheck times what `check` does per execution, the explorer and every
// property's checker (P1's linearizability check by porcupine included), on one
// worker, for v3.10 under sc at 3 CPUs × 2 targets × 2 requests with --symmetry: the
// configuration issue 17 asks to complete. The explore benchmarks visit without
// checking; this one shows what the checkers add.
func BenchmarkCheck(b *testing.B) {
	cfg := scenarios()["3cpu-2tgt-2q-2req"]
	sc, err := steering.Build("v3.10", "", cfg)
	if err != nil {
		b.Fatal(err)
	}
	m, err := barriers.New("sc")
	if err != nil {
		b.Fatal(err)
	}
	var rep properties.Report
	b.ResetTimer()
	mt := startMeter()
	for i := 0; i < b.N; i++ {
		rep = properties.Verify(sc, m, model.Options{MaxExecutions: checkBudget, Symmetry: true}, nil)
	}
	b.StopTimer()
	if rep.Violation != nil || rep.Result.Executions != checkBudget {
		b.Fatalf("want %d executions and no violation, got %d (%v)", checkBudget, rep.Result.Executions, rep.Violation)
	}
	mt.report(b, rep.Result.Executions)
}
