package traces

import (
	"fmt"
	"github.com/steercheck/steercheck/ablation"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// Replayed is a trace re-executed and re-checked.
type Replayed struct {
	Scenario   *steering.Scenario // nil for a hotplug trace
	Hotplug    *hotplug.Scenario  // set for a hotplug trace only
	Graph      *model.ExecutionGraph
	Violations []properties.Violation
	// Reproduced is true when the recorded property is violated again.
	Reproduced bool
}

// Scenario rebuilds the scenario a trace was recorded from.
func (tr *Trace) Scenario() (*steering.Scenario, error) {
	if tr.Hotplug != nil {
		return nil, fmt.Errorf("trace of hotplug variant %s: not a steering scenario", tr.Variant)
	}
	cfg, err := tr.Config.Steering()
	if err != nil {
		return nil, fmt.Errorf("trace configuration: %v", err)
	}
	return tr.buildSteering(cfg)
}

// buildSteering builds the trace's variant and mutant at cfg, with the trace's edits.
func (tr *Trace) buildSteering(cfg steering.Config) (*steering.Scenario, error) {
	sc, err := steering.Build(tr.Variant, tr.Mutant, cfg)
	if err != nil || len(tr.Edits) == 0 {
		return sc, err
	}
	p, err := tr.editedProgram(sc.Program)
	if err != nil {
		return nil, err
	}
	edited := *sc
	edited.Program = p
	return &edited, nil
}

// buildHotplug builds the trace's hotplug variant at cfg, with the trace's edits.
func (tr *Trace) buildHotplug(cfg hotplug.Config) (*hotplug.Scenario, error) {
	sc, err := hotplug.Build(hotplugName(tr.Variant, tr.Mutant), cfg)
	if err != nil || len(tr.Edits) == 0 {
		return sc, err
	}
	p, err := tr.editedProgram(sc.Program)
	if err != nil {
		return nil, err
	}
	edited := *sc
	edited.Program = p
	return &edited, nil
}

func (tr *Trace) editedProgram(p *model.Program) (*model.Program, error) {
	es, err := ablation.ParseEdits(tr.Edits)
	if err != nil {
		return nil, err
	}
	return ablation.Apply(p, es)
}

// Highlight is the events of the replayed execution that break property id (for
// Render and DOT), or nil when it holds there.
func (r *Replayed) Highlight(id string) []model.EventRef {
	var hl []model.EventRef
	for _, v := range r.Violations {
		if v.Property.ID == id {
			hl = v.Events
		}
	}
	return hl
}

// Replay rebuilds the scenario, re-executes exactly the recorded execution, checks
// that the trace's memory model allows it, and re-checks every property. An error
// means the trace does not describe an execution of this steercheck's model of the
// scenario (a stale or edited trace); a trace whose property no longer fails replays
// with Reproduced false.
func (tr *Trace) Replay() (*Replayed, error) {
	if tr.Hotplug != nil {
		return tr.replayHotplug()
	}
	sc, err := tr.Scenario()
	if err != nil {
		return nil, err
	}
	g, m, err := tr.replayGraph(sc.Program)
	if err != nil {
		return nil, err
	}
	r := &Replayed{Scenario: sc, Graph: g}
	chk := properties.NewCheckerFor(sc, m, nil)
	chk.RaceSite = tr.RaceSite
	r.Violations = chk.Check(g)
	r.Reproduced = violates(r.Violations, tr.Property)
	return r, nil
}

// replayGraph re-executes the trace's choices on p and checks that the trace's memory
// model allows the result and that any blocked spin-wait read the latest values.
func (tr *Trace) replayGraph(p *model.Program) (*model.ExecutionGraph, barriers.Model, error) {
	m, err := barriers.New(tr.Model)
	if err != nil {
		return nil, nil, err
	}
	ch, err := tr.Choices(p)
	if err != nil {
		return nil, nil, err
	}
	g, err := model.Replay(p, ch)
	if err != nil {
		return nil, nil, fmt.Errorf("trace does not replay: %v", err)
	}
	if !m.Consistent(g) {
		return nil, nil, fmt.Errorf("trace does not replay: the execution is not allowed by memory model %s", tr.Model)
	}
	if blocked, genuine := g.Blocked(); blocked && !genuine {
		return nil, nil, fmt.Errorf("trace does not replay: a blocked spin-wait read a value that is not the latest")
	}
	return g, m, nil
}

// violates reports whether property id is among the violations.
func violates(vs []properties.Violation, id string) bool {
	for _, v := range vs {
		if v.Property.ID == id {
			return true
		}
	}
	return false
}
