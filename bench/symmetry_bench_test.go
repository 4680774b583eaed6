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

var symmetryBig = flag.Bool("symmetry.big", false, "BenchmarkSymmetry: also 4 CPUs (a minute or two)")

// BenchmarkSymmetry is a whole check (properties.Verify, one worker) of each steering
// variant under sc, with and without Options.Symmetry: at three CPUs (cpu0 and cpu2
// interchangeable; single: all three) and, with -symmetry.big, at four (v3.10: two pairs;
// single: all four). The executions metric shows the reduction, s/run what it saves.
//
//	go test ./bench -run XXX -bench Symmetry -benchtime 1x [-args -symmetry.big]
func BenchmarkSymmetry(b *testing.B) {
	cpus := []int{3}
	if *symmetryBig {
		cpus = append(cpus, 4)
	}
	for _, n := range cpus {
		cfg := requestPerCPU(n)
		for _, v := range steering.VariantNames() {
			if n == 4 && v != "v3.10" && v != "single" {
				continue
			}
			for _, sym := range []bool{false, true} {
				b.Run(fmt.Sprintf("%dcpu/%s/symmetry=%v", n, v, sym), func(b *testing.B) {
					sc, err := steering.Build(v, "", cfg)
					if err != nil {
						b.Fatal(err)
					}
					var res model.Result
					mt := startMeter()
					for i := 0; i < b.N; i++ {
						m, err := barriers.New("sc")
						if err != nil {
							b.Fatal(err)
						}
						rep := properties.Verify(sc, m, model.Options{Symmetry: sym}, nil)
						if rep.Verdict != properties.Holds {
							b.Fatalf("%s: %v", v, rep.Verdict)
						}
						res = rep.Result
					}
					mt.report(b, res.Executions)
				})
			}
		}
	}
}

// requestPerCPU is the default configuration at n CPUs, one request per CPU to target 0.
func requestPerCPU(n int) steering.Config {
	cfg := steering.DefaultConfig()
	cfg.CPUs, cfg.Requests = n, nil
	for c := 0; c < n; c++ {
		cfg.Requests = append(cfg.Requests, steering.Request{CPU: c, Target: 0})
	}
	return cfg
}
