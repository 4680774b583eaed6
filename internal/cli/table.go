package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/steercheck/steercheck/model"
)

// tableRow is one run in check's verdict table, steering or hotplug alike.
type tableRow struct {
	variant, mutant, model string
	err                    error
	verdict                string // holds, violated or unknown
	prop, propName         string // the violated property's ID and name
	message, trace         string
	race                   string // a data race (P11) found beside the violation, if any
	result                 model.Result
	elapsed                time.Duration
	interrupted            bool     // unknown because the run was interrupted
	lockOrder              []string // P5's lock-order edges (properties.Report.LockOrder)
}

// setOutcome records a finished run's verdict and result, with the violated
// property's ID, name and message when it is violated.
func (r *tableRow) setOutcome(verdict string, res model.Result, id, name, message string) {
	r.verdict, r.result = verdict, res
	if verdict == "violated" {
		r.prop, r.propName, r.message = id, name, message
	}
	r.interrupted = verdict == "unknown" && res.Reason == model.Canceled
}

func (r tableRow) violated() bool { return r.err == nil && r.verdict == "violated" }
func (r tableRow) unknown() bool  { return r.err == nil && r.verdict == "unknown" }

// key names the run in the expectations table: "variant/mutant/model".
func (r tableRow) key() string { return r.variant + "/" + r.mutant + "/" + r.model }

// name is "variant" or "variant+mutant".
func (r tableRow) name() string {
	if r.mutant == "" {
		return r.variant
	}
	return r.variant + "+" + r.mutant
}

// note is the last column: the trace or message of a violation, why a run is unknown.
func (r tableRow) note() string {
	switch {
	case r.err != nil:
		return r.err.Error()
	case r.violated():
		note := r.message
		if r.trace != "" {
			note = r.trace
		}
		if r.race != "" {
			note += " (also a data race: P11)"
		}
		return note
	case r.interrupted:
		return "interrupted"
	case r.unknown():
		return unknownReason(r.result)
	}
	return ""
}

// writeTable prints the verdict table and returns the exit code it implies: usage
// error over violation over unknown over holds.
func writeTable(w io.Writer, rows []tableRow) int {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tMUTANT\tMODEL\tVERDICT\tPROPERTY\tEXECUTIONS\tSTEPS\tTIME\tTRACE / NOTE")
	code := ExitHolds
	sawUnknown := false
	for _, r := range rows {
		mut := r.mutant
		if mut == "" {
			mut = "-"
		}
		if r.err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\terror\t-\t-\t-\t-\t%s\n", r.variant, mut, r.model, oneLine(r.note()))
			code = ExitUsage
			continue
		}
		prop := "-"
		switch {
		case r.violated():
			prop = r.prop + " " + r.propName
			if code != ExitUsage {
				code = ExitViolation
			}
		case r.unknown():
			sawUnknown = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", r.variant, mut, r.model, r.verdict, prop,
			r.result.Executions, r.result.Steps(), r.elapsed.Round(time.Millisecond), r.note())
	}
	tw.Flush()
	if code == ExitHolds && sawUnknown {
		code = ExitUnknown
	}
	return code
}

func unknownReason(r model.Result) string {
	if r.Reason != model.Exhausted {
		return "stopped: " + r.Reason.String()
	}
	if r.OutOfBound > 0 {
		return fmt.Sprintf("%d executions cut by a loop bound", r.OutOfBound)
	}
	return "a property check was undecided"
}

// summary counts the verdicts of a check.
type summary struct {
	Runs        int `json:"runs"`
	Holds       int `json:"holds"`
	Violated    int `json:"violated"`
	Unknown     int `json:"unknown"`
	Interrupted int `json:"interrupted"`
	NotStarted  int `json:"not_started"`
	Errors      int `json:"errors"`
}

func summarize(rows []tableRow, planned int) summary {
	s := summary{Runs: planned, NotStarted: planned - len(rows)}
	for _, r := range rows {
		switch {
		case r.err != nil:
			s.Errors++
		case r.violated():
			s.Violated++
		case r.interrupted:
			s.Interrupted++
			s.Unknown++
		case r.unknown():
			s.Unknown++
		default:
			s.Holds++
		}
	}
	return s
}

// line is the summary line: "25 runs: 19 hold, 4 violated, 2 unknown; budget: ...".
func (s summary) line(budget string) string {
	hold := "hold"
	if s.Holds == 1 {
		hold = "holds"
	}
	out := fmt.Sprintf("%d %s: %d %s, %d violated, %d unknown", s.Runs, plural(s.Runs, "run"), s.Holds, hold, s.Violated, s.Unknown)
	if s.Interrupted > 0 {
		out += fmt.Sprintf(" (%d interrupted)", s.Interrupted)
	}
	if s.NotStarted > 0 {
		out += fmt.Sprintf(", %d not started (interrupted)", s.NotStarted)
	}
	if s.Errors > 0 {
		out += fmt.Sprintf(", %d %s", s.Errors, plural(s.Errors, "error"))
	}
	return out + "; budget: " + budget + "."
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
