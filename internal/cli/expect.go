package cli

import (
	"fmt"
	"io"
	"strings"
)

// expected is the reviewed verdict of one variant or mutant under each memory model
// at the default configuration and check's default budget (docs/VERDICTS.md, main
// tables): "holds", "unknown", or the ID of the violated property. why explains a
// violation or an unknown, for check --expect's summary.
type expected struct {
	variant, mutant string
	verdicts        map[string]string // model → verdict
	why             string
}

// everyModel gives one verdict under every model.
func everyModel(v string) map[string]string {
	return map[string]string{"sc": v, "tso": v, "lkmm": v, "lkmm-alpha": v, "armv8": v}
}

// weakSplit is the verdicts of a run that breaks under the weak models: underSC under
// sc, hw (a property ID) under the hardware models tso and armv8, and lk under the
// kernel's, lkmm and lkmm-alpha.
func weakSplit(underSC, hw, lk string) map[string]string {
	return map[string]string{"sc": underSC, "tso": hw, "lkmm": lk, "lkmm-alpha": lk, "armv8": hw}
}

const seededBug = "a seeded bug: the checker must catch it"

// expectations are the verdicts check --expect (make run) compares with. A verdict
// that changes is a finding to review: update this table and docs/VERDICTS.md
// together, never one without the other.
var expectations = []expected{
	{variant: "single", verdicts: everyModel("holds")},
	{variant: "v2-2012", verdicts: everyModel("holds")},
	{variant: "v3.10", verdicts: everyModel("holds")},
	{variant: "v3.17", verdicts: everyModel("holds")},
	{variant: "v3.19-seqcount", verdicts: weakSplit("holds", "P2", "P1"),
		why: "a historical finding: the 3.19-4.16 seqcount steering (\"virtio-scsi: replace target spinlock with seqcount\") " +
			"keeps its promises under sc only: under tso and armv8 a submitter can use a stale req_vq (P2), under the " +
			"kernel's memory model requests of one target can overtake each other (P1); the kernel fixed it in 4.17 by " +
			"removing per-target steering, virtio_scsi using blk-mq's CPU-to-queue map instead (modelled as hotplug variant " +
			"blkmq-4.17)"},
	{variant: "v4.x", verdicts: weakSplit("holds", "P2", "P1"),
		why: "the 3.19 seqcount steering is unchanged in 4.x (v4.x adds the blk-mq path and three fixes elsewhere), so it " +
			"breaks as v3.19-seqcount does under the weak models; the 2018 switch to blk-mq's map (b5b6e8c8d3b4) removed it"},
	{variant: "v2-2012", mutant: "write-outside-lock", verdicts: everyModel("P2"), why: seededBug},
	{variant: "v2-2012", mutant: "read-before-inc", verdicts: everyModel("P1"), why: seededBug},
	{variant: "v2-2012", mutant: "ge-one", verdicts: everyModel("P1"), why: seededBug},
	{variant: "v2-2012", mutant: "irq-takes-tgt-lock", verdicts: everyModel("P5"), why: seededBug},
	{variant: "v3.10", mutant: "dec-before-consume", verdicts: everyModel("P1"), why: seededBug},
	{variant: "v3.10", mutant: "no-tgt-lock", verdicts: weakSplit("P2", "P2", "P1"), why: seededBug},
	{variant: "v3.10", mutant: "split-inc", verdicts: everyModel("holds"),
		why: "a mutant equivalent to v3.10: the lock makes the split benign (steering.Mutant.Equivalent and " +
			"properties.TestSplitIncIsEquivalent say why)"},
	{variant: "v3.17", mutant: "no-vq-lock-completion", verdicts: everyModel("P3"),
		why: seededBug + ": completion's detach_buf and virtqueue_add race on num_free, an update is lost and the ring's " +
			"free count is wrong; with a full ring (`--cpus 2 --queues 1 --ring-size 2 --kick-failure --requests " +
			"0:0,1:0,0:0,1:0`) the free list hands a descriptor out twice (P4)"},
	{variant: "v3.19-seqcount", mutant: "no-seqcount-retry", verdicts: weakSplit("holds", "P2", "P1"),
		why: "a mutant equivalent to v3.19-seqcount (properties.TestNoSeqcountRetryIsEquivalent): it breaks where the " +
			"variant itself breaks, and holds under sc"},
	{variant: "v3.19-seqcount", mutant: "no-reader-check", verdicts: weakSplit("P2", "P2", "P1"), why: seededBug},
	{variant: "v3.19-seqcount", mutant: "no-retry-no-reader-check", verdicts: weakSplit("P2", "P2", "P1"), why: seededBug},
	{variant: "v4.x", mutant: "busy-no-dec", verdicts: everyModel("P3"),
		why: seededBug + " (the kernel's own before its fix, run with kick failures): the busy path leaks reqs"},
	{variant: "v4.x", mutant: "mq-no-inc", verdicts: everyModel("P3"),
		why: seededBug + " (run on the blk-mq path): virtscsi_complete_cmd decrements a reqs that was never incremented"},
	{variant: "v4.x", mutant: "destroy-no-wait", verdicts: everyModel("P6"),
		why: seededBug + " (the kernel's own before its fix, run with a target removal): virtscsi_target_destroy frees " +
			"tgt before a completion's atomic_dec"},
}

// expectedVerdict looks up a run's expected verdict.
func expectedVerdict(variant, mutant, modelName string) (verdict, why string, ok bool) {
	for _, e := range expectations {
		if e.variant == variant && e.mutant == mutant {
			v, ok := e.verdicts[modelName]
			return v, e.why, ok
		}
	}
	return "", "", false
}

// expectable says whether check's flags leave the configuration and budget the
// expectations are about: the default configuration and the default step budget (an
// execution budget or a timeout may still cut a run: that is reported as unknown).
func expectable(fs *flagSet) error {
	for _, name := range []string{"cpus", "targets", "queues", "ring-size", "requests", "kick-failure", "max-steps", "property"} {
		if fs.isSet(name) {
			return fmt.Errorf("--expect holds for the default configuration, budget and properties: drop --%s", name)
		}
	}
	return nil
}

// got is a row's verdict in the expectations' spelling.
func (r tableRow) got() string {
	if r.violated() {
		return r.prop
	}
	return r.verdict
}

// compareExpected prints how the verdicts compare with the expectations and returns
// check --expect's exit code: 0 when all match, 1 when a verdict differs, 3 when the
// only differences are runs that ended unknown where a decision was expected.
func compareExpected(w io.Writer, rows []tableRow) int {
	var differ, undecided []string
	// Expected verdicts other than holds, grouped by variant or mutant (with why), in
	// the table's order: "v3.19-seqcount under tso (violated P2), lkmm (violated P1)".
	type finding struct{ name, why string }
	var order []finding
	runs := map[finding][]string{}
	for _, r := range rows {
		if r.err != nil {
			differ = append(differ, fmt.Sprintf("%s under %s: error: %v", r.name(), r.model, r.err))
			continue
		}
		want, why, ok := expectedVerdict(r.variant, r.mutant, r.model)
		got := r.got()
		switch {
		case !ok:
			differ = append(differ, fmt.Sprintf("%s under %s: %s, and no expectation recorded", r.name(), r.model, describeVerdict(got)))
		case got == want:
			if got != "holds" {
				f := finding{r.name(), why}
				if _, seen := runs[f]; !seen {
					order = append(order, f)
				}
				runs[f] = append(runs[f], fmt.Sprintf("%s (%s)", r.model, describeVerdict(got)))
			}
		case got == "unknown":
			undecided = append(undecided, fmt.Sprintf("%s under %s: unknown (%s) where %s was expected", r.name(), r.model, r.note(), describeVerdict(want)))
		default:
			differ = append(differ, fmt.Sprintf("%s under %s: %s where %s was expected", r.name(), r.model, describeVerdict(got), describeVerdict(want)))
		}
	}
	if len(order) > 0 {
		fmt.Fprintln(w, "\nExpected verdicts other than holds (not failures):")
		for _, f := range order {
			fmt.Fprintf(w, "  %s under %s:\n%s", f.name, strings.Join(runs[f], ", "), indent(wrap(f.why+".", 84)+"\n", "    "))
		}
	}
	if len(undecided) > 0 {
		fmt.Fprintln(w, "\nUndecided where a decision was expected (a budget ran out: raise --max-executions or drop --timeout):")
		fmt.Fprint(w, indent(strings.Join(undecided, "\n")+"\n", "  "))
	}
	if len(differ) > 0 {
		fmt.Fprintln(w, "\nVerdicts that differ from the expected ones (review them, then update internal/cli/expect.go and docs/VERDICTS.md):")
		fmt.Fprint(w, indent(strings.Join(differ, "\n")+"\n", "  "))
		return ExitViolation
	}
	if len(undecided) > 0 {
		return ExitUnknown
	}
	fmt.Fprintf(w, "\nAll %d verdicts are the expected ones.\n", len(rows))
	return ExitHolds
}

func describeVerdict(v string) string {
	if strings.HasPrefix(v, "P") {
		return "violated " + v
	}
	return v
}
