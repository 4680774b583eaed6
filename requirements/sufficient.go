package requirements

import (
	"sort"
	"strings"

	"github.com/steercheck/steercheck/ablation"
)

// SufficientSets answers, for one model, which smallest sets of annotations keep every
// property: the complements of the largest sets that can be weakened together.
type SufficientSets struct {
	Model string
	// Exact is true when "keeps every property" was decided by complete explorations;
	// false when only executions without po∪rf cycles were enumerated (weak models).
	Exact bool
	// Minimal lists the minimal sufficient sets found, each sorted by site name.
	Minimal [][]string
	Checks  int
	// CutShort is set when the search stopped at its check budget; Minimal then holds
	// the sets known so far, which may not be minimal.
	CutShort bool
	// Skipped says why no search ran (the baseline breaks a property, or is unknown).
	Skipped string
}

// maxSetChecks bounds the subset search per variant and model.
const maxSetChecks = 80

// Sufficient searches, for every model of t whose baseline keeps every property,
// minimal sets of annotations that keep every property: starting from the annotations
// not required on their own, it weakens them one at a time in a few orders and keeps
// each weakening that breaks nothing. It assumes monotonicity (weakening more never
// removes a behaviour); different orders can find different minimal sets, and the
// search reports when its check budget cut it short.
func Sufficient(t *Table, b Budget) ([]SufficientSets, error) {
	var out []SufficientSets
	for j, m := range t.Models {
		ss := SufficientSets{Model: m}
		base := t.Baseline[j]
		switch {
		case base.Verdict == Violated:
			ss.Skipped = "the variant breaks " + base.Property + " with every annotation"
			out = append(out, ss)
			continue
		case base.Verdict == Unknown && base.Reason != cyclesSkipped:
			ss.Skipped = "the variant's own exploration did not finish: " + base.Note()
			out = append(out, ss)
			continue
		}
		ss.Exact = base.Verdict == Holds
		// Removable singles: weakened alone, no violation and no budget cut.
		var singles []int
		for i := range t.Annotations {
			o := t.Cells[i][j].Outcome
			if o.Verdict == Holds || (o.Verdict == Unknown && o.Reason == cyclesSkipped) {
				singles = append(singles, i)
			}
		}
		// Greedy descent from several orders: weaken the annotations one by one, keeping
		// each weakening that still keeps every property. Under monotonicity the kept set
		// is minimal: no single annotation of it can go, hence no subset can.
		orders := [][]int{singles}
		rev := make([]int, len(singles))
		for i, x := range singles {
			rev[len(singles)-1-i] = x
		}
		orders = append(orders, rev)
		if n := len(singles); n > 2 {
			orders = append(orders, append(append([]int(nil), singles[n/2:]...), singles[:n/2]...))
		}
		seen := map[string]bool{}
		for _, order := range orders {
			var removed []int
			for _, i := range order {
				if ss.Checks >= maxSetChecks {
					ss.CutShort = true
					break
				}
				try := append(append([]int(nil), removed...), i)
				if len(try) == 1 {
					removed = try // removable alone: known from the table
					continue
				}
				var edits []ablation.Edit
				for _, k := range try {
					edits = append(edits, ablation.Edit{Op: ablation.Weaken, Site: t.Annotations[k].Site})
				}
				ss.Checks++
				o, err := t.Subject.Check(edits, m, b)
				if err != nil {
					return nil, err
				}
				if o.Verdict == Holds || (o.Verdict == Unknown && o.Reason == cyclesSkipped) {
					removed = try
				}
			}
			if ss.CutShort {
				break
			}
			out := map[int]bool{}
			for _, i := range removed {
				out[i] = true
			}
			var keep []string
			for i, a := range t.Annotations {
				if !out[i] {
					keep = append(keep, a.Name())
				}
			}
			if k := strings.Join(keep, "\x00"); !seen[k] {
				seen[k] = true
				ss.Minimal = append(ss.Minimal, keep)
			}
		}
		sort.Slice(ss.Minimal, func(x, y int) bool {
			a, b := ss.Minimal[x], ss.Minimal[y]
			if len(a) != len(b) {
				return len(a) < len(b)
			}
			for i := range a {
				if a[i] != b[i] {
					return a[i] < b[i]
				}
			}
			return false
		})
		out = append(out, ss)
	}
	return out, nil
}
