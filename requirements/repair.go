package requirements

import (
	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/model"
)

// Repair is one single-barrier change that makes a broken variant keep every
// property under a model.
type Repair struct {
	Edit ablation.Edit
	// Exact is true when the repaired variant's exploration completed; false when only
	// executions without po∪rf cycles were enumerated.
	Exact      bool
	Executions int64
}

// Repairs is the answer for one model whose baseline breaks a property.
type Repairs struct {
	Model   string
	Broken  string // the property the variant breaks
	Tried   int
	Found   []Repair
	Unknown int // candidates whose exploration ran out of budget
}

// stronger names, for each model, the model whose executions it is assumed to include.
var stronger = map[string]string{"tso": "sc", "lkmm": "tso", "lkmm-alpha": "lkmm", "armv8": "tso"}

// Menu lists the candidate repairs of p: after every site of a submitting CPU's code,
// one of smp_mb, smp_wmb, smp_rmb; and every READ_ONCE or plain load made
// smp_load_acquire, every WRITE_ONCE or plain store made smp_store_release.
func Menu(p *model.Program) []ablation.Edit {
	var out []ablation.Edit
	kinds := map[string]model.OpCode{}
	for _, t := range p.Threads {
		if t.Kind != "cpu" {
			continue
		}
		for pc := range t.Code {
			in := &t.Code[pc]
			if in.Site != "" {
				if _, ok := kinds[in.Site]; !ok {
					kinds[in.Site] = in.Op
				}
			}
		}
	}
	for _, s := range ablation.Sites(p, "cpu") {
		for _, f := range []model.FenceKind{model.FenceMb, model.FenceWmb, model.FenceRmb} {
			out = append(out, ablation.Edit{Op: ablation.Insert, Site: s, Fence: f})
		}
		if op := kinds[s]; op == model.OpLoad || op == model.OpStore {
			out = append(out, ablation.Edit{Op: ablation.Strengthen, Site: s})
		}
	}
	return out
}

// FindRepairs tries the menu under each model whose baseline in t breaks a property,
// strongest model first. Under a model whose stronger parent (stronger[m]) is broken
// too, it tries only the edits that repaired the parent: an edit that leaves a
// violation under the parent leaves it under every model whose executions include the
// parent's (the model tests check sc ⊆ tso, lkmm, armv8 and lkmm ⊆ lkmm-alpha; tso ⊆
// lkmm and tso ⊆ armv8 are assumed, as the kernel intends).
func FindRepairs(t *Table, b Budget) ([]Repairs, error) {
	full := Menu(t.Subject.Program())
	var out []Repairs
	for j, m := range t.Models {
		base := t.Baseline[j]
		if base.Verdict != Violated {
			continue
		}
		menu := full
		for _, prev := range out {
			if prev.Model == stronger[m] {
				menu = nil
				for _, r := range prev.Found {
					menu = append(menu, r.Edit)
				}
			}
		}
		rs := Repairs{Model: m, Broken: base.Property, Tried: len(menu)}
		outs := make([]Outcome, len(menu))
		errs := make([]error, len(menu))
		var cs []check
		for i, e := range menu {
			cs = append(cs, check{[]ablation.Edit{e}, m, &outs[i], &errs[i]})
		}
		if err := t.Subject.runAll(cs, b); err != nil {
			return nil, err
		}
		for i, o := range outs {
			switch {
			case o.Verdict == Holds:
				rs.Found = append(rs.Found, Repair{Edit: menu[i], Exact: true, Executions: o.Executions})
			case o.Verdict == Unknown && o.Reason == cyclesSkipped:
				rs.Found = append(rs.Found, Repair{Edit: menu[i], Executions: o.Executions})
			case o.Verdict == Unknown:
				rs.Unknown++
			}
		}
		out = append(out, rs)
	}
	return out, nil
}
