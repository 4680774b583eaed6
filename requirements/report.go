package requirements

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// Variants are the variants docs/BARRIERS.md covers, in history order.
var Variants = []string{"single", "v2-2012", "v3.10", "v3.17", "v3.19-seqcount", "drain-5.8"}

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
	b.WriteString("The variant as modelled (ordering properties P1–P6):\n\n")
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
	fmt.Fprintf(b, "| annotation | weakened | %s |\n|---|---|%s\n", strings.Join(t.Models, " | "),
		strings.Repeat("---|", len(t.Models)))
	for i, a := range t.Annotations {
		cells := make([]string, len(t.Models))
		for j := range t.Models {
			cells[j] = cellText(t.Cells[i][j])
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", a.Name(), a.Kind.Weakening(), strings.Join(cells, " | "))
	}
	b.WriteString("\n### Minimal sufficient sets\n\n")
	for _, ss := range an.Sufficient {
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
		for _, set := range ss.Minimal {
			names := make([]string, len(set))
			for i, n := range set {
				names[i] = "`" + n + "`"
			}
			if len(names) == 0 {
				names = []string{"(none)"}
			}
			fmt.Fprintf(b, "  - keep %d: %s\n", len(set), strings.Join(names, ", "))
		}
	}
	if len(an.Repairs) > 0 {
		b.WriteString("\n### Repairs\n\nSingle added barriers (smp_mb, smp_wmb or smp_rmb after a site of the submitting CPUs' code, or a load made acquire / a store made release) that make the variant keep every property. Under a model whose stronger parent (tso for lkmm and armv8, lkmm for lkmm-alpha) is broken too, only the edits that repaired the parent are tried:\n\n")
		for _, rs := range an.Repairs {
			fmt.Fprintf(b, "- %s (breaks %s; %d candidates tried, %d ran out of budget):", rs.Model, rs.Broken, rs.Tried, rs.Unknown)
			if len(rs.Found) == 0 {
				switch {
				case rs.Unknown > 0 && rs.Unknown == rs.Tried:
					b.WriteString(" undecided: every candidate ran out of budget without a violation.\n")
				case rs.Unknown > 0:
					b.WriteString(" none of those decided repairs it.\n")
				default:
					b.WriteString(" none repairs it.\n")
				}
				continue
			}
			b.WriteString("\n")
			for _, r := range rs.Found {
				q := fmt.Sprintf("holds, %d executions, complete", r.Executions)
				if !r.Exact {
					q = fmt.Sprintf("no violation in %d executions without po∪rf cycles", r.Executions)
				}
				fmt.Fprintf(b, "  - `%s` (%s)\n", r.Edit, q)
			}
		}
	}
	for _, a := range an.Answers {
		fmt.Fprintf(b, "\n### %s\n\n%s\n", a.Question, a.Text)
	}
	fmt.Fprintf(b, "\n")
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
		var base []string
		for j, m := range t.Models {
			base = append(base, m+": "+t.Baseline[j].Verdict.String())
		}
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
		var pair []string
		for _, m := range t.Models {
			o, err := s.Check(both, m, b)
			if err != nil {
				return nil, err
			}
			txt := o.Verdict.String()
			if o.Verdict == Violated {
				txt += " (" + o.Property + ")"
			} else if o.Verdict == Unknown {
				txt += " (" + o.Note() + ")"
			}
			pair = append(pair, m+": "+txt)
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
