package requirements

import (
	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/model"
)

// Repair is a set of added barriers (one edit or two) that makes a broken variant keep
// every property under a model.
type Repair struct {
	Edits []ablation.Edit
	// Exact is true when the repaired variant's exploration completed; false when only
	// executions without po∪rf cycles were enumerated.
	Exact      bool
	Executions int64
}

// Repairs is the answer for one model whose baseline breaks a property.
type Repairs struct {
	Model  string
	Broken string // the property the variant breaks
	// Strongest is the variant with the strongest submitting code the menu can make:
	// smp_mb after every site of the submitting CPUs and every plain or ONCE access of
	// theirs made acquire (loads) or release (stores). Every repair is weaker, so when
	// this still breaks a property no set of menu edits repairs the variant
	// (monotonicity), and the violation left says what remains.
	Strongest Outcome
	// FromParent is true when the repairs of the stronger parent model were tried
	// first; ParentOnly when the search stopped there because one of them repairs this
	// model (a smaller set would repair the parent too). NoSingle is true when none
	// did and the parent's single edits were all decided: a single edit repairing this
	// model would have been one of the parent's repairs, so the singles are not tried
	// again and the pairs are searched next.
	FromParent, ParentOnly, NoSingle bool
	ParentCut                        bool     // the parent's own search was cut (or its singles not all decided): other sets may repair this model
	Tried                            int      // single edits tried
	Found                            []Repair // single edits that repair, or else pairs
	PairsTried                       int      // pairs tried (only when no single edit repairs)
	PairsCut                         bool     // the pair search stopped at MaxPairChecks
	// Necessary are the edits every repair holds: without one of them the strongest
	// code breaks a property (found before the pairs are tried).
	Necessary []ablation.Edit
	Unknown   int // candidates whose exploration ran out of budget
}

// MaxPairChecks bounds the pairs tried per variant and model.
const MaxPairChecks = 400

// stronger names, for each model, the model whose executions it is assumed to include.
var stronger = map[string]string{"tso": "sc", "lkmm": "tso", "lkmm-alpha": "lkmm", "armv8": "tso"}

// Menu lists the candidate repairs of p: after every site of a submitting CPU's code,
// one of smp_mb, smp_wmb, smp_rmb; and every READ_ONCE or plain load made
// smp_load_acquire, every WRITE_ONCE or plain store made smp_store_release.
func Menu(p *model.Program) []ablation.Edit {
	var out []ablation.Edit
	for _, s := range ablation.Sites(p, "cpu") {
		for _, f := range []model.FenceKind{model.FenceMb, model.FenceWmb, model.FenceRmb} {
			out = append(out, ablation.Edit{Op: ablation.Insert, Site: s, Fence: f})
		}
		if strengthenable(p, s) {
			out = append(out, ablation.Edit{Op: ablation.Strengthen, Site: s})
		}
	}
	return out
}

// strongMenu is the part of Menu pairs are drawn from: smp_mb after every site, and
// the acquire/release edits. A pair with smp_wmb or smp_rmb repairs only if the pair
// with smp_mb at the same sites does (monotonicity), so these pairs cover all others.
func strongMenu(p *model.Program) []ablation.Edit {
	var out []ablation.Edit
	for _, e := range Menu(p) {
		if e.Op == ablation.Strengthen || e.Fence == model.FenceMb {
			out = append(out, e)
		}
	}
	return out
}

// strengthenable reports whether site s of a submitting CPU is a load or store.
func strengthenable(p *model.Program, s string) bool {
	for _, t := range p.Threads {
		if t.Kind != "cpu" {
			continue
		}
		for pc := range t.Code {
			if in := &t.Code[pc]; in.Site == s {
				return in.Op == model.OpLoad || in.Op == model.OpStore
			}
		}
	}
	return false
}

// repairs reports whether o says the edited variant keeps every property (exactly,
// or without a violation among the executions without po∪rf cycles).
func repairs(o Outcome) (ok, exact bool) {
	switch {
	case o.Verdict == Holds:
		return true, true
	case o.Verdict == Unknown && o.Reason == cyclesSkipped:
		return true, false
	}
	return false, false
}

// FindRepairs searches, under each model whose baseline in t breaks a property
// (strongest model first), the smallest sets of added barriers that repair it:
//
//  1. the strongest submitting code (Repairs.Strongest); if even that breaks a
//     property, no repair exists in the menu and the search stops there;
//  2. the repairs of the stronger parent model (any set repairing this model repairs
//     the parent); if one works, that is all; otherwise every single edit of the menu
//     under this model itself, unless the parent's singles were all decided (a single
//     repairing this model would be one of the parent's repairs, none of which works);
//  3. if no single edit repairs, the pairs of strongMenu edits that hold every
//     necessary edit (tryPairs), up to MaxPairChecks, those holding an edit of the
//     parent's repairs first (every repair here holds a repair of the parent).
func FindRepairs(t *Table, b Budget) ([]Repairs, error) {
	p := t.Subject.Program()
	full := Menu(p)
	var out []Repairs
	for j, m := range t.Models {
		base := t.Baseline[j]
		if base.Verdict != Violated {
			continue
		}
		rs := Repairs{Model: m, Broken: base.Property}
		var err error
		if rs.Strongest, err = t.Subject.Check(strongest(p), m, b); err != nil {
			return nil, err
		}
		if ok, _ := repairs(rs.Strongest); !ok {
			if rs.Strongest.Verdict == Unknown {
				rs.Unknown++
			}
			out = append(out, rs)
			continue
		}
		// A set that repairs m repairs its stronger parent too, so the parent's
		// repairs are tried first: one that works is a smallest repair here too.
		var parentSets [][]ablation.Edit
		parentSinglesDecided, parentCut := false, false
		for _, prev := range out {
			if prev.Model == stronger[m] {
				parentSinglesDecided = !prev.ParentOnly && prev.Unknown == 0
				parentCut = !parentSinglesDecided || prev.PairsCut || prev.ParentCut
				for _, r := range prev.Found {
					parentSets = append(parentSets, r.Edits)
				}
			}
		}
		if len(parentSets) > 0 {
			for _, es := range parentSets {
				if len(es) == 1 {
					rs.Tried++
				} else {
					rs.PairsTried++
				}
			}
			if err := rs.tryAll(t, m, b, parentSets); err != nil {
				return nil, err
			}
			rs.FromParent = true
			if len(rs.Found) > 0 {
				rs.ParentOnly, rs.ParentCut = true, parentCut
				out = append(out, rs)
				continue
			}
		}
		if parentSinglesDecided && len(parentSets) > 0 {
			// Every single edit that repairs the parent was among parentSets (or
			// none does, when the parent's repairs are pairs), and none repairs m.
			rs.NoSingle = true
		} else if err := rs.trySingles(t, m, b, full); err != nil {
			return nil, err
		}
		if len(rs.Found) == 0 {
			if err := rs.tryPairs(t, m, b, preferring(strongMenu(p), parentSets)); err != nil {
				return nil, err
			}
		}
		out = append(out, rs)
	}
	return out, nil
}

// preferring reorders menu so that the edits of sets come first (in menu order), so
// that tryPairs, which pairs each edit with the later ones, tries the pairs holding
// one of them before the MaxPairChecks cut.
func preferring(menu []ablation.Edit, sets [][]ablation.Edit) []ablation.Edit {
	in := func(e ablation.Edit) bool {
		for _, s := range sets {
			for _, f := range s {
				if f == e {
					return true
				}
			}
		}
		return false
	}
	var first, rest []ablation.Edit
	for _, e := range menu {
		if in(e) {
			first = append(first, e)
		} else {
			rest = append(rest, e)
		}
	}
	return append(first, rest...)
}

// strongest is every edit of strongMenu at once.
func strongest(p *model.Program) []ablation.Edit { return strongMenu(p) }

// trySingles checks each edit of menu alone under m and records those that repair.
func (rs *Repairs) trySingles(t *Table, m string, b Budget, menu []ablation.Edit) error {
	var sets [][]ablation.Edit
	for _, e := range menu {
		sets = append(sets, []ablation.Edit{e})
	}
	rs.Tried += len(sets)
	return rs.tryAll(t, m, b, sets)
}

// tryPairs checks the pairs of menu edits under m that can repair it, up to
// MaxPairChecks. An edit without which the strongest code (all of menu) breaks is in
// every repair (monotonicity: a repair without it is weaker than that code), so when
// such necessary edits exist only the pairs holding them are tried; with three or
// more, no pair can repair.
func (rs *Repairs) tryPairs(t *Table, m string, b Budget, menu []ablation.Edit) error {
	necessary, err := rs.necessary(t, m, b, menu)
	if err != nil {
		return err
	}
	var sets [][]ablation.Edit
	switch len(necessary) {
	case 0:
		for i := range menu {
			for k := i + 1; k < len(menu) && len(sets) < MaxPairChecks; k++ {
				sets = append(sets, []ablation.Edit{menu[i], menu[k]})
			}
		}
		rs.PairsCut = len(sets) < len(menu)*(len(menu)-1)/2
	case 1:
		for i := range menu {
			if i != necessary[0] {
				sets = append(sets, []ablation.Edit{menu[necessary[0]], menu[i]})
			}
		}
	case 2:
		sets = append(sets, []ablation.Edit{menu[necessary[0]], menu[necessary[1]]})
	}
	rs.PairsTried += len(sets)
	return rs.tryAll(t, m, b, sets)
}

// necessary lists the indices of the menu edits without which the strongest code
// (every edit of menu) breaks a property under m, and records them in rs.Necessary.
func (rs *Repairs) necessary(t *Table, m string, b Budget, menu []ablation.Edit) ([]int, error) {
	outs := make([]Outcome, len(menu))
	errs := make([]error, len(menu))
	var cs []check
	for i := range menu {
		var without []ablation.Edit
		for k, e := range menu {
			if k != i {
				without = append(without, e)
			}
		}
		cs = append(cs, check{without, m, &outs[i], &errs[i]})
	}
	if err := t.Subject.runAll(cs, b); err != nil {
		return nil, err
	}
	var out []int
	for i, o := range outs {
		if o.Verdict == Violated {
			out = append(out, i)
			rs.Necessary = append(rs.Necessary, menu[i])
		}
	}
	return out, nil
}

// tryAll checks every edit set under m and appends the repairs, in the order given.
func (rs *Repairs) tryAll(t *Table, m string, b Budget, sets [][]ablation.Edit) error {
	outs := make([]Outcome, len(sets))
	errs := make([]error, len(sets))
	var cs []check
	for i, es := range sets {
		cs = append(cs, check{es, m, &outs[i], &errs[i]})
	}
	if err := t.Subject.runAll(cs, b); err != nil {
		return err
	}
	for i, o := range outs {
		if ok, exact := repairs(o); ok {
			rs.Found = append(rs.Found, Repair{Edits: sets[i], Exact: exact, Executions: o.Executions})
		} else if o.Verdict == Unknown {
			rs.Unknown++
		}
	}
	return nil
}
