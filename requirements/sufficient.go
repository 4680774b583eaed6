package requirements

import (
	"fmt"
	"slices"
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
	// Minimal lists the sufficient sets the descents ended with, each in the table's
	// order of annotations. A set is minimal when its Undecided entry is empty.
	Minimal [][]string
	// Undecided lists, for each set of Minimal, the annotations it keeps only because
	// every check that weakened them (with the annotations weakened before them) ended
	// unknown: a budget ran out, HMC's included. A set with one is sufficient, but not
	// shown minimal: that annotation may be removable too.
	Undecided [][]string
	Checks    int
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
//
// When Budget.SetHMCMaxSteps is above 0, a subset check that runs out of steps under
// a model with a local order is checked again by HMC within it, as a table cell is:
// the weakenings that make the ring's stores plain are removable alone only thanks to
// HMC, and without it every descent that tried one of them with another keeps both.
// DefaultBudget leaves it off for its cost (see there). A check still unknown keeps
// its annotation, and the set records it (SufficientSets.Undecided).
func Sufficient(t *Table, b Budget) ([]SufficientSets, error) {
	b.hmcMaxSteps = b.SetHMCMaxSteps
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
		seen := map[string]int{} // a set's key → its index in ss.Minimal
		// checked holds the outcome of each subset already checked (two orders can
		// reach the same subset), by subsetKey.
		checked := map[string]Outcome{}
		for _, order := range orders {
			var removed, undecided []int
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
				key := subsetKey(try)
				o, ok := checked[key]
				if !ok {
					var edits []ablation.Edit
					for _, k := range try {
						edits = append(edits, ablation.Edit{Op: ablation.Weaken, Site: t.Annotations[k].Site})
					}
					ss.Checks++
					var err error
					if o, err = t.Subject.Check(edits, m, b); err != nil {
						return nil, err
					}
					checked[key] = o
				}
				switch {
				case o.Verdict == Holds || (o.Verdict == Unknown && o.Reason == cyclesSkipped):
					removed = try
				case o.Verdict == Unknown:
					undecided = append(undecided, i)
				}
			}
			if ss.CutShort {
				break
			}
			out := map[int]bool{}
			for _, i := range removed {
				out[i] = true
			}
			var keep, open []string
			for i, a := range t.Annotations {
				if !out[i] {
					keep = append(keep, a.Name())
				}
			}
			for _, i := range undecided {
				open = append(open, t.Annotations[i].Name())
			}
			k := strings.Join(keep, "\x00")
			x, dup := seen[k]
			if !dup {
				seen[k] = len(ss.Minimal)
				ss.Minimal = append(ss.Minimal, keep)
				ss.Undecided = append(ss.Undecided, open)
				continue
			}
			// The same set from another order: an annotation one descent showed
			// needed (its removal broke a property) is needed, by monotonicity.
			ss.Undecided[x] = slices.DeleteFunc(ss.Undecided[x], func(n string) bool { return !slices.Contains(open, n) })
		}
		sortSets(&ss)
		out = append(out, ss)
	}
	return out, nil
}

// sortSets orders ss's sets, smallest first, then by their names, and their
// Undecided entries with them.
func sortSets(ss *SufficientSets) {
	idx := make([]int, len(ss.Minimal))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(x, y int) bool {
		a, b := ss.Minimal[idx[x]], ss.Minimal[idx[y]]
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return slices.Compare(a, b) < 0
	})
	minimal, undecided := make([][]string, len(idx)), make([][]string, len(idx))
	for i, x := range idx {
		minimal[i], undecided[i] = ss.Minimal[x], ss.Undecided[x]
	}
	ss.Minimal, ss.Undecided = minimal, undecided
}

// subsetKey names a set of annotation indices whatever the order they were tried in.
func subsetKey(set []int) string {
	sorted := slices.Sorted(slices.Values(set))
	var b strings.Builder
	for _, i := range sorted {
		fmt.Fprintf(&b, "%d,", i)
	}
	return b.String()
}
