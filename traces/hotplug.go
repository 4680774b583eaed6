package traces

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
)

// HotplugConfig is a hotplug.Config in the trace's own, stable spelling. A trace
// with a "hotplug" field describes a hotplug scenario (hotplug.Build of the trace's
// variant, "variant+mutant" when it has a mutant); its "config" field is then unused
// and left zero.
type HotplugConfig struct {
	Topology       string `json:"topology"`
	Queues         int    `json:"queues"`
	Spread         string `json:"spread"`
	Requests       string `json:"requests"`          // "cpu[:target],..." (hotplug.ParseRequests)
	Steps          string `json:"hotplug,omitempty"` // "-1,+1" (hotplug.ParseSteps)
	Unreachable    []int  `json:"unreachable,omitempty"`
	ReachableAware bool   `json:"reachable_aware,omitempty"`
	Xen            bool   `json:"xen,omitempty"`
	Race           bool   `json:"race,omitempty"`
	VectorCap      int    `json:"vector_cap,omitempty"`
	VectorBase     int    `json:"vector_base,omitempty"`
}

// HotplugConfigOf converts a hotplug configuration.
func HotplugConfigOf(c hotplug.Config) *HotplugConfig {
	return &HotplugConfig{Topology: c.Topology, Queues: c.Queues, Spread: c.Spread,
		Requests: FormatHotplugRequests(c.Requests), Steps: FormatHotplugSteps(c.Hotplug),
		Unreachable: append([]int(nil), c.Unreachable...), ReachableAware: c.ReachableAware,
		Xen: c.Xen, Race: c.AffinityRace, VectorCap: c.VectorCap, VectorBase: c.VectorBase}
}

// Hotplug converts back to a hotplug configuration.
func (c *HotplugConfig) Hotplug() (hotplug.Config, error) {
	reqs, err := hotplug.ParseRequests(c.Requests)
	if err != nil {
		return hotplug.Config{}, err
	}
	steps, err := hotplug.ParseSteps(c.Steps)
	if err != nil {
		return hotplug.Config{}, err
	}
	return hotplug.Config{Topology: c.Topology, Queues: c.Queues, Spread: c.Spread, Requests: reqs, Hotplug: steps,
		Unreachable: append([]int(nil), c.Unreachable...), ReachableAware: c.ReachableAware, Xen: c.Xen,
		AffinityRace: c.Race, VectorCap: c.VectorCap, VectorBase: c.VectorBase}, nil
}

// FormatHotplugRequests spells requests the way hotplug.ParseRequests reads them:
// "2,1:1" (the target only when it is not 0).
func FormatHotplugRequests(rs []hotplug.Request) string {
	var parts []string
	for _, r := range rs {
		s := strconv.Itoa(r.CPU)
		if r.Target != 0 {
			s += ":" + strconv.Itoa(r.Target)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// FormatHotplugSteps spells hotplug steps the way hotplug.ParseSteps reads them.
func FormatHotplugSteps(ss []hotplug.Step) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, s.String())
	}
	return strings.Join(parts, ",")
}

// HotplugHeader says what a hotplug trace is about.
type HotplugHeader struct {
	Variant, Mutant string
	Edits           []string // ablation edits made to the program (see Trace.Edits)
	Config          hotplug.Config
	Model           string
	Property        string // ID, "P6"
	PropertyName    string
	Message         string
}

// FromHotplug records a complete execution graph of a hotplug scenario as a trace.
func FromHotplug(h HotplugHeader, g *model.ExecutionGraph) *Trace {
	tr := FromExecution(Header{Variant: h.Variant, Mutant: h.Mutant, Edits: h.Edits, Model: h.Model, Property: h.Property,
		PropertyName: h.PropertyName, Message: h.Message}, g)
	tr.Config = Config{}
	tr.Hotplug = HotplugConfigOf(h.Config)
	return tr
}

// IsHotplug says whether the trace describes a hotplug scenario.
func (tr *Trace) IsHotplug() bool { return tr.Hotplug != nil }

// HotplugScenario rebuilds the hotplug scenario a hotplug trace was recorded from.
func (tr *Trace) HotplugScenario() (*hotplug.Scenario, error) {
	if tr.Hotplug == nil {
		return nil, fmt.Errorf("not a hotplug trace")
	}
	cfg, err := tr.Hotplug.Hotplug()
	if err != nil {
		return nil, fmt.Errorf("trace hotplug configuration: %v", err)
	}
	return tr.buildHotplug(cfg)
}

func hotplugName(variant, mutant string) string {
	if mutant != "" {
		return variant + "+" + mutant
	}
	return variant
}

// asViolations converts hotplug violations to the generic form Replayed carries.
func asViolations(vs []hotplug.Violation) []properties.Violation {
	var out []properties.Violation
	for _, v := range vs {
		out = append(out, properties.Violation{
			Property: properties.Property{ID: v.Property.ID, Name: v.Property.Name, Doc: v.Property.Doc},
			Message:  v.Message, Events: v.Events})
	}
	return out
}

// replayHotplug is Replay for a hotplug trace: rebuild, re-execute the recorded
// choices, check the memory model allows it, re-check P6–P10.
func (tr *Trace) replayHotplug() (*Replayed, error) {
	sc, err := tr.HotplugScenario()
	if err != nil {
		return nil, err
	}
	g, _, err := tr.replayGraph(sc.Program)
	if err != nil {
		return nil, err
	}
	r := &Replayed{Hotplug: sc, Graph: g, Violations: asViolations(hotplug.Check(sc, g))}
	r.Reproduced = violates(r.Violations, tr.Property)
	return r, nil
}

// hotplugViolation is the violation of property id in g, if any.
func hotplugViolation(sc *hotplug.Scenario, g *model.ExecutionGraph, id string) (hotplug.Violation, bool) {
	for _, v := range hotplug.Check(sc, g) {
		if v.Property.ID == id {
			return v, true
		}
	}
	return hotplug.Violation{}, false
}

// minimizeHotplug is Minimize for a hotplug trace: greedily drop a request or a
// hotplug step while some execution still violates the trace's property (each
// candidate re-explored under the trace's model within the budget; a cut
// exploration without a violation rejects the candidate), then keep the violating
// execution of the final configuration with the fewest events, then the fewest
// context switches. Deterministic; never larger than tr.
func minimizeHotplug(tr *Trace, b Budget) (*Trace, Stats, error) {
	var st Stats
	rp, err := tr.replayHotplug()
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
	cfg := rp.Hotplug.Config
	st.Original = hotplugSize(cfg, rp.Graph)
	opts := b.options(rp.Graph)
	violates := func(c hotplug.Config) bool {
		sc, err := tr.buildHotplug(c)
		if err != nil || len(sc.Program.Threads) == 0 {
			return false // a trace needs at least one thread
		}
		st.Candidates++
		found := false
		res := model.Explore(sc.Program, m, opts, func(g *model.ExecutionGraph) bool {
			_, found = hotplugViolation(sc, g, tr.Property)
			return !found
		})
		st.Executions += res.Executions
		return found
	}
	for improved := true; improved; {
		improved = false
		for _, c := range shrinkHotplug(cfg) {
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
	sc, err := tr.buildHotplug(cfg)
	if err != nil {
		return nil, st, err
	}
	var best *model.ExecutionGraph
	var bestMsg string
	var bestSize Size
	res := model.Explore(sc.Program, m, opts, func(g *model.ExecutionGraph) bool {
		v, ok := hotplugViolation(sc, g, tr.Property)
		if !ok {
			return true
		}
		if s := hotplugSize(cfg, g); best == nil || s.less(bestSize) {
			best, bestMsg, bestSize = g.Clone(), v.Message, s
		}
		return true
	})
	st.Executions += res.Executions
	if best == nil || !bestSize.less(st.Original) {
		st.Minimized = st.Original
		return tr, st, nil
	}
	st.Minimized = bestSize
	out := FromHotplug(HotplugHeader{Variant: tr.Variant, Mutant: tr.Mutant, Edits: tr.Edits, Config: cfg, Model: tr.Model,
		Property: tr.Property, PropertyName: tr.Name, Message: bestMsg}, best)
	return out, st, nil
}

// hotplugSize measures an execution of a hotplug configuration.
func hotplugSize(c hotplug.Config, g *model.ExecutionGraph) Size {
	return Size{hotplug: true, Requests: len(c.Requests), Steps: len(c.Hotplug), Events: g.NumEvents(), Switches: switches(g)}
}

// shrinkHotplug lists the configurations one step smaller than c, in the order they
// are tried: each request dropped (the last first), then each hotplug step dropped
// (the last first). Invalid ones (a step sequence that no longer makes sense, or a
// program left without threads) are rejected when they are built.
func shrinkHotplug(c hotplug.Config) []hotplug.Config {
	var out []hotplug.Config
	for i := len(c.Requests) - 1; i >= 0; i-- {
		d := c
		d.Requests = append(append([]hotplug.Request(nil), c.Requests[:i]...), c.Requests[i+1:]...)
		out = append(out, d)
	}
	for i := len(c.Hotplug) - 1; i >= 0; i-- {
		d := c
		d.Hotplug = append(append([]hotplug.Step(nil), c.Hotplug[:i]...), c.Hotplug[i+1:]...)
		out = append(out, d)
	}
	return out
}
