package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
)

// merge.go: `steercheck merge`, which combines the reports of `check --shard i/n
// --json` for i = 0..n-1 into the verdicts of the whole run. The shards partition each
// run's executions (model/shard.go), so counts add up; a violation any shard found is
// the run's, preferring, as Verify does, a violation of an ordering property (P1–P6)
// to a data race (P11): the lowest shard's of the kind chosen, so the merged report
// does not depend on the order of the files (it need not be the counterexample the
// whole run would report first, which may lie in another shard); a run is unknown
// when any shard's was, and holds only when every shard's did.

var mergeCommand = command{
	name:    "merge",
	args:    "REPORT...",
	summary: "combine the --json reports of check --shard i/n into the whole run's verdicts",
	help: "Reads the reports of `check --shard I/N --json FILE` for every I from 0 to N-1 (the same check: configuration, " +
		"budget and runs, by the same build of steercheck) and prints check's table for the whole run: executions, blocked executions and steps summed over " +
		"the shards, violated when a shard found a violation (the lowest shard's, with its trace), unknown when a shard " +
		"ran out of budget or was interrupted (the note names those shards: run them again), holds when every shard held. " +
		"Reports missing or given twice are named too. With --json it writes the merged report.",
	exits: `0    every run holds
1    some run is violated
2    bad usage, an unreadable report, or reports that are not the N shards of one check
3    no violation, but some run is unknown
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		jsonOut := fs.text("json", "", "also write the merged report (docs/REPORT.md) to `FILE`")
		return func(pos []string) int {
			if len(pos) == 0 {
				return e.fail("merge needs the REPORT files of every shard (run 'steercheck merge --help')")
			}
			reps := make([]CheckReport, len(pos))
			for i, p := range pos {
				r, err := readCheckReport(p)
				if err != nil {
					return e.fail("%v", err)
				}
				reps[i] = r
			}
			merged, err := MergeShards(reps)
			if err != nil {
				return e.fail("%v", err)
			}
			merged.Command = e.argv
			merged.ExitCode = printMerged(e.stdout, merged)
			if *jsonOut != "" {
				if err := writeJSON(*jsonOut, merged); err != nil {
					return e.fail("writing the report: %v", err)
				}
			}
			return merged.ExitCode
		}
	},
}

// readCheckReport reads one check report, refusing anything else.
func readCheckReport(path string) (CheckReport, error) {
	var r CheckReport
	b, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: not a check report: %v", path, err)
	}
	if r.Format != CheckReportFormat || r.Version != ReportVersion {
		return r, fmt.Errorf("%s: format %q version %d, want %q version %d", path, r.Format, r.Version, CheckReportFormat, ReportVersion)
	}
	if r.Shard == "" {
		return r, fmt.Errorf("%s: a whole run's report, not a shard's (check --shard I/N --json)", path)
	}
	return r, nil
}

// MergeShards combines the reports of the n shards of one check (in any order) into
// the whole run's report, or says why they are not the shards of one check.
func MergeShards(reps []CheckReport) (CheckReport, error) {
	shards := make([]model.Shard, len(reps))
	for i, r := range reps {
		s, err := model.ParseShard(r.Shard)
		if err != nil {
			return CheckReport{}, err
		}
		shards[i] = s
	}
	order := make([]int, len(reps))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return shards[order[a]].Index < shards[order[b]].Index })
	n := shards[0].Count
	for _, s := range shards {
		if s.Count != n {
			return CheckReport{}, fmt.Errorf("shard %s is one of %d shards, shard %s one of %d: the shards of one run all have the same count", s, s.Count, shards[0], n)
		}
	}
	if problem := shardSetProblem(shards, n); problem != "" {
		return CheckReport{}, fmt.Errorf("%d reports for %d shards: %s (every shard 0/%d to %d/%d is needed once)", len(reps), n, problem, n, n-1, n)
	}
	first := reps[order[0]]
	for _, i := range order {
		r, s := reps[i], shards[i]
		if r.Tool != first.Tool {
			return CheckReport{}, fmt.Errorf("shard %s was written by %q, shard %s by %q: the shards of one run must come from one build of steercheck (the split follows its explorer's order)", s, r.Tool, first.Shard, first.Tool)
		}
		if r.Build != first.Build {
			return CheckReport{}, fmt.Errorf("shard %s was written by build %s, shard %s by build %s: the shards of one run must come from one build of steercheck (the split follows its explorer's order)", s, buildName(r.Build), first.Shard, buildName(first.Build))
		}
		if r.Configuration != first.Configuration || r.Budget != first.Budget || r.Symmetry != first.Symmetry || len(r.Runs) != len(first.Runs) {
			return CheckReport{}, fmt.Errorf("shard %s is of another check (configuration, budget, --symmetry or runs differ from shard %s's)", s, first.Shard)
		}
		for j, run := range r.Runs {
			f := first.Runs[j]
			if run.Variant != f.Variant || run.Mutant != f.Mutant || run.Model != f.Model {
				return CheckReport{}, fmt.Errorf("shard %s is of another check (its run %d is %s/%s/%s)", s, j+1, run.Variant, run.Mutant, run.Model)
			}
		}
	}
	out := CheckReport{Format: CheckReportFormat, Version: ReportVersion, Tool: versionLine(), Build: first.Build,
		Configuration: first.Configuration, Budget: first.Budget, Symmetry: first.Symmetry, Runs: make([]RunReport, len(first.Runs))}
	for j := range first.Runs {
		m := RunReport{Variant: first.Runs[j].Variant, Mutant: first.Runs[j].Mutant, Model: first.Runs[j].Model, Verdict: "holds"}
		reasons := map[string]bool{}
		for _, i := range order {
			run := reps[i].Runs[j]
			m.Executions += run.Executions
			m.Blocked += run.Blocked
			m.Steps += run.Steps
			m.Seconds += run.Seconds
			m.Interrupted = m.Interrupted || run.Interrupted
			switch run.Verdict {
			case "violated":
				raceOnly := run.Property == "P11"
				better := m.Verdict == "holds" || m.Verdict == "unknown" ||
					m.Verdict == "violated" && m.Property == "P11" && !raceOnly
				if better {
					race := m.Race
					if m.Verdict == "violated" {
						race = m.Message // the race a lower shard found, now beside the ordering violation
					}
					m.Verdict, m.Property, m.PropertyName, m.Message, m.Trace, m.Race =
						"violated", run.Property, run.PropertyName, run.Message, run.Trace, run.Race
					if m.Race == "" {
						m.Race = race
					}
				} else if m.Verdict == "violated" && raceOnly && m.Race == "" && m.Property != "P11" {
					m.Race = run.Message
				}
			case "error":
				m.Verdict, m.Error = "error", run.Error
			case "unknown":
				if m.Verdict == "holds" {
					m.Verdict = "unknown"
				}
				m.UnknownShards = append(m.UnknownShards, reps[i].Shard)
			}
			reasons[run.StopReason] = true
		}
		if err := mergeLockOrder(&m, reps, order, j); err != nil {
			return CheckReport{}, err
		}
		m.StopReason = mergedStopReason(m.Verdict, reasons)
		out.Runs[j] = m
	}
	for _, r := range out.Runs {
		out.Summary.Runs++
		switch r.Verdict {
		case "holds":
			out.Summary.Holds++
		case "violated":
			out.Summary.Violated++
		case "unknown":
			out.Summary.Unknown++
			if r.Interrupted {
				out.Summary.Interrupted++
			}
		default:
			out.Summary.Errors++
		}
	}
	return out, nil
}

// mergedStopReason is a merged run's stop reason: the shards' when they agree, the
// one that is not "exhausted" for an unknown run.
func mergedStopReason(verdict string, reasons map[string]bool) string {
	if len(reasons) == 1 {
		for r := range reasons {
			return r
		}
	}
	if verdict == "unknown" {
		var rs []string
		for r := range reasons {
			if r != model.Exhausted.String() {
				rs = append(rs, r)
			}
		}
		sort.Strings(rs)
		if len(rs) > 0 {
			return rs[0]
		}
	}
	if verdict == "violated" {
		return model.VisitorStopped.String()
	}
	return model.Exhausted.String()
}

// printMerged prints the merged table and summary and returns the exit code.
func printMerged(w io.Writer, rep CheckReport) int {
	fmt.Fprintf(w, "configuration: %s\nmerged: every shard of the run\n\n", rep.Configuration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tMUTANT\tMODEL\tVERDICT\tPROPERTY\tEXECUTIONS\tSTEPS\tTRACE / NOTE")
	code := ExitHolds
	for _, r := range rep.Runs {
		mut, prop, note := r.Mutant, "-", ""
		if mut == "" {
			mut = "-"
		}
		switch r.Verdict {
		case "violated":
			prop, note = r.Property+" "+r.PropertyName, r.Trace
			if note == "" {
				note = r.Message
			}
			if code != ExitUsage {
				code = ExitViolation
			}
		case "unknown":
			note = "stopped: " + r.StopReason
			if len(r.UnknownShards) > 0 {
				note += " in shards " + unknownShardRanges(r.UnknownShards)
			}
			if code == ExitHolds {
				code = ExitUnknown
			}
		case "error":
			note, code = r.Error, ExitUsage
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.Variant, mut, r.Model, r.Verdict, prop, r.Executions, r.Steps, note)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, rep.Summary.line(rep.Budget))
	if rep.Symmetry {
		fmt.Fprintln(w, symmetryNote)
	}
	return code
}

// shardSetProblem names the shards of n that are missing from shards, and those given
// more than once, in ranges ("missing 3/64, 10/64 to 12/64; more than once: 5/64"); ""
// when each is there once. A user merging 64 reports needs to know which shard to run
// again.
func shardSetProblem(shards []model.Shard, n int) string {
	seen := make([]int, n)
	for _, s := range shards {
		seen[s.Index]++
	}
	var out []string
	if m := shardRanges(n, func(i int) bool { return seen[i] == 0 }); m != "" {
		out = append(out, "missing "+m)
	}
	if d := shardRanges(n, func(i int) bool { return seen[i] > 1 }); d != "" {
		out = append(out, "more than once: "+d)
	}
	return strings.Join(out, "; ")
}

// unknownShardRanges is shardRanges of the shards ("I/N") named.
func unknownShardRanges(names []string) string {
	var n int
	in := map[int]bool{}
	for _, name := range names {
		s, err := model.ParseShard(name)
		if err != nil {
			return strings.Join(names, ", ")
		}
		n, in[s.Index] = s.Count, true
	}
	return shardRanges(n, func(i int) bool { return in[i] })
}

// shardRanges lists the shards i of n for which in(i) holds, consecutive ones as a
// range: "1/8 to 3/8, 6/8".
func shardRanges(n int, in func(i int) bool) string {
	var parts []string
	for i := 0; i < n; i++ {
		if !in(i) {
			continue
		}
		j := i
		for j+1 < n && in(j+1) {
			j++
		}
		if j == i {
			parts = append(parts, fmt.Sprintf("%d/%d", i, n))
		} else {
			parts = append(parts, fmt.Sprintf("%d/%d to %d/%d", i, n, j, n))
		}
		i = j
	}
	return strings.Join(parts, ", ")
}

// buildName is how merge's errors spell a report's build.
func buildName(b string) string {
	if b == "" {
		return "(none recorded)"
	}
	return b
}

// mergeLockOrder sets the merged run m's lock-order graph, the union of its shards'
// (run j of each report, in shard order), and makes m violated (P5) when the union has
// a cycle that no shard saw whole: each shard's checker saw only its part of the run,
// and P5 judges the graph across the whole run (properties/lockorder.go). A run a
// shard already found violated keeps that shard's violation, as it would have stopped
// there.
func mergeLockOrder(m *RunReport, reps []CheckReport, order []int, j int) error {
	var union []string
	from := map[string]string{} // the first shard whose graph holds an edge
	for _, i := range order {
		for _, e := range reps[i].Runs[j].LockOrder {
			if _, ok := from[e]; !ok {
				from[e] = reps[i].Shard
				union = append(union, e)
			}
		}
	}
	sort.Strings(union)
	m.LockOrder = union
	cyc, err := properties.LockOrderCycle(union)
	if err != nil {
		return fmt.Errorf("run %s/%s/%s: %v", m.Variant, m.Mutant, m.Model, err)
	}
	if cyc == nil || m.Verdict == "violated" || m.Verdict == "error" {
		return nil
	}
	var parts []string
	for _, e := range cyc {
		parts = append(parts, fmt.Sprintf("%s (shard %s)", e, from[e]))
	}
	p, _ := properties.Lookup("P5")
	m.Verdict, m.Property, m.PropertyName = "violated", p.ID, p.Name
	m.Message = "lock order inversion across shards: " + strings.Join(parts, ", ") +
		" (no trace: no one execution took every edge; the unsharded run finds it where the cycle closes)"
	m.UnknownShards = nil
	return nil
}
