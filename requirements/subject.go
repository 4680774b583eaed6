package requirements

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

// Subject is one variant under analysis, at the configuration its results are stated
// for: a steering variant (properties P1–P5) or a hotplug variant (P6–P10).
type Subject struct {
	Variant string
	steer   *steering.Scenario
	hot     *hotplug.Scenario
	races   baselineRaces
}

// SteeringConfig is the configuration steering variants are analysed at: two CPUs
// submitting one request each to one target over two queues, so that the second
// submission may be steered while the first is in flight. Small enough that sc and
// tso explorations complete for every ablation.
func SteeringConfig() steering.Config {
	return steering.Config{CPUs: 2, Targets: 1, Queues: 2,
		Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}}}
}

// HotplugConfig is the configuration hotplug variants are analysed at: the 2018
// machine's single-node form (8 possible CPUs, 0-3 present) with 4 queues spread the
// v4.17 way ({0,4} {1,5} {2,6} {3,7}), one request from CPU 1, and CPU 1 going
// offline and coming back. CPU 1 is the only online CPU of queue 1, so the offline
// step runs blk-mq's drain (drain-5.8) or shuts the interrupt down (blkmq-4.17) while
// the request may be in flight: between the tag and the kick, on the ring, or
// completing; the online step starts the interrupt again and (drain-5.8) reactivates
// the queue. The submitter's INACTIVE test and the drain's tag test form the
// store-buffering pair that smp_mb__after_atomic() in blk_mq_hctx_notify_offline()
// is about.
func HotplugConfig() hotplug.Config {
	return hotplug.Config{Topology: "cpus=8 present=0-3", Queues: 4, Spread: "4.17",
		Requests: []hotplug.Request{{CPU: 1}}, Hotplug: []hotplug.Step{{CPU: 1}, {Online: true, CPU: 1}}}
}

// NewSubject builds variant at the analysis configuration.
func NewSubject(variant string) (*Subject, error) {
	for _, v := range hotplug.Variants() {
		if v == variant {
			sc, err := hotplug.Build(variant, HotplugConfig())
			if err != nil {
				return nil, err
			}
			return &Subject{Variant: variant, hot: sc}, nil
		}
	}
	sc, err := steering.Build(variant, "", SteeringConfig())
	if err != nil {
		return nil, fmt.Errorf("unknown variant %q (have: %s, %s)", variant,
			strings.Join(steering.VariantNames(), ", "), strings.Join(hotplug.Variants(), ", "))
	}
	return &Subject{Variant: variant, steer: sc}, nil
}

// Program is the variant's program, unedited.
func (s *Subject) Program() *model.Program {
	if s.hot != nil {
		return s.hot.Program
	}
	return s.steer.Program
}

// Config describes the analysis configuration in words.
func (s *Subject) Config() string {
	if s.hot != nil {
		c := traces.HotplugConfigOf(s.hot.Config)
		return fmt.Sprintf("topology %q, %d queues (spread %s), requests from CPUs %s, hotplug steps %s",
			c.Topology, c.Queues, c.Spread, c.Requests, c.Steps)
	}
	c := traces.ConfigOf(s.steer.Config)
	ring := "room for every request"
	if c.RingSize > 0 {
		ring = fmt.Sprintf("%d descriptors", c.RingSize)
	}
	return fmt.Sprintf("%d CPUs, %d target(s), %d queues, requests (cpu:target) %s, ring %s, kick failure %v",
		c.CPUs, c.Targets, c.Queues, c.Requests, ring, c.KickFailure)
}

// Budget bounds one check. Steps make the cut reproducible. Weak models (those that
// allow po ∪ rf cycles) are explored without cycles (model.Options.AcyclicOnly),
// except those listed in CycleModels, which are explored completely, cycles
// included, within CycleMaxSteps.
type Budget struct {
	MaxSteps     int64 // per check, for sc and tso
	WeakMaxSteps int64 // per check, for the weak models explored without cycles
	// CycleModels are the weak models whose checks enumerate executions with a po ∪ rf
	// cycle too (model.Explore's second phase), with CycleMaxSteps per check.
	CycleModels   []string
	CycleMaxSteps int64
	// CellMaxSteps, when larger, replaces CycleMaxSteps in the checks of the report's
	// table (the variant as written, and each annotation weakened alone): a cell is
	// what a reader looks up, while the minimal sets and repairs combine many
	// weakenings, and under lkmm those whose plain stores race explore millions of
	// speculated graphs each.
	CellMaxSteps int64
	// CellHMCMaxSteps, when above 0, gives a table cell whose check runs out of steps
	// under a model with a local order (lkmm, lkmm-alpha, armv8) a second check by
	// model.ExploreHMC, which builds po ∪ rf cycles directly, within that many steps.
	// The weakenings that make the ring's stores plain open pairs whose speculated
	// reads the two-phase explorer cannot finish; HMC decides them in seconds
	// (docs/DESIGN.md, "A first explorer of this kind").
	CellHMCMaxSteps int64
	// SetHMCMaxSteps is the same second check for the subset checks of the minimal
	// sets (Sufficient), with its own budget: HMC keeps every partial graph it expanded
	// (hmc.go), about 1.7 KB a step on these programs, and a subset that weakens
	// several ring accesses at once can need millions of steps, where a table cell's
	// needs tens of thousands. 0 (DefaultBudget's) turns it off. A check that ends
	// unknown marks its set as not shown minimal.
	SetHMCMaxSteps int64
	hmcMaxSteps    int64 // CellHMCMaxSteps in the table's checks, SetHMCMaxSteps in the sets', else 0
}

// cells is b for the table's checks (see CellMaxSteps and CellHMCMaxSteps).
func (b Budget) cells() Budget {
	if b.CellMaxSteps > b.CycleMaxSteps {
		b.CycleMaxSteps = b.CellMaxSteps
	}
	b.hmcMaxSteps = b.CellHMCMaxSteps
	return b
}

// DefaultBudget is what `make barriers` uses. Cycles are enumerated under every weak
// model: with the second phase's mixed mode (model/exitcut.go) a check under lkmm at
// the barriers configuration takes well under a second for most annotations;
// without cycles, lkmm's entries without a violation stayed undecided ("acyclic
// ok"). A check that needs more than CycleMaxSteps is unknown, never "not required".
// The table's cells get 60M steps: under lkmm the weakenings that make the ring's
// stores plain need 1.8M (single) to 8.9M (v3.10) steps to complete, v2-2012's
// device:avail.ring 44M, its virtqueue_add:avail.ring between 14M and 60M; its
// device:used.ring, v3.10's and v3.17's more than 60M (v3.10's had not completed
// after 26 minutes of processor time; 60M steps take about 3.5 minutes): deciding them
// needs an explorer that builds po ∪ rf cycles directly. Since the exit
// cut's gaps are speculated maximally (model/exitcut.go), virtqueue_add:avail.ring
// made plain takes 2.1M (single), 10.6M (v3.10) and 10.0M (v3.17) steps: the exit
// cut had lost graphs there before. With 10M per cell `make verdicts && make
// barriers` took 14m21s on 2 cores, 8m46s with 1.5M per cell (measured on
// 2026-12-03); docs/PERFORMANCE.md has the time with 60M.
//
// The subset checks of the minimal sets get no HMC check (SetHMCMaxSteps 0): weakening
// the used ring's store and load together takes 39,033 (v2-2012), 47,020 (v3.17) and
// 60,147 (v3.10) HMC steps under lkmm, but with 500,000 steps per subset `make
// barriers` took 17 minutes for single alone (about 3 without) and had not finished
// v2-2012 after 41; a larger subset, tried with 5M, had used 6 GB after about three
// minutes and was still growing. The sets those checks leave undecided are marked
// "not shown minimal" instead.
//
// The cells still unknown after 60M steps get CellHMCMaxSteps with HMC: before its
// revisit condition (model/hmcmax.go) the six device:used.ring cells took 71,359
// (v2-2012) to 1,728,706 (v3.17) HMC steps; with it, far fewer (not measured per cell).
var DefaultBudget = Budget{MaxSteps: 3_000_000, WeakMaxSteps: 400_000, CycleModels: []string{"lkmm", "lkmm-alpha", "armv8"},
	CycleMaxSteps: 1_500_000, CellMaxSteps: 60_000_000, CellHMCMaxSteps: 5_000_000, SetHMCMaxSteps: 0}

// options are the exploration bounds of one check under m.
func (b Budget) options(m model.Consistency) model.Options {
	pc, ok := m.(model.PorfCyclic)
	switch {
	case !ok || !pc.PorfCycles():
		return model.Options{MaxSteps: b.MaxSteps}
	case slices.Contains(b.CycleModels, m.Name()):
		return model.Options{MaxSteps: b.CycleMaxSteps}
	}
	return model.Options{MaxSteps: b.WeakMaxSteps, AcyclicOnly: true}
}

// Verdict is a check's three-valued outcome.
type Verdict uint8

// Verdicts.
const (
	Holds    Verdict = iota + 1 // the exploration completed; every property held
	Violated                    // some execution broke a property
	Unknown                     // a budget ran out first, or cycles were not enumerated
)

func (v Verdict) String() string { return [...]string{"?", "holds", "violated", "unknown"}[v] }

// Outcome is what one check of an edited program found.
type Outcome struct {
	Verdict    Verdict
	Property   string // the broken property's ID and name, "P2 one-queue"
	Message    string
	Executions int64
	Elapsed    time.Duration
	Reason     model.StopReason
	Trace      *traces.Trace // the violating execution (not minimized)
	// Race is set when the property broken is P11 data-race-free: weakening the
	// annotation made a data race through it under the kernel's model, while every
	// ordering property (P1–P6) still held. The annotation is needed because the code
	// would race, not because something is reordered.
	Race bool
}

// Note says why an outcome is unknown, or how much was explored.
func (o Outcome) Note() string {
	switch o.Verdict {
	case Unknown:
		if o.Reason == model.CyclesSkipped {
			return fmt.Sprintf("no violation in %d executions without a po∪rf cycle; executions with one not enumerated", o.Executions)
		}
		return fmt.Sprintf("%s after %d executions", o.Reason, o.Executions)
	case Holds:
		return fmt.Sprintf("%d executions, complete", o.Executions)
	}
	return o.Message
}

// Check runs the variant with edits under the named model.
func (s *Subject) Check(edits []ablation.Edit, modelName string, b Budget) (Outcome, error) {
	m, err := barriers.New(modelName)
	if err != nil {
		return Outcome{}, err
	}
	p, err := ablation.Apply(s.Program(), edits)
	if err != nil {
		return Outcome{}, err
	}
	opts := b.options(m)
	spelled := ablation.Strings(edits)
	var o Outcome
	if s.hot != nil {
		sc := *s.hot
		sc.Program = p
		rep := hotplug.Verify(&sc, m, opts)
		o.Executions, o.Elapsed, o.Reason = rep.Result.Executions, rep.Result.Elapsed, rep.Result.Reason
		switch rep.Verdict {
		case hotplug.Violated:
			v := rep.Violation
			o.Verdict, o.Property, o.Message = Violated, v.Property.String(), v.Message
			o.Trace = traces.FromHotplug(traces.HotplugHeader{Variant: s.Variant, Edits: spelled, Config: sc.Config,
				Model: modelName, Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, rep.Graph)
		case hotplug.Holds:
			o.Verdict = Holds
		default:
			o.Verdict = Unknown
		}
		return o, nil
	}
	sc := *s.steer
	sc.Program = p
	// The ordering properties first; then, when the edit weakens one annotation and
	// the model has data races, whether that alone made one (see Outcome.Race).
	o = s.steeringOutcome(properties.NewCheckerFor(&sc, m, properties.OrderingProperties()), &sc, m, opts, spelled)
	base := opts // the variant's own races are the two-phase explorer's to find
	if _, ok := m.(model.LocalOrder); ok && o.Verdict == Unknown && o.Reason == model.StepBudget && b.hmcMaxSteps > 0 {
		opts = model.Options{MaxSteps: b.hmcMaxSteps, HMC: true}
		o = s.steeringOutcome(properties.NewCheckerFor(&sc, m, properties.OrderingProperties()), &sc, m, opts, spelled)
	}
	site := weakenedSite(edits)
	if o.Verdict != Holds || site == "" || !barriers.HasDataRaces(m) {
		return o, nil
	}
	racy, sum, err := s.races.sites(s.steer, modelName, base)
	if err != nil {
		return Outcome{}, err
	}
	if !sum.Complete {
		// Which annotations race as written is not known: neither is whether this one
		// starts to.
		o.Verdict, o.Reason = Unknown, sum.Reason
		return o, nil
	}
	if racy[site] {
		return o, nil // the annotation races as written: weakening it adds nothing to say
	}
	chk := properties.NewCheckerFor(&sc, m, []string{"P11"})
	chk.RaceSite = site
	race := s.steeringOutcome(chk, &sc, m, opts, spelled)
	race.Elapsed += o.Elapsed // the same executions, explored a second time
	race.Race = race.Verdict == Violated
	if race.Trace != nil {
		race.Trace.RaceSite = site
	}
	return race, nil
}

// steeringOutcome verifies sc with chk under m and records the outcome.
func (s *Subject) steeringOutcome(chk *properties.Checker, sc *steering.Scenario, m model.Consistency, opts model.Options, spelled []string) Outcome {
	var o Outcome
	rep := properties.VerifyWith(chk, sc, m, opts)
	o.Executions, o.Elapsed, o.Reason = rep.Result.Executions, rep.Result.Elapsed, rep.Result.Reason
	switch rep.Verdict {
	case properties.Violated:
		v := rep.Violation
		o.Verdict, o.Property, o.Message = Violated, v.Property.ID+" "+v.Property.Name, v.Message
		o.Trace = traces.FromExecution(traces.Header{Variant: s.Variant, Edits: spelled, Config: sc.Config,
			Model: m.Name(), Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, rep.Graph)
	case properties.Holds:
		o.Verdict = Holds
	default:
		o.Verdict = Unknown
	}
	return o
}

// weakenedSite is the site of edits when they weaken exactly one annotation, else "".
func weakenedSite(edits []ablation.Edit) string {
	if len(edits) != 1 || edits[0].Op != ablation.Weaken {
		return ""
	}
	return edits[0].Site
}

// cyclesSkipped is the stop reason of a weak-model run that enumerated every
// execution without a po∪rf cycle and no other.
const cyclesSkipped = model.CyclesSkipped
