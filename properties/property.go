package properties

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// Property is one promise of the steering protocol.
type Property struct {
	ID   string // "P1"
	Name string // "fifo-per-target"
	Doc  string
}

var all = []Property{
	{"P1", "fifo-per-target", "If the submission of A returned before the submission of B began (same target), the device consumes A before B. " +
		"Judged on the execution: violated when some linearization of po ∪ rf ∪ co ∪ fr puts A's return before B's start and B's consumption before A's " +
		"(when that relation is cyclic, as weak models allow, (po ∪ rf)+ is used instead, then po alone)."},
	{"P2", "one-queue", "While a target is busy all its outstanding requests sit on one virtqueue (no two requests of a target, on different queues, " +
		"outstanding at once over their [steering point, decrement] intervals), and a submitter that found the target busy uses the queue the target is on " +
		"(a different one is a stale req_vq)."},
	{"P3", "accounting", "reqs is never negative, is decremented only for a completed request, and in the final state equals the number of the " +
		"target's requests still outstanding (counted, not returned busy, not completed): 0 once all complete. The same holds for each virtqueue's " +
		"descriptors: in a final state, num_free equals the number of descriptors holding no command, and the free list (free_head, desc[].next) " +
		"holds each of them once and no descriptor in use."},
	{"P4", "exactly-once", "Every accepted request is consumed by the device once and completed once; nothing is consumed that was not enqueued; " +
		"no completion without a request (a NULL token)."},
	{"P5", "deadlock-free", "No thread waits forever in spin_lock, and the lock classes are always nested in one order (a lockdep-style graph of " +
		"which class is taken while holding which, kept across all the executions of a run, has no cycle)."},
	{"P6", "no-hang", "In every final state every accepted request has completed, every CPU has returned from queuecommand, and every thread " +
		"is done or idle (a device or interrupt thread waiting for work); no thread crashed on a bad address, or touched a target after " +
		"virtscsi_target_destroy freed it."},
	{"P11", "data-race-free", "Under lkmm and lkmm-alpha, no execution has a data race (the kernel model's data-race flag): two accesses to one " +
		"location by different CPUs, at least one a write and one plain, that nothing orders. LKMM gives a racy execution undefined behaviour, " +
		"so a race is a finding of its own (fixed by marking an access, not by a barrier). The hardware models have no data races: P11 is " +
		"judged under the kernel's models only."},
}

// propertyIndex is the index of property k ("Pk") in all.
func propertyIndex(k int) int {
	for i, p := range all {
		if p.ID == fmt.Sprintf("P%d", k) {
			return i
		}
	}
	panic(fmt.Sprintf("properties: no P%d", k))
}

// All lists the properties in order.
func All() []Property {
	out := make([]Property, len(all))
	copy(out, all)
	return out
}

// Lookup finds a property by ID ("P3", case-insensitive) or name ("accounting").
func Lookup(s string) (Property, bool) {
	for _, p := range all {
		if strings.EqualFold(p.ID, s) || strings.EqualFold(p.Name, s) {
			return p, true
		}
	}
	return Property{}, false
}

// Select resolves a list of property IDs or names; nil or empty selects all.
func Select(only []string) ([]Property, error) {
	if len(only) == 0 {
		return All(), nil
	}
	var out []Property
	for _, s := range only {
		p, ok := Lookup(s)
		if !ok {
			var names []string
			for _, q := range all {
				names = append(names, q.ID+"/"+q.Name)
			}
			return nil, fmt.Errorf("unknown property %q (have: %s)", s, strings.Join(names, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

func (p Property) String() string { return p.ID + " " + p.Name }

// Violation is a property broken by one execution: which, a readable account naming
// requests, queues, CPUs and values, and the events that show it.
type Violation struct {
	Property Property
	Message  string
	Events   []model.EventRef
}

func (v Violation) String() string { return v.Property.String() + ": " + v.Message }

// Verdict is the outcome of a verification.
type Verdict int

// Verdicts.
const (
	Holds    Verdict = iota // every execution was explored and none broke a property
	Violated                // some execution broke a property
	Unknown                 // a budget (executions, time, loop bound) ran out first
)

func (v Verdict) String() string {
	switch v {
	case Holds:
		return "holds"
	case Violated:
		return "violated"
	}
	return "unknown"
}

// Report is what Verify found.
type Report struct {
	Verdict   Verdict
	Violation *Violation            // the first violation, when Violated
	Graph     *model.ExecutionGraph // a clone of the violating execution
	Result    model.Result
	// Race is the first data race (P11) seen when Violation is about something
	// else: a race does not stop the search for an ordering violation (see Verify).
	Race *Violation
	// LockOrder is P5's lock-order graph at the end of the run: "A → B" when some
	// execution took a lock of class B while holding one of class A, sorted. A shard
	// sees its part of the run only; merge judges the union (LockOrderCycle).
	LockOrder []string
}

// Known reports whether s names a property (by ID or name).
func Known(s string) bool {
	_, ok := Lookup(s)
	return ok
}
