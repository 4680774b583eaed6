package traces

import (
	"context"
	"fmt"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// Budget bounds Minimize. Each exploration (one per candidate configuration, one for
// the final choice of execution) is cut at MaxExecutions executions and MaxSteps
// steps (zero: no bound); a candidate whose exploration is cut without a violation
// is rejected, so the result stays deterministic. MaxCandidates bounds the number of
// configurations tried (zero: no bound). Under a model that allows po ∪ rf cycles, the
// explorations visit executions with a cycle only when the trace's own execution has
// one: a smaller witness need not be of the same kind, and enumerating cycles costs
// far more than the first phase (model.Options.AcyclicOnly).
type Budget struct {
	MaxExecutions int64
	MaxSteps      int64
	MaxCandidates int
	// Timeout, when set, cuts each exploration after that much wall-clock time (the
	// result then depends on the machine), and Context, when canceled, cuts them all:
	// the minimization ends with the smallest trace found so far.
	Timeout time.Duration
	Context context.Context
}

// options bounds each exploration of the minimization of a trace whose execution is
// g: executions with a po ∪ rf cycle only when g has one (see Budget).
func (b Budget) options(g *model.ExecutionGraph) model.Options {
	return model.Options{MaxExecutions: b.MaxExecutions, MaxSteps: b.MaxSteps, Timeout: b.Timeout, Context: b.Context,
		AcyclicOnly: !model.HasPorfCycle(g)}
}

// DefaultBudget keeps minimization of the default-sized scenarios within seconds.
var DefaultBudget = Budget{MaxSteps: 20_000_000, MaxCandidates: 200}

// NotReproducedError is Minimize's error for a trace whose execution no longer
// violates its property: there is nothing to minimize.
type NotReproducedError struct{ Property string }

func (e *NotReproducedError) Error() string {
	return "trace does not violate " + e.Property + " any more: nothing to minimize"
}

// Size measures a counterexample.
type Size struct {
	Requests, CPUs, Targets, Queues int
	Steps                           int // hotplug steps (hotplug traces only)
	Events                          int // events of the execution
	Switches                        int // context switches in its rendering order
	hotplug                         bool
}

func (s Size) String() string {
	if s.hotplug {
		return fmt.Sprintf("%d requests, %d hotplug steps, %d events, %d switches", s.Requests, s.Steps, s.Events, s.Switches)
	}
	return fmt.Sprintf("%d requests, %d cpus, %d targets, %d queues, %d events, %d switches",
		s.Requests, s.CPUs, s.Targets, s.Queues, s.Events, s.Switches)
}

// less orders sizes lexicographically: configuration first, then the execution.
func (s Size) less(o Size) bool {
	a := [...]int{s.Requests, s.Steps, s.CPUs, s.Targets, s.Queues, s.Events, s.Switches}
	b := [...]int{o.Requests, o.Steps, o.CPUs, o.Targets, o.Queues, o.Events, o.Switches}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// Stats says what Minimize did.
type Stats struct {
	Original, Minimized Size
	Candidates          int // configurations tried
	Accepted            int // of which still violated the property
	Executions          int64
}

// Minimize shrinks a counterexample to a local minimum that still violates the same
// property under the same memory model: first the configuration (drop a request,
// then the highest CPU, target or queue when unused, then a queue), each candidate
// rebuilt and re-explored with only the trace's property checked, greedily until no
// candidate violates; then, among the violating executions of the smallest
// configuration, the one with the fewest events, then the fewest context switches in
// its rendering order. It is deterministic. The result is never larger than tr.
// A hotplug trace is minimized by dropping requests and hotplug steps instead
// (minimizeHotplug).
func Minimize(tr *Trace, b Budget) (*Trace, Stats, error) {
	if tr.Hotplug != nil {
		return minimizeHotplug(tr, b)
	}
	var st Stats
	rp, err := tr.Replay()
	if err != nil {
		return nil, st, err
	}
	if !rp.Reproduced {
		return nil, st, &NotReproducedError{Property: tr.Property}
	}
	m, err := barriers.New(tr.Model)
	if err != nil {
		return nil, st, err
	}
	cfg := rp.Scenario.Config
	st.Original = sizeOf(cfg, rp.Graph)
	only := []string{tr.Property}
	opts := b.options(rp.Graph)
	violates := func(c steering.Config) bool {
		sc, err := tr.buildSteering(c)
		if err != nil {
			return false
		}
		st.Candidates++
		chk := properties.NewCheckerFor(sc, m, only)
		chk.RaceSite = tr.RaceSite
		rep := properties.VerifyWith(chk, sc, m, opts)
		st.Executions += rep.Result.Executions
		return rep.Verdict == properties.Violated
	}
	for improved := true; improved; {
		improved = false
		for _, c := range shrinkConfig(cfg) {
			if b.MaxCandidates > 0 && st.Candidates >= b.MaxCandidates {
				break
			}
			if violates(c) {
				cfg, improved = c, true
				st.Accepted++
				break
			}
		}
	}
	best, bestMsg, bestSize, err := smallestExecution(tr, m, cfg, opts, &st)
	if err != nil {
		return nil, st, err
	}
	if best == nil || !bestSize.less(st.Original) {
		st.Minimized = st.Original
		return tr, st, nil
	}
	st.Minimized = bestSize
	p, _ := properties.Lookup(tr.Property)
	out := FromExecution(Header{Variant: tr.Variant, Mutant: tr.Mutant, Edits: tr.Edits, Config: cfg, Model: tr.Model,
		Property: p.ID, PropertyName: p.Name, Message: bestMsg, RaceSite: tr.RaceSite}, best)
	return out, st, nil
}

// smallestExecution explores cfg and keeps the violating execution of the least size.
func smallestExecution(tr *Trace, m model.Consistency, cfg steering.Config, opts model.Options, st *Stats) (*model.ExecutionGraph, string, Size, error) {
	sc, err := tr.buildSteering(cfg)
	if err != nil {
		return nil, "", Size{}, err
	}
	chk := properties.NewCheckerFor(sc, m, []string{tr.Property})
	chk.RaceSite = tr.RaceSite
	var best *model.ExecutionGraph
	var msg string
	var size Size
	res := model.Explore(sc.Program, m, opts, func(g *model.ExecutionGraph) bool {
		vs := chk.Check(g)
		if len(vs) == 0 {
			return true
		}
		if s := sizeOf(cfg, g); best == nil || s.less(size) {
			best, msg, size = g.Clone(), vs[0].Message, s
		}
		return true
	})
	st.Executions += res.Executions
	return best, msg, size, nil
}

// sizeOf measures an execution of a configuration.
func sizeOf(c steering.Config, g *model.ExecutionGraph) Size {
	return Size{Requests: len(c.Requests), CPUs: c.CPUs, Targets: c.Targets, Queues: c.Queues, Events: g.NumEvents(), Switches: switches(g)}
}

// switches counts the context switches of an execution in its rendering order.
func switches(g *model.ExecutionGraph) int {
	n := 0
	order := linearOrder(g)
	for i := 1; i < len(order); i++ {
		if order[i].Thread != order[i-1].Thread {
			n++
		}
	}
	return n
}

// shrinkConfig lists the configurations one step smaller than c, in the order they
// are tried: each request dropped (the last first), the highest CPU or target
// dropped when no request uses it, one queue fewer.
func shrinkConfig(c steering.Config) []steering.Config {
	var out []steering.Config
	if len(c.Requests) > 1 {
		for i := len(c.Requests) - 1; i >= 0; i-- {
			d := c
			d.Requests = append(append([]steering.Request(nil), c.Requests[:i]...), c.Requests[i+1:]...)
			out = append(out, d)
		}
	}
	used := func(f func(steering.Request) bool) bool {
		for _, r := range c.Requests {
			if f(r) {
				return true
			}
		}
		return false
	}
	if c.CPUs > 1 && !used(func(r steering.Request) bool { return r.CPU == c.CPUs-1 }) {
		d := c
		d.CPUs--
		out = append(out, d)
	}
	if c.Targets > 1 && !used(func(r steering.Request) bool { return r.Target == c.Targets-1 }) {
		d := c
		d.Targets--
		out = append(out, d)
	}
	if c.Queues > 1 {
		d := c
		d.Queues--
		out = append(out, d)
	}
	var valid []steering.Config
	for _, d := range out {
		if d.Validate() == nil {
			valid = append(valid, d)
		}
	}
	return valid
}
