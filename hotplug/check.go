package hotplug

import (
	"fmt"

	"github.com/steercheck/steercheck/model"
)

// Property is one promise of the hotplug machinery (BRIEF §3, P6–P10).
type Property struct {
	ID   string
	Name string
	Doc  string
}

func (p Property) String() string { return p.ID + " " + p.Name }

// The properties, in order.
var (
	P6 = Property{"P6", "no-hang", "In every final state every submitted request has completed, and no thread " +
		"waits forever (a device with nothing to do is idle, not hung). A request on a queue whose interrupt is " +
		"shut down, or routed to a CPU nobody can reach, never completes: a hang."}
	P7 = Property{"P7", "hotplug-order", "A managed interrupt is never shut down while its queue has outstanding " +
		"requests; nothing is queued on a queue the submitter saw INACTIVE; on online the interrupt is started " +
		"before the queue is reactivated."}
	P8 = Property{"P8", "spurious-delivery", "A delivery with nothing to complete (the spurious event of a Xen " +
		"bind on vCPU0, one handled on the old CPU of an affinity change, or simply early) changes no state: every " +
		"write a handler makes belongs to the completion of a buffer it saw used."}
	P9 = Property{"P9", "coverage", "In the final state every online CPU maps to a queue whose interrupt is " +
		"started and targets an online, reachable CPU."}
	P10 = Property{"P10", "vector-space", "Taking a CPU offline never fails for lack of vectors."}
)

// Properties lists P6–P10.
func Properties() []Property { return []Property{P6, P7, P8, P9, P10} }

// Violation is a property broken by one execution.
type Violation struct {
	Property Property
	Message  string
	Events   []model.EventRef
}

func (v Violation) String() string { return v.Property.String() + ": " + v.Message }

type marker struct {
	ref  model.EventRef
	tag  string
	args [3]model.Value
}

// markers lists thread t's markers in program order.
func markers(g *model.ExecutionGraph, t int) []marker {
	var out []marker
	for i := range g.Threads[t].Events {
		e := &g.Threads[t].Events[i]
		if e.Kind == model.KindMarker {
			out = append(out, marker{model.EventRef{Thread: int32(t), Index: int32(i)}, e.Marker, e.Args})
		}
	}
	return out
}

func (sc *Scenario) final(g *model.ExecutionGraph, a model.Array, i int) model.Value {
	return g.FinalValue(a.Base + model.LocID(i))
}

// Check runs P6–P10 on one complete execution graph of sc and returns the
// violations, at most one per property, in property order.
func Check(sc *Scenario, g *model.ExecutionGraph) []Violation {
	var out []Violation
	add := func(p Property, msg string, evs []model.EventRef) {
		if msg != "" {
			out = append(out, Violation{Property: p, Message: msg, Events: evs})
		}
	}
	msg, evs := sc.noHang(g)
	add(P6, msg, evs)
	msg, evs = sc.hotplugOrder(g)
	add(P7, msg, evs)
	msg, evs = sc.spurious(g)
	add(P8, msg, evs)
	msg, evs = sc.coverage(g)
	add(P9, msg, evs)
	msg, evs = sc.vectorSpace(g)
	add(P10, msg, evs)
	return out
}

func (sc *Scenario) noHang(g *model.ExecutionGraph) (string, []model.EventRef) {
	for t := range sc.Threads {
		st := g.Threads[t].State
		switch st.Status {
		case model.Fault, model.OutOfBound:
			return fmt.Sprintf("thread %s ended with status %s", g.Prog.Threads[t].Name, st.Status), nil
		case model.Blocked:
			code := g.Prog.Threads[t].Code
			if idle := st.AwaitPC >= 0 && int(st.AwaitPC) < len(code) && code[st.AwaitPC].Idle; !idle {
				return fmt.Sprintf("thread %s waits forever (pc %d)", g.Prog.Threads[t].Name, st.AwaitPC), nil
			}
		}
	}
	for r, rq := range sc.Config.Requests {
		if sc.final(g, sc.L.Done, r) == 1 {
			continue
		}
		var evs []model.EventRef
		why := "it was never queued"
		if p := sc.final(g, sc.L.Posted, r); p > 0 {
			q := int(p - 1)
			why = fmt.Sprintf("it sits on queue %d (mask %s)", q, sc.Masks[q].List())
			for t := range sc.Threads {
				for _, m := range markers(g, t) {
					switch {
					case m.tag == MarkEnqueue && int(m.args[0]) == r:
						evs = append(evs, m.ref)
					case m.tag == MarkLost && int(m.args[0]) == q:
						evs = append(evs, m.ref)
						if m.args[1] < 0 {
							why += fmt.Sprintf("; its interrupt was raised while shut down and lost")
						} else {
							why += fmt.Sprintf("; its interrupt went to CPU %d, which is offline or unreachable, and was lost", m.args[1])
						}
					case m.tag == MarkShutdown && int(m.args[0]) == q:
						evs = append(evs, m.ref)
						why += fmt.Sprintf("; hotplug shut its interrupt down with %d request(s) in flight", m.args[1])
					}
				}
			}
			if !sc.StartedAtBoot[q] {
				why += "; its managed interrupt has no online CPU and was never started"
			}
		}
		return fmt.Sprintf("request r%d from CPU %d never completed: %s", r, rq.CPU, why), evs
	}
	return "", nil
}

func (sc *Scenario) hotplugOrder(g *model.ExecutionGraph) (string, []model.EventRef) {
	for t, info := range sc.Threads {
		started := append([]bool(nil), sc.StartedAtBoot...)
		for _, m := range markers(g, t) {
			q := int(m.args[0])
			switch m.tag {
			case MarkShutdown:
				started[q] = false
				if sc.Managed && m.args[1] > 0 {
					return fmt.Sprintf("managed interrupt of queue %d shut down with %d request(s) outstanding on the queue", q, m.args[1]), []model.EventRef{m.ref}
				}
			case MarkStart:
				started[q] = true
			case MarkEnqueue:
				if m.args[2] != 0 {
					return fmt.Sprintf("request r%d queued on queue %d although the submitter saw it INACTIVE", q, m.args[1]), []model.EventRef{m.ref}
				}
			case MarkReactive:
				if info.Role == RoleHotplug && !started[q] {
					return fmt.Sprintf("queue %d reactivated before its interrupt was started", q), []model.EventRef{m.ref}
				}
			}
		}
	}
	return "", nil
}

func (sc *Scenario) spurious(g *model.ExecutionGraph) (string, []model.EventRef) {
	kinds := []string{"device interrupt", "Xen bind event", "old-CPU delivery"}
	for t := range sc.Threads {
		evs := g.Threads[t].Events
		in, justified := false, false
		var irq *model.Event
		var irqRef model.EventRef
		for i := range evs {
			e := &evs[i]
			if e.Kind == model.KindMarker {
				switch e.Marker {
				case MarkIRQ:
					in, justified, irq = true, false, e
					irqRef = model.EventRef{Thread: int32(t), Index: int32(i)}
				case MarkIRQEnd:
					in = false
				case MarkComplete:
					justified = e.Args[2] == 1
				}
				continue
			}
			if !in || e.Kind != model.KindWrite || e.Ann&(model.AnnLock|model.AnnUnlock) != 0 {
				continue
			}
			if !justified {
				loc := g.Prog.Locs[e.Loc].Name
				return fmt.Sprintf("%s of queue %d on CPU %d had no used buffer to complete but wrote %s = %d",
						kinds[irq.Args[2]], irq.Args[0], irq.Args[1], loc, e.Val),
					[]model.EventRef{irqRef, {Thread: int32(t), Index: int32(i)}}
			}
		}
	}
	return "", nil
}

func (sc *Scenario) coverage(g *model.ExecutionGraph) (string, []model.EventRef) {
	for c := range sc.Topology.CPUs {
		if sc.final(g, sc.L.Online, c) != 1 {
			continue
		}
		q := sc.QueueOf[c]
		if sc.final(g, sc.L.IRQState, q) != 1 {
			return fmt.Sprintf("online CPU %d maps to queue %d, whose interrupt (mask %s) is shut down", c, q, sc.Masks[q].List()), nil
		}
		to := int(sc.final(g, sc.L.IRQCPU, q))
		if sc.final(g, sc.L.Online, to) != 1 {
			return fmt.Sprintf("online CPU %d maps to queue %d, whose interrupt targets offline CPU %d", c, q, to), nil
		}
		if sc.final(g, sc.L.Reachable, to) != 1 {
			return fmt.Sprintf("online CPU %d maps to queue %d, whose interrupt targets CPU %d, which is online but unreachable", c, q, to), nil
		}
	}
	return "", nil
}

func (sc *Scenario) vectorSpace(g *model.ExecutionGraph) (string, []model.EventRef) {
	for t := range sc.Threads {
		for _, m := range markers(g, t) {
			if m.tag == MarkNoVector {
				return fmt.Sprintf("offlining CPU %d failed: no online CPU has a free vector for the interrupt of queue %d", m.args[0], m.args[1]), []model.EventRef{m.ref}
			}
		}
	}
	return "", nil
}
