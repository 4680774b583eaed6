package ablation

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// Op is what an edit does.
type Op uint8

// Edit operations.
const (
	Weaken     Op = iota + 1 // apply the annotation's weakening (see the package comment)
	Insert                   // add a fence after every instruction of a site
	Strengthen               // make a site's load an acquire or its store a release
)

// Edit is one change to a program, addressed by site name.
type Edit struct {
	Op    Op
	Site  string
	Fence model.FenceKind // Insert: the fence added
}

// String is the edit's stable spelling (see the package comment).
func (e Edit) String() string {
	switch e.Op {
	case Weaken:
		return "weaken " + e.Site
	case Insert:
		return "insert " + e.Fence.String() + " after " + e.Site
	case Strengthen:
		return "strengthen " + e.Site
	}
	return "?"
}

// insertable are the fences the repair menu offers.
var insertable = []model.FenceKind{model.FenceMb, model.FenceWmb, model.FenceRmb}

// ParseEdit reads an edit's spelling back.
func ParseEdit(s string) (Edit, error) {
	switch {
	case strings.HasPrefix(s, "weaken "):
		return Edit{Op: Weaken, Site: strings.TrimPrefix(s, "weaken ")}, nil
	case strings.HasPrefix(s, "strengthen "):
		return Edit{Op: Strengthen, Site: strings.TrimPrefix(s, "strengthen ")}, nil
	case strings.HasPrefix(s, "insert "):
		rest := strings.TrimPrefix(s, "insert ")
		name, site, ok := strings.Cut(rest, " after ")
		if !ok || site == "" {
			return Edit{}, fmt.Errorf("edit %q: want \"insert FENCE after SITE\"", s)
		}
		for _, f := range insertable {
			if f.String() == name {
				return Edit{Op: Insert, Site: site, Fence: f}, nil
			}
		}
		return Edit{}, fmt.Errorf("edit %q: unknown fence %q (have smp_mb, smp_wmb, smp_rmb)", s, name)
	}
	return Edit{}, fmt.Errorf("edit %q: want \"weaken SITE\", \"insert FENCE after SITE\" or \"strengthen SITE\"", s)
}

// ParseEdits reads a list of spellings.
func ParseEdits(ss []string) ([]Edit, error) {
	out := make([]Edit, 0, len(ss))
	for _, s := range ss {
		e, err := ParseEdit(s)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Strings spells a list of edits.
func Strings(es []Edit) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.String()
	}
	return out
}

// Apply returns p with every edit made. It fails when an edit names a site p does not
// have, or one it cannot apply (weakening a site with nothing to weaken, strengthening
// an RMW or fence).
func Apply(p *model.Program, edits []Edit) (*model.Program, error) {
	if len(edits) == 0 {
		return p, nil
	}
	weaken := map[string]bool{}
	strengthen := map[string]bool{}
	insert := map[string][]model.FenceKind{}
	used := map[string]bool{}
	for _, e := range edits {
		switch e.Op {
		case Weaken:
			weaken[e.Site] = true
			if strings.Contains(e.Site, "spin_lock(") {
				weaken[unlockSiteOf(e.Site)] = true
			}
		case Strengthen:
			strengthen[e.Site] = true
		case Insert:
			insert[e.Site] = append(insert[e.Site], e.Fence)
		default:
			return nil, fmt.Errorf("edit %v: unknown operation", e)
		}
	}
	var err error
	q := p.Rewrite(p.Name, func(t *model.Thread, pc int, in model.Instr) []model.Instr {
		if in.Site == "" {
			return []model.Instr{in}
		}
		out := []model.Instr{in}
		switch {
		case weaken[in.Site]:
			used[in.Site] = true
			w, ok := weakened(in)
			if !ok && err == nil {
				err = fmt.Errorf("weaken %s: %s has nothing to weaken", in.Site, in.String(t))
			}
			out = w
		case strengthen[in.Site]:
			used[in.Site] = true
			s, ok := strengthened(in)
			if !ok && err == nil {
				err = fmt.Errorf("strengthen %s: only a READ_ONCE or plain load, or a WRITE_ONCE or plain store, can be strengthened", in.Site)
			}
			out[0] = s
		}
		for _, f := range insert[in.Site] {
			used[in.Site] = true
			out = append(out, model.Instr{Op: model.OpFence, Dst: -1, Fence: f, Site: "inserted:" + f.String() + " after " + in.Site})
		}
		return out
	})
	if err != nil {
		return nil, err
	}
	for _, e := range edits {
		if !used[e.Site] {
			return nil, fmt.Errorf("edit %q: program %s has no site %q", e, p.Name, e.Site)
		}
	}
	return q, nil
}

// weakened is in after its weakening; false when there is nothing to weaken.
func weakened(in model.Instr) ([]model.Instr, bool) {
	switch in.Op {
	case model.OpUnlock:
		return nil, true // the other half of a lock pair
	}
	switch kindOf(&in) {
	case Fence, LockPair:
		return nil, true
	case OrderedRMW:
		in.Ann = in.Ann&^(model.AnnMb|model.AnnAcquire|model.AnnRelease) | model.AnnRelaxed
	case AcquireLoad:
		in.Ann = in.Ann&^model.AnnAcquire | model.AnnOnce
	case ReleaseStore:
		in.Ann = in.Ann&^model.AnnRelease | model.AnnOnce
	case Once:
		in.Ann = in.Ann&^(model.AnnOnce|model.AnnDeref) | model.AnnPlain
	default:
		return []model.Instr{in}, false
	}
	return []model.Instr{in}, true
}

// strengthened is a load made acquire or a store made release.
func strengthened(in model.Instr) (model.Instr, bool) {
	switch in.Op {
	case model.OpLoad:
		in.Ann = in.Ann&^(model.AnnPlain|model.AnnOnce|model.AnnDeref) | model.AnnAcquire
		return in, true
	case model.OpStore:
		in.Ann = in.Ann&^(model.AnnPlain|model.AnnOnce) | model.AnnRelease
		return in, true
	}
	return in, false
}
