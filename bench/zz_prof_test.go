package bench

import (
	"testing"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

func zzCfg() steering.Config {
	cfg := steering.DefaultConfig()
	cfg.CPUs, cfg.Targets = 3, 2
	cfg.Requests = []steering.Request{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}, {2, 1}}
	return cfg
}

func BenchmarkZZVerify(b *testing.B) {
	sc, _ := steering.Build("v3.10", "", zzCfg())
	m, _ := barriers.New("sc")
	mt := startMeter()
	rep := properties.Verify(sc, m, model.Options{Symmetry: true, MaxSteps: 15_000_000}, nil)
	mt.report(b, rep.Result.Executions)
	b.Logf("%v %d %d", rep.Verdict, rep.Result.Executions, rep.Result.Steps())
}

func BenchmarkZZExplore(b *testing.B) {
	sc, _ := steering.Build("v3.10", "", zzCfg())
	m, _ := barriers.New("sc")
	mt := startMeter()
	res := model.Explore(sc.Program, m, model.Options{Symmetry: true, MaxSteps: 15_000_000}, func(*model.ExecutionGraph) bool { return true })
	mt.report(b, res.Executions)
	b.Logf("%d %d", res.Executions, res.Steps())
}
