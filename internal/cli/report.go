package cli

import (
	"encoding/json"
	"os"
)

// The machine-readable reports of check --json and litmus --json. Their schema is
// docs/REPORT.md; a change that removes or renames a field, or changes a field's
// meaning, bumps ReportVersion.
const (
	CheckReportFormat  = "steercheck-check-report"
	LitmusReportFormat = "steercheck-litmus-report"
	ReportVersion      = 1
)

// CheckReport is check's report.
type CheckReport struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Tool    string `json:"tool"`
	// Build identifies the executable that explored the runs (buildID): for merge,
	// which needs every shard of a run from one build. A merged report keeps its
	// shards' build. Absent when the executable could not be read.
	Build         string   `json:"build,omitempty"`
	Command       []string `json:"command"`
	Configuration string   `json:"configuration"`
	Budget        string   `json:"budget"`
	// Shard is "i/n" for a report of check --shard, absent for a whole run.
	Shard string `json:"shard,omitempty"`
	// Symmetry is set for a report of check --symmetry: executions count one per
	// family of executions that differ by a permutation of interchangeable submitters.
	Symmetry bool `json:"symmetry,omitempty"`
	// Explorer is "hmc" for a report of check --explorer hmc; absent for the default
	// two-phase explorer.
	Explorer string      `json:"explorer,omitempty"`
	Runs     []RunReport `json:"runs"`
	Summary  summary     `json:"summary"`
	ExitCode int         `json:"exit_code"`
}

// RunReport is one run of a check.
type RunReport struct {
	Variant      string `json:"variant"`
	Mutant       string `json:"mutant"`
	Model        string `json:"model"`
	Verdict      string `json:"verdict"` // holds, violated, unknown or error
	Property     string `json:"property,omitempty"`
	PropertyName string `json:"property_name,omitempty"`
	Message      string `json:"message,omitempty"`
	Trace        string `json:"trace,omitempty"`
	// Race is a data race (P11) found beside a violation of another property.
	Race        string `json:"race,omitempty"`
	Executions  int64  `json:"executions"`
	Blocked     int64  `json:"blocked"`
	Steps       int64  `json:"steps"`
	StopReason  string `json:"stop_reason"`
	Interrupted bool   `json:"interrupted"`
	Error       string `json:"error,omitempty"`
	// UnknownShards, in a report merge wrote, lists the shards ("I/N") whose part of
	// the run was unknown: the ones to run again (with a larger budget, or to the end).
	UnknownShards []string `json:"unknown_shards,omitempty"`
	// LockOrder is P5's lock-order graph at the end of the run ("A → B": a lock of
	// class B taken while one of class A was held), sorted. P5 judges it across the
	// run's executions, so merge judges the union of its shards'.
	LockOrder []string `json:"lock_order,omitempty"`
	// Seconds is the run's wall time: the one field that differs between machines.
	Seconds float64 `json:"seconds"`
}

func newCheckReport(argv []string, config, budget string, rows []tableRow, sum summary, code int) CheckReport {
	rep := CheckReport{Format: CheckReportFormat, Version: ReportVersion, Tool: versionLine(), Build: buildID(),
		Command: argv, Configuration: config, Budget: budget, Runs: []RunReport{}, Summary: sum, ExitCode: code}
	for _, r := range rows {
		rr := RunReport{Variant: r.variant, Mutant: r.mutant, Model: r.model, Verdict: r.verdict, Trace: r.trace,
			Executions: r.result.Executions, Blocked: r.result.Blocked, Steps: r.result.Steps(),
			StopReason: r.result.Reason.String(), Interrupted: r.interrupted, Seconds: r.elapsed.Seconds(), LockOrder: r.lockOrder}
		if r.err != nil {
			rr.Verdict, rr.Error, rr.StopReason = "error", oneLine(r.err.Error()), ""
		}
		if r.violated() {
			rr.Property, rr.PropertyName, rr.Message, rr.Race = r.prop, r.propName, r.message, r.race
		}
		rep.Runs = append(rep.Runs, rr)
	}
	return rep
}

// LitmusReport is litmus's report.
type LitmusReport struct {
	Format   string       `json:"format"`
	Version  int          `json:"version"`
	Tool     string       `json:"tool"`
	Command  []string     `json:"command"`
	Model    string       `json:"model"`
	Budget   string       `json:"budget"`
	Explorer string       `json:"explorer,omitempty"` // "hmc" for litmus --explorer hmc; absent for two-phase
	Tests    []LitmusTest `json:"tests"`
	ExitCode int          `json:"exit_code"`
}

// LitmusTest is one test of a litmus run.
type LitmusTest struct {
	File string `json:"file"`
	Name string `json:"name,omitempty"`
	// Result is herd7's observation (Never, Sometimes, Always), Unknown when a budget
	// cut the run first, Unsupported, or Error (the file does not parse or run).
	Result     string   `json:"result"`
	Verdict    string   `json:"verdict,omitempty"` // herd7's Ok or No, or Unknown
	Condition  string   `json:"condition,omitempty"`
	Positive   int64    `json:"positive"`
	Negative   int64    `json:"negative"`
	Executions int64    `json:"executions"`
	StopReason string   `json:"stop_reason,omitempty"`
	States     []string `json:"states,omitempty"` // the allowed final states, as herd7 prints them
	Error      string   `json:"error,omitempty"`
	Seconds    float64  `json:"seconds"`
}

// writeJSON writes v, indented, to path.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
