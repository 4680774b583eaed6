package properties

import (
	"fmt"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/linearize"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// Checker runs the selected properties on complete execution graphs of one scenario.
// It keeps state across the executions of a run (the lock-order graph of P5) and
// scratch buffers, so it allocates little per execution; it is not safe for
// concurrent use.
type Checker struct {
	sc      *steering.Scenario
	props   []Property
	enabled [12]bool   // by property number
	races   raceFinder // the model's data races (P11), nil when it has none
	f       facts
	o       order
	locks   lockOrder
	n       int64  // executions checked
	seen    []bool // ringAccounting's scratch
	// Porcupine runs the porcupine form of P1 on every execution (the default); the
	// direct form alone is allocation-free and is what benchmarks of the checker's
	// own cost turn it off for.
	Porcupine bool
	// RaceSite, when set, makes P11 report only races one of whose accesses an
	// instruction of that site (model.Instr.Site) made: how `steercheck barriers` asks
	// whether weakening that annotation alone creates a race, in a variant that may
	// race elsewhere by design.
	RaceSite string
}

// NewChecker returns a checker for sc running the properties named in only (IDs such
// as "P1" or names such as "fifo-per-target"; nil for all). It panics on an unknown
// name: callers that take names from users validate them with Select first.
func NewChecker(sc *steering.Scenario, only []string) *Checker {
	props, err := Select(only)
	if err != nil {
		panic("properties: " + err.Error())
	}
	c := &Checker{sc: sc, props: props, Porcupine: true}
	for _, p := range props {
		var k int
		fmt.Sscanf(p.ID, "P%d", &k)
		c.enabled[k] = true
	}
	c.locks.init()
	return c
}

// NewCheckerFor is NewChecker for executions of memory model m. When m has a global
// order of its own (barriers.Ordered) and is not sc, P1 and P2 are judged on that order
// (see order.buildModel), and their messages name it; otherwise, and always under sc,
// they are judged as NewChecker's are: on po ∪ rf ∪ co ∪ fr when the execution is
// sequentially consistent, else on the (po ∪ rf)+ and po fallbacks. The checker uses
// a fresh instance of m, never m itself, so m may keep exploring meanwhile.
func NewCheckerFor(sc *steering.Scenario, m model.Consistency, only []string) *Checker {
	c := NewChecker(sc, only)
	if m == nil || m.Name() == "sc" {
		return c
	}
	if _, ok := m.(raceFinder); ok && c.enabled[11] {
		if fresh, err := barriers.New(m.Name()); err == nil {
			c.races = fresh.(raceFinder)
		}
	}
	if _, ok := m.(barriers.Ordered); !ok {
		return c
	}
	if fresh, err := barriers.New(m.Name()); err == nil {
		if o, ok := fresh.(barriers.Ordered); ok {
			c.o.model = o
		}
		if both, ok := fresh.(orderRaceFinder); ok && c.races != nil {
			c.o.racer = both
		}
	}
	return c
}

// Properties lists the properties the checker runs.
func (c *Checker) Properties() []Property { return append([]Property(nil), c.props...) }

// Executions is the number of graphs checked so far.
func (c *Checker) Executions() int64 { return c.n }

// Check runs the selected properties on one complete graph and returns the
// violations, at most one per property, in property order (nil when all hold).
func (c *Checker) Check(g *model.ExecutionGraph) []Violation {
	c.n++
	c.f.extract(c.sc, g)
	c.o.racesOf = nil
	if c.enabled[1] || c.enabled[2] {
		c.o.build(g)
	}
	var out []Violation
	add := func(k int, msg string, evs ...model.EventRef) {
		if msg == "" {
			return
		}
		if (k == 1 || k == 2) && c.o.rel == RelModel {
			msg += fmt.Sprintf(" [judged on %s]", c.o.glob.Name)
		} else if (k == 1 || k == 2) && c.o.rel != RelSC {
			msg += fmt.Sprintf(" [judged on %s: the execution is not sequentially consistent]", c.o.rel)
		}
		out = append(out, Violation{Property: all[propertyIndex(k)], Message: msg, Events: keep(evs)})
	}
	if c.enabled[1] {
		// P1 is judged by porcupine (linearizability of each target's stream against a
		// FIFO); the direct check names the events to highlight and cross-checks it.
		msg, evs := c.fifo()
		// porcupine's logical time is a topological order of po∪rf∪co∪fr or (po∪rf)+;
		// it has none of a weak model's own order, so under one (RelModel) the direct
		// form alone judges P1.
		lin := linearize.Result{Verdict: linearize.Holds}
		// Requests blk-mq steered make no per-target promise; porcupine's stream holds
		// every request, so it judges executions without them only.
		porc := c.Porcupine && c.o.rel != RelModel && !c.f.blkmq
		if porc {
			lin = linearize.CheckFIFO(c.sc, g, 0)
		}
		switch {
		case !porc:
		case lin.Verdict == linearize.Violated && msg == "":
			msg = "porcupine: " + lin.Message
		case lin.Verdict == linearize.Holds && msg != "":
			msg += " (checker disagreement: porcupine found a FIFO linearization)"
		}
		add(1, msg, evs...)
	}
	if c.enabled[2] {
		msg, evs := c.oneQueue()
		add(2, msg, evs...)
	}
	if c.enabled[3] {
		msg, evs := c.accounting(g)
		add(3, msg, evs...)
	}
	if c.enabled[4] {
		msg, evs := c.exactlyOnce(g)
		add(4, msg, evs...)
	}
	if c.enabled[5] {
		msg, evs := c.deadlock(g)
		add(5, msg, evs...)
	}
	if c.enabled[6] {
		msg, evs := c.noHang(g)
		add(6, msg, evs...)
	}
	if c.enabled[11] {
		msg, evs := c.dataRaceFree(g)
		add(11, msg, evs...)
	}
	return out
}

// keep drops absent events from a violation's list.
func keep(evs []model.EventRef) []model.EventRef {
	var out []model.EventRef
	for _, e := range evs {
		if has(e) {
			out = append(out, e)
		}
	}
	return out
}

// rq names request id for messages.
func (c *Checker) rq(id int) string { return c.sc.DescribeRequest(id) }

// target is the target of request id.
func (c *Checker) target(id int) int { return c.sc.Requests[id].Target }

// Verify explores every execution of sc's program under m and checks each with the
// selected properties, stopping at the first violation of an ordering property
// (P1–P6). A data race (P11) is kept and the search goes on: a variant that races by
// design (a seqcount writer's plain increment) would otherwise hide every ordering
// bug behind its first execution. The race is reported when nothing else breaks, and
// alongside (Report.Race) when something does. The verdict is Holds only when the
// exploration completed (no budget ran out, no loop bound was hit); otherwise,
// without a violation, it is Unknown.
func Verify(sc *steering.Scenario, m model.Consistency, opts model.Options, only []string) Report {
	return VerifyWith(NewCheckerFor(sc, m, only), sc, m, opts)
}

// VerifyWith is Verify with a checker of the caller's (made by NewCheckerFor for sc
// and m, with fields such as RaceSite set).
func VerifyWith(c *Checker, sc *steering.Scenario, m model.Consistency, opts model.Options) Report {
	rep, ok := Report{}, false
	if opts.Workers > 1 || opts.Resume != nil {
		rep, ok = verifyParallel(c, sc, m, opts)
	}
	if !ok {
		f := &findings{checker: c}
		rep.Result = model.Explore(sc.Program, m, opts, f.check)
		rep.Violation, rep.Graph, rep.Race = f.violation, f.graph, f.race
		if rep.Violation == nil && f.race != nil {
			rep.Violation, rep.Graph, rep.Race = f.race, f.raceGraph, nil
		}
		rep.LockOrder = c.locks.edgeList()
	}
	switch {
	case rep.Violation != nil:
		rep.Verdict = Violated
	case rep.Result.Complete():
		rep.Verdict = Holds
	default:
		rep.Verdict = Unknown
	}
	return rep
}
