package properties

import (
	"math/rand"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// Search checks sc's program on walks random executions under sequential consistency,
// for configurations beyond the reach of exhaustive exploration. sched returns the
// scheduler of walk i (uniform random walks, PCT, or choices drawn by a property-test
// library). The verdict is Violated with the first violating execution, or Unknown:
// random search never shows that a property holds.
func Search(sc *steering.Scenario, walks int, sched func(i int) model.Scheduler, only []string) Report {
	c := NewChecker(sc, only)
	rep := Report{Verdict: Unknown}
	for i := 0; i < walks; i++ {
		g := model.Walk(sc.Program, sched(i))
		rep.Result.Executions++
		if vs := c.Check(g); len(vs) > 0 {
			v := vs[0]
			rep.Verdict, rep.Violation, rep.Graph = Violated, &v, g
			return rep
		}
	}
	return rep
}

// SeededSchedulers alternates uniform random walks and PCT walks of bug depth 3, all
// from one seed, so a search is reproducible.
func SeededSchedulers(sc *steering.Scenario, seed int64) func(i int) model.Scheduler {
	rng := rand.New(rand.NewSource(seed))
	steps := 0
	for _, t := range sc.Program.Threads {
		steps += len(t.Code)
	}
	return func(i int) model.Scheduler {
		if i%2 == 0 {
			return model.UniformScheduler{Rand: rng}
		}
		return model.NewPCTScheduler(rng, len(sc.Program.Threads), steps, 3)
	}
}
