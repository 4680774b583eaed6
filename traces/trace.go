package traces

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/steercheck/steercheck/ablation"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// Format is the value of every trace file's "format" field.
const Format = "steercheck-trace"

// Version is the trace format version this steercheck writes and reads.
const Version = 1

// ToolVersion is the version of steercheck that writes traces.
const ToolVersion = "0.1.0"

// Trace is a counterexample file.
type Trace struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Tool    string `json:"tool"`
	Variant string `json:"variant"`
	Mutant  string `json:"mutant,omitempty"`
	// Edits, when present, are the ablation edits (ablation.Edit spellings) made to the
	// variant's program before it ran: a witness of `steercheck barriers`.
	Edits  []string `json:"edits,omitempty"`
	Config Config   `json:"config"`
	// Hotplug, when present, makes this a hotplug trace (see HotplugConfig); steering
	// traces leave it out.
	Hotplug  *HotplugConfig `json:"hotplug,omitempty"`
	Model    string         `json:"model"`
	Property string         `json:"property"` // the property's ID, "P3"
	Name     string         `json:"property_name"`
	Message  string         `json:"message"`
	// RaceSite, for a P11 witness of `steercheck barriers`, is the annotation site
	// whose weakening made the race: replay and minimization judge only races
	// through it (properties.Checker.RaceSite).
	RaceSite  string      `json:"race_site,omitempty"`
	Threads   []Thread    `json:"threads"`
	Coherence []Coherence `json:"coherence"`
}

// Config is a steering.Config in the trace's own, stable spelling.
type Config struct {
	CPUs        int    `json:"cpus"`
	Targets     int    `json:"targets"`
	Queues      int    `json:"queues"`
	RingSize    int    `json:"ring_size"`
	Requests    string `json:"requests"` // "cpu:target,..." in submission order
	KickFailure bool   `json:"kick_failure"`
}

// Thread is one thread's events, in program order.
type Thread struct {
	Name   string  `json:"name"`
	Kind   string  `json:"kind"`
	Status string  `json:"status"`
	Events []Event `json:"events"`
}

// Event is one event. For reads, From names the write read ("cpu1#4", or "init")
// and Val the value it returned; these are the choices replay follows. Text is a
// human-readable description and is not read back.
type Event struct {
	Kind string `json:"kind"` // R, W, F or M
	Loc  string `json:"loc,omitempty"`
	Val  int64  `json:"val"`
	From string `json:"from,omitempty"`
	Text string `json:"text"`
}

// Coherence is the coherence order of the writes to one location (the initial write,
// always first, is not listed).
type Coherence struct {
	Loc    string   `json:"loc"`
	Writes []string `json:"writes"`
}

// ConfigOf converts a steering configuration.
func ConfigOf(c steering.Config) Config {
	return Config{CPUs: c.CPUs, Targets: c.Targets, Queues: c.Queues, RingSize: c.RingSize,
		Requests: steering.FormatRequests(c.Requests), KickFailure: c.KickFailure}
}

// Steering converts back to a steering configuration.
func (c Config) Steering() (steering.Config, error) {
	reqs, err := steering.ParseRequests(c.Requests)
	if err != nil {
		return steering.Config{}, err
	}
	return steering.Config{CPUs: c.CPUs, Targets: c.Targets, Queues: c.Queues, RingSize: c.RingSize,
		Requests: reqs, KickFailure: c.KickFailure}, nil
}

// refName spells an event reference with its thread's name: "cpu1#4".
func refName(p *model.Program, r model.EventRef) string {
	if r.IsInit() {
		return "init"
	}
	return p.Threads[r.Thread].Name + "#" + strconv.Itoa(int(r.Index))
}

func parseRef(p *model.Program, s string, loc model.LocID) (model.EventRef, error) {
	if s == "init" {
		return model.InitRef(loc), nil
	}
	name, idx, ok := strings.Cut(s, "#")
	if !ok {
		return model.EventRef{}, fmt.Errorf("event %q is not of the form THREAD#INDEX", s)
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 {
		return model.EventRef{}, fmt.Errorf("event %q has a bad index", s)
	}
	for t, th := range p.Threads {
		if th.Name == name {
			return model.EventRef{Thread: int32(t), Index: int32(i)}, nil
		}
	}
	return model.EventRef{}, fmt.Errorf("event %q names no thread of %s", s, p.Name)
}

// Header says what a trace is about.
type Header struct {
	Variant, Mutant string
	Edits           []string // ablation edits made to the program (see Trace.Edits)
	Config          steering.Config
	Model           string
	Property        string // ID
	PropertyName    string
	Message         string
	RaceSite        string // see Trace.RaceSite
}

// FromExecution records a complete execution graph of p as a trace.
func FromExecution(h Header, g *model.ExecutionGraph) *Trace {
	p := g.Prog
	tr := &Trace{Format: Format, Version: Version, Tool: "steercheck " + ToolVersion,
		Variant: h.Variant, Mutant: h.Mutant, Edits: h.Edits, Config: ConfigOf(h.Config), Model: h.Model,
		Property: h.Property, Name: h.PropertyName, Message: h.Message, RaceSite: h.RaceSite}
	for t, th := range p.Threads {
		out := Thread{Name: th.Name, Kind: th.Kind, Status: g.Status(t).String(), Events: []Event{}}
		for i := range g.Threads[t].Events {
			e := &g.Threads[t].Events[i]
			ev := Event{Kind: e.Kind.String(), Text: g.DescribeEvent(model.EventRef{Thread: int32(t), Index: int32(i)})}
			switch e.Kind {
			case model.KindRead:
				ev.Loc, ev.Val, ev.From = p.Locs[e.Loc].Name, e.Val, refName(p, e.RF)
				if selfTestMutation == 1 {
					ev.From = "init" // broken on purpose: every read recorded as reading the initial value
				}
			case model.KindWrite:
				ev.Loc, ev.Val = p.Locs[e.Loc].Name, e.Val
			}
			out.Events = append(out.Events, ev)
		}
		tr.Threads = append(tr.Threads, out)
	}
	for l, co := range g.Co {
		if len(co) == 0 {
			continue
		}
		c := Coherence{Loc: p.Locs[l].Name}
		for _, w := range co {
			c.Writes = append(c.Writes, refName(p, w))
		}
		tr.Coherence = append(tr.Coherence, c)
	}
	return tr
}

// Marshal encodes the trace; the encoding is canonical, so decoding and encoding
// again gives the same bytes.
func (tr *Trace) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(tr, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteFile saves the trace.
func (tr *Trace) WriteFile(path string) error {
	b, err := tr.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// ErrNotATrace is wrapped by every error about a file that is not a valid trace.
var ErrNotATrace = errors.New("not a valid steercheck trace")

// Unmarshal decodes and validates a trace. Unknown fields, a wrong format or version,
// trailing data and missing fields are errors.
func Unmarshal(data []byte) (*Trace, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var tr Trace
	if err := dec.Decode(&tr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: truncated JSON", ErrNotATrace)
		}
		return nil, fmt.Errorf("%w: %v", ErrNotATrace, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the trace", ErrNotATrace)
	}
	switch {
	case tr.Format != Format:
		return nil, fmt.Errorf("%w: format is %q, want %q", ErrNotATrace, tr.Format, Format)
	case tr.Version > Version:
		return nil, fmt.Errorf("%w: version %d is newer than this steercheck reads (%d)", ErrNotATrace, tr.Version, Version)
	case tr.Version < 1:
		return nil, fmt.Errorf("%w: version %d is not a trace version", ErrNotATrace, tr.Version)
	case tr.Variant == "":
		return nil, fmt.Errorf("%w: no variant", ErrNotATrace)
	case tr.Model == "":
		return nil, fmt.Errorf("%w: no memory model", ErrNotATrace)
	case len(tr.Threads) == 0:
		return nil, fmt.Errorf("%w: no threads", ErrNotATrace)
	}
	if _, err := ablation.ParseEdits(tr.Edits); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotATrace, err)
	}
	return &tr, nil
}

// ReadFile reads and validates a trace file; errors start with the file name.
func ReadFile(path string) (*Trace, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tr, err := Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tr, nil
}

// Choices converts the trace's choices for program p (which must be the program the
// trace was recorded from: same threads and locations).
func (tr *Trace) Choices(p *model.Program) (model.Choices, error) {
	if len(tr.Threads) != len(p.Threads) {
		return model.Choices{}, fmt.Errorf("trace has %d threads, %s has %d", len(tr.Threads), p.Name, len(p.Threads))
	}
	c := model.Choices{Reads: make([][]model.ReadChoice, len(p.Threads)), Co: make([][]model.EventRef, len(p.Locs))}
	for t, th := range tr.Threads {
		if th.Name != p.Threads[t].Name {
			return model.Choices{}, fmt.Errorf("trace thread %d is %q, the program's is %q", t, th.Name, p.Threads[t].Name)
		}
		c.Reads[t] = make([]model.ReadChoice, len(th.Events))
		for i, e := range th.Events {
			if e.Kind != "R" {
				continue
			}
			l, ok := p.LocByName(e.Loc)
			if !ok {
				return model.Choices{}, fmt.Errorf("%s#%d reads %q, which is not a location of %s", th.Name, i, e.Loc, p.Name)
			}
			from, err := parseRef(p, e.From, l)
			if err != nil {
				return model.Choices{}, fmt.Errorf("%s#%d: %v", th.Name, i, err)
			}
			c.Reads[t][i] = model.ReadChoice{From: from, Val: e.Val}
		}
	}
	for _, co := range tr.Coherence {
		l, ok := p.LocByName(co.Loc)
		if !ok {
			return model.Choices{}, fmt.Errorf("coherence of %q, which is not a location of %s", co.Loc, p.Name)
		}
		for _, w := range co.Writes {
			r, err := parseRef(p, w, l)
			if err != nil {
				return model.Choices{}, fmt.Errorf("coherence of %s: %v", co.Loc, err)
			}
			c.Co[l] = append(c.Co[l], r)
		}
	}
	return c, nil
}

// selfTestMutation, set only by tests, breaks FromExecution on purpose so the tests can
// show the round-trip property catches it.
var selfTestMutation int
