package litmus

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// run.go runs a translated test under a memory model and computes herd7's verdict.
//
// herd7 (herd/top_herd.ml) counts executions, not states: every consistent execution
// that passes the filter adds one to Positive when its final state satisfies the
// condition's proposition, to Negative otherwise, whatever the quantifier. From those
// two numbers it prints
//
//	Observation NAME Never|Sometimes|Always POS NEG   Never when POS = 0, Always when NEG = 0
//	Ok | No                                            exists: POS > 0; ~exists: POS = 0; forall: NEG = 0
//	Positive: P Negative: N                            (POS, NEG), swapped for ~exists
//
// and the "States" block lists the distinct final states, restricted to the displayed
// locations (the "locations" list and what the condition names). An execution in which
// a thread waits forever for a lock is no herd7 execution (lock.cat has no waiting:
// such a candidate is inconsistent), so it is counted apart, as is one in which a
// thread dereferenced something that is not an address.

// Result is the outcome of running a test under a memory model.
type Result struct {
	Test     string
	Model    string
	Quant    Quantifier
	Cond     string // the final condition as herd7 prints it: "exists (0:r0=1 /\ [x]=2)"
	Observed []Loc  // the displayed locations, in the order a state prints them
	States   []State
	Positive int64 // executions satisfying the condition's proposition
	Negative int64 // executions not satisfying it
	Filtered int64 // executions the filter removed
	Blocked  int64 // executions in which a thread waits forever (deadlock): not counted
	Faults   int64 // executions in which a thread dereferenced a non-address: not counted
	// Flags are the model's flags (herd7's "Flag data-race") that some counted
	// execution raised, in alphabetical order; only lkmm and lkmm-alpha have flags.
	Flags  []string
	Stats  model.Stats
	Reason model.StopReason
}

// State is one distinct final state, restricted to the displayed locations.
type State struct {
	Values    []model.Value // one per Result.Observed
	Text      string        // as herd7 prints it: "1:r0=1; 1:r1=0;"
	Satisfies bool          // the condition's proposition holds in it
	Count     int64         // executions ending in it
}

// Complete reports whether every execution was explored.
func (r *Result) Complete() bool { return r.Reason == model.Exhausted && r.Stats.OutOfBound == 0 }

// Observation is herd7's word for how often the proposition holds: Never, Sometimes or
// Always, or Unknown when a budget cut the exploration before that was settled.
func (r *Result) Observation() string {
	switch {
	case r.Positive > 0 && r.Negative > 0:
		return "Sometimes"
	case !r.Complete():
		return "Unknown"
	case r.Positive == 0:
		return "Never"
	case r.Negative == 0:
		return "Always"
	}
	return "Sometimes"
}

// Verdict is herd7's "Ok" (the condition is validated) or "No", or "Unknown" when a
// budget cut the exploration before that was settled.
func (r *Result) Verdict() string {
	var ok, settled bool
	switch r.Quant {
	case Exists:
		ok, settled = r.Positive > 0, r.Positive > 0
	case NotExists:
		ok, settled = r.Positive == 0, r.Positive > 0
	case Forall:
		ok, settled = r.Negative == 0, r.Negative > 0
	}
	switch {
	case !settled && !r.Complete():
		return "Unknown"
	case ok:
		return "Ok"
	}
	return "No"
}

// Run translates t and runs it under the named memory model.
func Run(t *Test, modelName string, opts model.Options) (*Result, error) {
	p, err := Translate(t)
	if err != nil {
		return nil, err
	}
	return p.Run(modelName, opts)
}

// Run explores every execution of the translated test under the named memory model
// (model.Explore hands models with po ∪ rf cycles to the candidate enumerator) and
// counts them as herd7 does. A primitive the model cannot judge gives an
// *UnsupportedError.
func (p *Program) Run(modelName string, opts model.Options) (*Result, error) {
	m, err := barriers.New(modelName)
	if err != nil {
		return nil, err
	}
	if err := barriers.Supports(m, p.Prog); err != nil {
		return nil, p.unsupportedByModel(modelName, err)
	}
	r := &Result{Test: p.Test.Name, Model: modelName, Observed: p.Observed, Quant: Forall, Cond: "forall (true)"}
	if c := p.Test.Cond; c != nil {
		r.Quant = c.Quant
		r.Cond = fmt.Sprintf("%s (%s)", c.Quant, HerdProp(c.Prop))
	}
	flagger, _ := m.(barriers.Flagger)
	flags := map[string]bool{}
	lockObserved := p.observedLocks()
	vals := make([]model.Value, len(p.slots))
	index := map[string]int{}
	var key []byte
	res := model.Explore(p.Prog, m, opts, func(g *model.ExecutionGraph) bool {
		for t := range g.Threads {
			switch g.Status(t) {
			case model.Blocked:
				r.Blocked++
				return true
			case model.Fault:
				r.Faults++
				return true
			}
		}
		p.readSlots(g, vals)
		if p.filter != nil && !p.filter(vals) {
			r.Filtered++
			return true
		}
		ok := p.cond(vals)
		if ok {
			r.Positive++
		} else {
			r.Negative++
		}
		key = key[:0]
		for _, s := range p.observed {
			key = strconv.AppendInt(key, vals[s], 10)
			key = append(key, ',')
		}
		i, seen := index[string(key)]
		if !seen {
			st := State{Satisfies: ok, Values: make([]model.Value, len(p.observed))}
			for j, s := range p.observed {
				st.Values[j] = vals[s]
			}
			i = len(r.States)
			index[string(key)] = i
			r.States = append(r.States, st)
		}
		r.States[i].Count++
		if flagger != nil {
			for _, f := range flagger.Flags(g) {
				flags[f] = true
			}
			if lockFinal(g, lockObserved) {
				flags["lock-final"] = true
			}
		}
		return true
	})
	for f := range flags {
		r.Flags = append(r.Flags, f)
	}
	sort.Strings(r.Flags)
	r.Stats, r.Reason = res.Stats, res.Reason
	p.finishStates(r)
	return r, nil
}

// finishStates sorts the states as herd7 does (by value, location by location) and
// prints them.
func (p *Program) finishStates(r *Result) {
	sort.Slice(r.States, func(i, j int) bool {
		a, b := r.States[i].Values, r.States[j].Values
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
	for i := range r.States {
		var b strings.Builder
		for j, l := range r.Observed {
			name := l.String()
			if !l.IsReg() {
				name = "[" + name + "]"
			}
			fmt.Fprintf(&b, "%s=%s; ", name, p.FormatValue(r.States[i].Values[j]))
		}
		r.States[i].Text = strings.TrimSuffix(b.String(), " ")
	}
}

// unsupportedByModel turns barriers.Supports' refusal into an *UnsupportedError
// naming the litmus primitive.
func (p *Program) unsupportedByModel(modelName string, err error) error {
	kinds := make([]model.FenceKind, 0, len(p.fences))
	for k := range p.fences {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	for _, k := range kinds {
		if strings.Contains(err.Error(), k.String()) {
			src := p.fences[k]
			return &UnsupportedError{Test: p.Test.Name, Primitive: src.name, Pos: src.pos,
				Reason: "not supported by memory model " + modelName}
		}
	}
	return &UnsupportedError{Test: p.Test.Name, Primitive: err.Error(), Reason: "not supported by memory model " + modelName}
}

// StatesBlock prints the "States N" block of herd7's output: the distinct final
// states, one a line (what `herd7 -show` style listings give).
func (r *Result) StatesBlock() string {
	var b strings.Builder
	fmt.Fprintf(&b, "States %d\n", len(r.States))
	for _, s := range r.States {
		b.WriteString(s.Text + "\n")
	}
	return b.String()
}

var quantKind = map[Quantifier]string{Exists: "Allowed", NotExists: "Forbidden", Forall: "Required"}

// FormatHerd prints the result in herd7's layout (without the Time and Hash lines,
// which vary from run to run). An exploration cut by a budget says so on an extra
// line, and its Observation and Ok/No lines say Unknown unless already settled.
func FormatHerd(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Test %s %s\n", r.Test, quantKind[r.Quant])
	b.WriteString(r.StatesBlock())
	b.WriteString(r.Verdict() + "\n")
	pos, neg := r.Positive, r.Negative
	if r.Quant == NotExists {
		pos, neg = neg, pos
	}
	fmt.Fprintf(&b, "Witnesses\nPositive: %d Negative: %d\n", pos, neg)
	for _, f := range r.Flags {
		fmt.Fprintf(&b, "Flag %s\n", f)
	}
	fmt.Fprintf(&b, "Condition %s\n", r.Cond)
	fmt.Fprintf(&b, "Observation %s %s %d %d\n", r.Test, r.Observation(), r.Positive, r.Negative)
	if !r.Complete() {
		fmt.Fprintf(&b, "Incomplete %s: %s, %d executions cut by a loop bound\n", r.Test, r.Reason, r.Stats.OutOfBound)
	}
	return b.String()
}

// observedLocks lists the shared locations herd7 reports in the final state (the
// displayed ones): lock.cat's lock-final flag ([FW] ; loc ; [ALL-LOCKS], FW being the
// final writes of the locations the final state shows) is raised by an execution with
// a lock or SRCU event on one of them.
func (p *Program) observedLocks() []model.LocID {
	var out []model.LocID
	for _, l := range p.Observed {
		if l.IsReg() {
			continue
		}
		if i, ok := p.locIndex[l.Name]; ok {
			out = append(out, p.Mem.Base+model.LocID(i))
		}
	}
	return out
}

// allLocks are the annotations of lock.cat's ALL-LOCKS events that are accesses:
// spin_lock, spin_trylock and spin_unlock (LKR, LKW, UL, LF), spin_is_locked (RL, RU),
// srcu_read_lock and srcu_read_unlock (Srcu-lock, Srcu-unlock). synchronize_srcu
// (Sync-srcu) is the one that is a fence.
const allLocks = model.AnnLock | model.AnnUnlock | model.AnnIsLocked | model.AnnSrcuLock | model.AnnSrcuUnlock

// lockFinal reports whether g has an ALL-LOCKS event on one of locs.
func lockFinal(g *model.ExecutionGraph, locs []model.LocID) bool {
	if len(locs) == 0 {
		return false
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			lockEvent := e.Ann&allLocks != 0 && (e.Kind == model.KindRead || e.Kind == model.KindWrite) ||
				e.Kind == model.KindFence && e.Fence == model.FenceSyncSrcu
			if !lockEvent {
				continue
			}
			for _, l := range locs {
				if e.Loc == l {
					return true
				}
			}
		}
	}
	return false
}
