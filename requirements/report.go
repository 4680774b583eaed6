package requirements

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Variants are the variants docs/BARRIERS.md covers, in history order.
var Variants = []string{"single", "v2-2012", "v3.10", "v3.17", "v3.19-seqcount", "v4.x", "blkmq-4.17", "drain-5.8"}

// Analysis is everything the report says about one variant.
type Analysis struct {
	Table      *Table
	Races      []RaceSummary // the variant's data races as written, under lkmm and lkmm-alpha
	Sufficient []SufficientSets
	Repairs    []Repairs
	Answers    []Answer
	Elapsed    time.Duration
}

// Analyse runs the ablation table, the sufficient-set search and the repairs of one
// variant, and saves every witness under root (witness paths are relative to root).
func Analyse(variant string, models []string, b Budget, root string) (*Analysis, error) {
	start := time.Now()
	s, err := NewSubject(variant)
	if err != nil {
		return nil, err
	}
	t, err := Ablate(s, models, b)
	if err != nil {
		return nil, err
	}
	for i, a := range t.Annotations {
		for j, m := range t.Models {
			c := &t.Cells[i][j]
			if c.Status != Required {
				continue
			}
			rel := filepath.ToSlash(filepath.Join("barriers", slug(variant), slug(a.Name())+"."+m+".json"))
			if c.Witness, err = saveWitness(root, rel, c.Outcome.Trace); err != nil {
				return nil, err
			}
		}
	}
	an := &Analysis{Table: t}
	if an.Races, err = s.BaselineRaces(models, b); err != nil {
		return nil, err
	}
	if an.Sufficient, err = Sufficient(t, b); err != nil {
		return nil, err
	}
	if an.Repairs, err = FindRepairs(t, b); err != nil {
		return nil, err
	}
	if an.Answers, err = answer(t, b); err != nil {
		return nil, err
	}
	an.Elapsed = time.Since(start)
	return an, nil
}

// cellText is one table cell in Markdown.
func cellText(c Cell) string {
	o := c.Outcome
	switch c.Status {
	case Required:
		s := "**required**: " + o.Property
		if o.Race {
			s = "**required** (a data race, not a reordering): " + o.Property
		}
		if c.Witness != nil {
			s += fmt.Sprintf(" ([trace](%s), [cpu view](%s))", c.Witness.Trace, c.Witness.Rendering)
			if !c.Witness.Replays {
				s += " (witness does not replay!)"
			}
		}
		return s
	case NotRequired:
		return fmt.Sprintf("not required (%d exec)", o.Executions)
	case Undecided:
		if o.Reason == model.CyclesSkipped {
			return fmt.Sprintf("unknown: acyclic ok (%d exec)", o.Executions)
		}
		return fmt.Sprintf("unknown: %s (%d exec)", o.Reason, o.Executions)
	case BaselineFails:
		return "— (baseline violated)"
	}
	return "?"
}

// everyBaselineViolated reports whether the variant as written breaks a property under
// every model of t.
func everyBaselineViolated(t *Table) bool {
	for _, o := range t.Baseline {
		if o.Verdict != Violated {
			return false
		}
	}
	return len(t.Baseline) > 0
}

func baselineText(o Outcome) string {
	switch o.Verdict {
	case Holds:
		return fmt.Sprintf("holds (%d executions, complete)", o.Executions)
	case Violated:
		return "**violated**: " + o.Property + ": " + o.Message
	}
	return "unknown: " + o.Note()
}

// WriteVariant renders one variant's section.
func WriteVariant(b *bytes.Buffer, an *Analysis) {
	t := an.Table
	s := t.Subject
	fmt.Fprintf(b, "## %s\n\n", s.Variant)
	fmt.Fprintf(b, "Reproduce: `steercheck barriers --variant %s` (witnesses under steercheck-traces/).\n\n", s.Variant)
	fmt.Fprintf(b, "Configuration: %s.\n\n", s.Config())
	if s.hot != nil {
		b.WriteString("The variant as modelled (hotplug properties P6–P10):\n\n")
	} else {
		b.WriteString("The variant as modelled (ordering properties P1–P6):\n\n")
	}
	for j, m := range t.Models {
		fmt.Fprintf(b, "- %s: %s\n", m, baselineText(t.Baseline[j]))
	}
	b.WriteString("\n")
	if len(an.Races) > 0 {
		b.WriteString("Data races as written (P11, the kernel model's data-race flag):\n\n")
		for _, r := range an.Races {
			fmt.Fprintf(b, "- %s: %s\n", r.Model, raceText(r))
		}
		b.WriteString("\nAn annotation weakened to a plain access is \"required (a data race, not a reordering)\" when every ordering property still holds but the weakened access now races; one that races as written is not asked about.\n\n")
	}
	if everyBaselineViolated(t) {
		// Every cell would read "baseline violated": a table that says nothing.
		fmt.Fprintf(b, "No ablation table: the variant breaks a property under every model as written, so no annotation's weakening can be judged (%d annotations). The repairs below say whether a barrier of the submitting code could fix it.\n", len(t.Annotations))
	} else {
		fmt.Fprintf(b, "| annotation | weakened | %s |\n|---|---|%s\n", strings.Join(t.Models, " | "),
			strings.Repeat("---|", len(t.Models)))
		for i, a := range t.Annotations {
			cells := make([]string, len(t.Models))
			for j := range t.Models {
				cells[j] = cellText(t.Cells[i][j])
			}
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", a.Name(), a.Kind.Weakening(), strings.Join(cells, " | "))
		}
	}
	writeSets(b, an.Sufficient)
	if len(an.Repairs) > 0 {
		writeRepairs(b, an.Repairs)
	}
	for _, a := range an.Answers {
		fmt.Fprintf(b, "\n### %s\n\n%s\n", a.Question, a.Text)
	}
	fmt.Fprintf(b, "\n")
}

// writeRepairs renders the repairs of every model whose baseline breaks a property.
func writeRepairs(b *bytes.Buffer, all []Repairs) {
	b.WriteString("\n### Repairs\n\nThe smallest sets of added barriers (smp_mb, smp_wmb or smp_rmb after a site of the submitting CPUs' code, a load made acquire, a store made release) that make the variant keep every property, searched under each model itself: first the strongest submitting code the menu can make (smp_mb after every site, every access acquire or release), which bounds every repair; then the repairs of the stronger model (tso for lkmm and armv8, lkmm for lkmm-alpha), since a set that repairs a model repairs its stronger one too: one that works is a smallest repair here, and when none does, no single edit can repair (it would be one of the stronger model's repairs) once the stronger model's singles were all decided; otherwise each single edit; then, when no single edit does, the edits every repair must hold (those without which the strongest code breaks) and the pairs of smp_mb and acquire/release edits that hold them (weaker fences at the same sites repair only if these do).\n\n")
	for _, rs := range all {
		fmt.Fprintf(b, "- %s (breaks %s): ", rs.Model, rs.Broken)
		if ok, _ := repairs(rs.Strongest); !ok {
			switch rs.Strongest.Verdict {
			case Violated:
				fmt.Fprintf(b, "no barrier of the submitting code repairs it: with smp_mb after every site and every access acquire or release it still breaks %s: %s. The cause lies outside what the submitting CPUs order.\n",
					rs.Strongest.Property, rs.Strongest.Message)
			default:
				fmt.Fprintf(b, "undecided: the strongest submitting code's exploration ran out of budget (%s).\n", rs.Strongest.Note())
			}
			continue
		}
		fmt.Fprintf(b, "%d single edits tried", rs.Tried)
		if len(rs.Necessary) > 0 {
			fmt.Fprintf(b, "; every repair holds `%s` (without it the strongest code breaks a property)", strings.Join(ablation.Strings(rs.Necessary), "`, `"))
		}
		if rs.PairsTried > 0 {
			fmt.Fprintf(b, ", %d pairs", rs.PairsTried)
			if rs.PairsCut {
				fmt.Fprintf(b, " (cut at %d: not every pair was tried)", MaxPairChecks)
			}
		}
		fmt.Fprintf(b, ", %d ran out of budget", rs.Unknown)
		switch {
		case rs.ParentOnly:
			fmt.Fprintf(b, "; only the repairs of %s were tried (a set that repairs %s repairs %s too)", stronger[rs.Model], rs.Model, stronger[rs.Model])
			if rs.ParentCut {
				fmt.Fprintf(b, ", and %s's search was cut short, so other sets may repair it", stronger[rs.Model])
			}
		case rs.NoSingle:
			fmt.Fprintf(b, "; the repairs of %s were tried first and none works, so no single edit can (it would repair %s too)", stronger[rs.Model], stronger[rs.Model])
		case rs.FromParent:
			fmt.Fprintf(b, "; the repairs of %s were tried first", stronger[rs.Model])
		}
		if len(rs.Found) == 0 {
			switch {
			case rs.Unknown > 0:
				b.WriteString(": none of those decided repairs it; the strongest submitting code does, so a larger set would.\n")
			case len(rs.Necessary) > 2:
				b.WriteString(": no single edit or pair repairs it, since every repair holds the edits above; the strongest submitting code does.\n")
			default:
				b.WriteString(": no single edit or pair repairs it; the strongest submitting code does, so a repair needs three edits or more.\n")
			}
			continue
		}
		b.WriteString(":\n")
		for _, r := range rs.Found {
			q := fmt.Sprintf("holds, %d executions, complete", r.Executions)
			if !r.Exact {
				q = fmt.Sprintf("no violation in %d executions without po∪rf cycles", r.Executions)
			}
			fmt.Fprintf(b, "  - `%s` (%s)\n", strings.Join(ablation.Strings(r.Edits), "` + `"), q)
		}
	}
}

// modelList joins model names for prose.
func modelList(ms []string) string {
	if len(ms) == 0 {
		return "no model"
	}
	return strings.Join(ms, ", ")
}

// statusesOf groups the models by the status of annotation site in t.
func statusesOf(t *Table, site string) (map[Status][]string, bool) {
	for i, a := range t.Annotations {
		if a.Site != site {
			continue
		}
		out := map[Status][]string{}
		for j, m := range t.Models {
			out[t.Cells[i][j].Status] = append(out[t.Cells[i][j].Status], m)
		}
		return out, true
	}
	return nil, false
}

// summary says in words how one annotation fared.
func summary(t *Table, site string) string {
	st, ok := statusesOf(t, site)
	if !ok {
		return fmt.Sprintf("`%s` is not an annotation of %s.", site, t.Subject.Variant)
	}
	var parts []string
	if ms := st[Required]; len(ms) > 0 {
		var props []string
		for i, a := range t.Annotations {
			if a.Site == site {
				for j, m := range t.Models {
					if t.Cells[i][j].Status == Required {
						props = append(props, m+": "+t.Cells[i][j].Outcome.Property)
					}
				}
			}
		}
		parts = append(parts, fmt.Sprintf("required under %s (%s)", modelList(ms), strings.Join(props, "; ")))
	}
	if ms := st[NotRequired]; len(ms) > 0 {
		parts = append(parts, "not required under "+modelList(ms)+" (complete explorations)")
	}
	if ms := st[Undecided]; len(ms) > 0 {
		parts = append(parts, "undecided under "+modelList(ms)+" (no violation among the executions explored)")
	}
	if ms := st[BaselineFails]; len(ms) > 0 {
		parts = append(parts, "not judged under "+modelList(ms)+" (the variant fails there anyway)")
	}
	return "Weakened alone, `" + site + "` is " + strings.Join(parts, "; ") + "."
}

// openPairsText lists the pairs of site whose order a weak model does not keep.
func openPairsText(s *Subject, site string) string {
	var lines []string
	for _, name := range []string{"lkmm", "armv8"} {
		m, err := barriers.New(name)
		if err != nil {
			continue
		}
		lo, ok := m.(model.LocalOrder)
		if !ok {
			continue
		}
		pairs, res := model.OpenPairs(s.Program(), lo, model.Options{MaxSteps: 2_000_000})
		if res.Reason != model.Exhausted {
			lines = append(lines, fmt.Sprintf("under %s the thread paths could not all be enumerated (%s)", name, res.Reason))
			continue
		}
		seen := map[string]bool{}
		var later []string
		for _, op := range pairs {
			th := s.Program().Threads[op.Thread]
			if th.Code[op.ReadPC].Site != site {
				continue
			}
			w := th.Code[op.WritePC].Site
			if !seen[w] {
				seen[w] = true
				later = append(later, "`"+w+"`")
			}
		}
		if len(later) == 0 {
			lines = append(lines, fmt.Sprintf("under %s its read is ordered before every later write of its thread", name))
		} else {
			lines = append(lines, fmt.Sprintf("under %s its read is not ordered before %s", name, strings.Join(later, ", ")))
		}
	}
	return strings.Join(lines, "; ")
}

// verdictsWith checks t's variant with edits under every model of t and lists
// "model: verdict (the property broken, or why it is unknown)".
func verdictsWith(t *Table, edits []ablation.Edit, b Budget) ([]string, error) {
	var out []string
	for _, m := range t.Models {
		o, err := t.Subject.Check(edits, m, b)
		if err != nil {
			return nil, err
		}
		txt := o.Verdict.String()
		if o.Verdict == Violated {
			txt += " (" + o.Property + ")"
		} else if o.Verdict == Unknown {
			txt += " (" + o.Note() + ")"
		}
		out = append(out, m+": "+txt)
	}
	return out, nil
}

// baselines lists "model: verdict" for the variant as written under every model of t,
// with the property broken when withProperty is set.
func baselines(t *Table, withProperty bool) []string {
	var out []string
	for j, m := range t.Models {
		txt := t.Baseline[j].Verdict.String()
		if withProperty && t.Baseline[j].Verdict == Violated {
			txt += " (" + t.Baseline[j].Property + ")"
		}
		out = append(out, m+": "+txt)
	}
	return out
}

// Answer is one of seed 003's review questions, answered from the results.
type Answer struct {
	Question string
	Text     string
}

// answer derives the answers to the review questions that concern t's variant.
func answer(t *Table, b Budget) ([]Answer, error) {
	s := t.Subject
	switch s.Variant {
	case "single":
		const site = "queuecommand_single:atomic_inc(reqs)"
		base := baselines(t, false)
		return []Answer{{
			Question: "Does the single-queue atomic_inc need a barrier?",
			Text: fmt.Sprintf("`atomic_inc` is a relaxed, non-returning atomic: it orders nothing, so there is no annotation to weaken. "+
				"The variant as written keeps every property (%s; unknown means no violation among the executions without po∪rf cycles). "+
				"The model's local order (what a CPU may not reorder) says: %s. So the increment may become visible after accesses of the critical section that follows, "+
				"and no property checked here depends on it: `reqs` is only a counter in this variant, read by no steering decision.",
				strings.Join(base, ", "), openPairsText(s, site)),
		}}, nil
	case "v2-2012":
		wmb, rbd := "queuecommand_multi:smp_wmb", "req_done:smp_read_barrier_depends"
		both := []ablation.Edit{{Op: ablation.Weaken, Site: wmb}, {Op: ablation.Weaken, Site: rbd}}
		pair, err := verdictsWith(t, both, b)
		if err != nil {
			return nil, err
		}
		return []Answer{
			{"Is the ACCESS_ONCE read of req_vq outside the lock safe?",
				summary(t, "queuecommand:ACCESS_ONCE(req_vq)") + " For comparison, the fully ordered increment that precedes it: " +
					summary(t, "queuecommand_multi:atomic_inc_return(reqs)") + " (A plain access is modelled as one load; compiler tearing or refetching is not modelled, so \"not required\" speaks for ordering only.)"},
			{"What does smp_read_barrier_depends in completion protect?",
				summary(t, "req_done:smp_read_barrier_depends") + " " +
					"It sits between the load of the `req_vq` pointer and the accesses through it (the virtqueue's lock and ring). By the models' definitions only lkmm-alpha (pre-4.15, Alpha) lets an address-dependent load overtake the load it depends on without it."},
			{"What does the smp_wmb before the req_vq write pair with?",
				summary(t, wmb) + " Weakening it together with its intended partner `" + rbd + "`: " + strings.Join(pair, "; ") + "."},
		}, nil
	case "blkmq-4.17":
		return []Answer{{
			Question: "What would repair it?",
			Text: "No barrier: the variant as written breaks " + strings.Join(baselines(t, true), ", ") + ", and so does its strongest " +
				"submitting code (see Repairs). Taking the last online CPU of a queue down shuts its managed interrupt down " +
				"(migrate_one_irq) whatever is still outstanding on the queue; nothing waits. The fix is a protocol, the drain of " +
				"bf0beec0607d (\"blk-mq: drain I/O when all CPUs in a hctx are offline\", v5.8): the drain-5.8 section below checks it at " +
				"the same configuration.",
		}}, nil
	case "drain-5.8":
		const mb = "notify_offline:smp_mb__after_atomic"
		fix := []ablation.Edit{{Op: ablation.Insert, Site: "get_tag:test_and_set_bit_lock(tag)", Fence: model.FenceMb}}
		with, err := verdictsWith(t, fix, b)
		if err != nil {
			return nil, err
		}
		half, err := verdictsWith(t, append([]ablation.Edit{{Op: ablation.Weaken, Site: mb}}, fix...), b)
		if err != nil {
			return nil, err
		}
		base := baselines(t, true)
		return []Answer{{
			Question: "Is the smp_mb__after_atomic() after setting INACTIVE enough?",
			Text: "blk_mq_hctx_notify_offline() sets BLK_MQ_S_INACTIVE and then reads the tags (blk_mq_hctx_has_requests); the submitter " +
				"takes a tag (sbitmap_get's test_and_set_bit_lock) and then reads INACTIVE (test_bit). That is store buffering: if both reads " +
				"return the old values, a request is queued on a queue whose interrupt is then shut down. The comment pairs the barrier with " +
				"\"the implied barrier in test_and_set_bit_lock\", but test_and_set_bit_lock is only an acquire: it orders its read, not its " +
				"write, before the test_bit. The variant as written: " + strings.Join(base, ", ") + ". " + summary(t, mb) +
				" With a full barrier after test_and_set_bit_lock as well (smp_mb__after_atomic() in blk_mq_get_tag, the other half of the " +
				"pair): " + strings.Join(with, ", ") + ". With that barrier but without smp_mb__after_atomic(): " + strings.Join(half, ", ") +
				". On x86 (tso) test_and_set_bit_lock is a locked instruction, a full barrier, so the " +
				"pairing the comment describes holds there; under the Linux-kernel model and ARMv8 it does not, as modelled here.",
		}}, nil
	}
	return nil, nil
}

// raceText says what the races of a variant as written are.
func raceText(r RaceSummary) string {
	qual := fmt.Sprintf("%d executions, complete", r.Executions)
	if !r.Complete {
		qual = fmt.Sprintf("%s after %d executions", r.Reason, r.Executions)
	}
	if len(r.Sites) == 0 {
		if !r.Complete {
			return "unknown: no race found (" + qual + ")"
		}
		return "none (" + qual + ")"
	}
	sites := make([]string, len(r.Sites))
	for i, s := range r.Sites {
		if s == "" {
			s = "unnamed plain accesses"
		} else {
			s = "`" + s + "`"
		}
		sites[i] = s
	}
	return fmt.Sprintf("**races** on %s, through %s (%s); e.g. %s", strings.Join(r.Locations, ", "), strings.Join(sites, ", "), qual, r.Example)
}

// codeList spells names as a comma-separated list of code spans, "(none)" when empty.
func codeList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	spans := make([]string, len(names))
	for i, n := range names {
		spans[i] = "`" + n + "`"
	}
	return strings.Join(spans, ", ")
}

// writeSets writes the "Minimal sufficient sets" section of a variant.
func writeSets(b io.Writer, sets []SufficientSets) {
	fmt.Fprint(b, "\n### Minimal sufficient sets\n\n")
	for _, ss := range sets {
		switch {
		case ss.Skipped != "":
			fmt.Fprintf(b, "- %s: not searched: %s.\n", ss.Model, ss.Skipped)
			continue
		}
		qual := "complete explorations"
		if !ss.Exact {
			qual = "executions without po∪rf cycles only"
		}
		cut := ""
		if ss.CutShort {
			cut = fmt.Sprintf("; **cut short** at %d checks: fewer orders were tried, so other minimal sets may exist", ss.Checks)
		}
		fmt.Fprintf(b, "- %s (%s; %d subset checks%s):\n", ss.Model, qual, ss.Checks, cut)
		for x, set := range ss.Minimal {
			open := ""
			if u := ss.Undecided[x]; len(u) > 0 {
				open = fmt.Sprintf(" (sufficient, **not shown minimal**: the checks that weakened %s with the annotations removed before ended unknown)", codeList(u))
			}
			fmt.Fprintf(b, "  - keep %d: %s%s\n", len(set), codeList(set), open)
		}
	}
}
