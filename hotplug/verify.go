package hotplug

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// Verdict is the outcome of a verification.
type Verdict int

// Verdicts.
const (
	Holds    Verdict = iota // the exploration completed and no execution broke the property
	Violated                // some execution broke it
	Unknown                 // a budget or loop bound ran out first, with no violation found
)

func (v Verdict) String() string {
	return [...]string{"holds", "violated", "unknown"}[v]
}

// PropertyVerdict is the verdict of one property and its first violation.
type PropertyVerdict struct {
	Property  Property
	Verdict   Verdict
	Violation *Violation
}

// Report is what Verify found.
type Report struct {
	Verdict    Verdict           // Violated if any property is, else Holds only if the exploration completed
	Properties []PropertyVerdict // P6–P10 in order
	Violation  *Violation        // the first violation found
	Graph      *model.ExecutionGraph
	Result     model.Result
}

// Verify explores every execution of sc's program under m and checks each with
// P6–P10. It does not stop at the first violation, so every property gets a verdict
// and Result counts the whole exploration (unless opts cuts it). A property holds
// only when the exploration completed; a budget gives Unknown.
func Verify(sc *Scenario, m model.Consistency, opts model.Options) Report {
	props := Properties()
	rep := Report{Properties: make([]PropertyVerdict, len(props))}
	for i, p := range props {
		rep.Properties[i].Property = p
	}
	rep.Result = model.Explore(sc.Program, m, opts, func(g *model.ExecutionGraph) bool {
		for _, v := range Check(sc, g) {
			for i := range rep.Properties {
				pv := &rep.Properties[i]
				if pv.Property.ID == v.Property.ID && pv.Violation == nil {
					v := v
					pv.Violation = &v
					if rep.Violation == nil {
						rep.Violation = &v
						rep.Graph = g.Clone()
					}
				}
			}
		}
		return true
	})
	complete := rep.Result.Complete()
	rep.Verdict = Holds
	if !complete {
		rep.Verdict = Unknown
	}
	for i := range rep.Properties {
		pv := &rep.Properties[i]
		switch {
		case pv.Violation != nil:
			pv.Verdict = Violated
			rep.Verdict = Violated
		case complete:
			pv.Verdict = Holds
		default:
			pv.Verdict = Unknown
		}
	}
	return rep
}

// Of returns the verdict of the property with the given ID ("P6").
func (r Report) Of(id string) PropertyVerdict {
	for _, pv := range r.Properties {
		if pv.Property.ID == id {
			return pv
		}
	}
	return PropertyVerdict{}
}

// Describe prints a scenario's setup: variant, topology, masks, interrupts at boot
// and the CPU → queue map of the present CPUs.
func Describe(sc *Scenario) string {
	var b strings.Builder
	name := sc.Variant
	if sc.Mutant != "" {
		name += "+" + sc.Mutant
	}
	fmt.Fprintf(&b, "%s on %s, %d queues (spread %s)\n", name, sc.Topology, sc.Config.Queues, sc.Config.Spread)
	for q, m := range sc.Masks {
		state := "shut down (no online CPU in mask)"
		if sc.StartedAtBoot[q] {
			state = fmt.Sprintf("started on CPU %d", sc.BootCPU[q])
		}
		kind := "managed"
		if !sc.Managed {
			kind = "non-managed"
		}
		fmt.Fprintf(&b, "  queue %d: mask %s, %s, %s\n", q, m.List(), kind, state)
	}
	var parts []string
	for c, cpu := range sc.Topology.CPUs {
		if cpu.Present {
			parts = append(parts, fmt.Sprintf("%d→%d", c, sc.QueueOf[c]))
		}
	}
	fmt.Fprintf(&b, "  cpu→queue: %s\n", strings.Join(parts, " "))
	if is2018Layout(sc) {
		var irqs []string
		for _, l := range Layout2018 {
			irqs = append(irqs, fmt.Sprintf("irq%d %s", l.IRQ, l.Mask))
		}
		fmt.Fprintf(&b, "  the layout of b5b6e8c8d3b4's report: %s\n", strings.Join(irqs, ", "))
	}
	return b.String()
}

// is2018Layout reports whether sc's queue masks are those of b5b6e8c8d3b4's report.
func is2018Layout(sc *Scenario) bool {
	if len(sc.Masks) != len(Layout2018) {
		return false
	}
	for q, l := range Layout2018 {
		if sc.Masks[q].List() != l.Mask {
			return false
		}
	}
	return true
}

// FormatReport prints the verdict of each property, its first violation, and the
// exploration counts.
func FormatReport(rep Report) string {
	var b strings.Builder
	for _, pv := range rep.Properties {
		fmt.Fprintf(&b, "%s %s: %s", pv.Property.ID, pv.Property.Name, pv.Verdict)
		if pv.Violation != nil {
			fmt.Fprintf(&b, ": %s", pv.Violation.Message)
		}
		b.WriteByte('\n')
	}
	r := rep.Result
	fmt.Fprintf(&b, "verdict %s; %d executions (%d blocked), %s\n", rep.Verdict, r.Executions, r.Blocked, r.Reason)
	return b.String()
}
