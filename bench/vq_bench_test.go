package bench

import (
	"flag"
	"fmt"
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// The vq benchmark (vq.go): GenMC's program, explored to the end under each model.
// Each run must visit exactly GenMC's number of executions (a benchmark that counts
// differently fails). N=5 (2.18 million executions) runs only with -vq.big (armv8 at
// N=4 needed it too while its second phase speculated the completer's atomic_dec reads,
// about a minute; the coherence rule of model/porfcycle.go leaves it no open pair):
//
//	go test ./bench -run XXX -bench 'VQ/' -vq.big

var vqBig = flag.Bool("vq.big", false, "BenchmarkVQ: also N=5 under every model")

var vqModels = []string{"sc", "tso", "lkmm", "armv8"}

// benchVQ explores vq with n submitters under the named model b.N times and reports
// the executions per second.
func benchVQ(b *testing.B, n int, name string, opts model.Options) {
	p := VQ(n, true)
	var res model.Result
	mt := startMeter()
	for i := 0; i < b.N; i++ {
		m, err := barriers.New(name)
		if err != nil {
			b.Fatal(err)
		}
		res = model.Explore(p, m, opts, func(*model.ExecutionGraph) bool { return true })
	}
	mt.report(b, res.Executions)
	want := VQExecutions[n]
	if res.Executions != want || res.OutOfBound != 0 || res.Reason != model.Exhausted && res.Reason != model.CyclesSkipped {
		b.Fatalf("vq N=%d under %s: %d executions (%s, %d out of bound), GenMC explores %d; reproduce: go test ./bench -run XXX -bench 'VQ.*/N=%d/%s$'",
			n, name, res.Executions, res.Reason, res.OutOfBound, want, n, name)
	}
}

// BenchmarkVQ is the whole exploration (both phases under lkmm and armv8).
func BenchmarkVQ(b *testing.B) {
	for n := 2; n <= 5; n++ {
		for _, name := range vqModels {
			b.Run(fmt.Sprintf("N=%d/%s", n, name), func(b *testing.B) {
				if n == 5 && !*vqBig {
					b.Skip("needs -vq.big")
				}
				benchVQ(b, n, name, model.Options{})
			})
		}
	}
}

// BenchmarkVQAcyclic is the first phase alone under the models that allow po ∪ rf
// cycles (model.Options.AcyclicOnly): the graphs without one, which for vq are all of
// its executions (the count is GenMC's).
func BenchmarkVQAcyclic(b *testing.B) {
	for n := 2; n <= 5; n++ {
		for _, name := range []string{"lkmm", "armv8"} {
			b.Run(fmt.Sprintf("N=%d/%s", n, name), func(b *testing.B) {
				if n == 5 && !*vqBig {
					b.Skip("needs -vq.big")
				}
				benchVQ(b, n, name, model.Options{AcyclicOnly: true})
			})
		}
	}
}
