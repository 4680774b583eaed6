package ablation

import (
	"sort"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// Kind is what an annotation is, which decides its weakening.
type Kind uint8

// Annotation kinds.
const (
	Fence        Kind = iota + 1 // a barrier: removed
	LockPair                     // spin_lock … spin_unlock: both removed
	OrderedRMW                   // a fully ordered, acquire or release RMW: made relaxed
	AcquireLoad                  // smp_load_acquire: made READ_ONCE
	ReleaseStore                 // smp_store_release: made WRITE_ONCE
	Once                         // a ONCE access: made plain
)

// Weakening says in words what the ablation of an annotation of kind k does.
func (k Kind) Weakening() string {
	switch k {
	case Fence:
		return "removed"
	case LockPair:
		return "lock and unlock removed"
	case OrderedRMW:
		return "made relaxed"
	case AcquireLoad:
		return "made READ_ONCE"
	case ReleaseStore:
		return "made WRITE_ONCE"
	case Once:
		return "made plain"
	}
	return "?"
}

// Annotation is one ordering annotation of a program.
type Annotation struct {
	Site   string // the site name; for a lock pair, the spin_lock site
	Unlock string // for a lock pair, the spin_unlock site
	Kind   Kind
}

// Name is how reports print the annotation: the site, or for a lock pair
// "F:spin_lock/unlock(X)".
func (a Annotation) Name() string {
	if a.Kind == LockPair && a.Unlock != "" {
		return strings.Replace(a.Site, "spin_lock(", "spin_lock/unlock(", 1)
	}
	return a.Site
}

// kindOf is the annotation kind of one instruction, or 0 when it has nothing to
// weaken.
func kindOf(in *model.Instr) Kind {
	switch in.Op {
	case model.OpFence:
		return Fence
	case model.OpLock:
		return LockPair
	case model.OpRMW:
		if in.Ann&(model.AnnMb|model.AnnAcquire|model.AnnRelease) != 0 {
			return OrderedRMW
		}
	case model.OpLoad:
		switch {
		case in.Ann.Has(model.AnnAcquire):
			return AcquireLoad
		case in.Ann&(model.AnnOnce|model.AnnDeref) != 0:
			return Once
		}
	case model.OpStore:
		switch {
		case in.Ann.Has(model.AnnRelease):
			return ReleaseStore
		case in.Ann.Has(model.AnnOnce):
			return Once
		}
	}
	return 0
}

// unlockSiteOf is the spin_unlock site that pairs with a spin_lock site:
// "F:spin_lock(X)" → "F:spin_unlock(X)".
func unlockSiteOf(lockSite string) string {
	return strings.Replace(lockSite, "spin_lock(", "spin_unlock(", 1)
}

// Annotations lists p's ordering annotations, sorted by site name. Sites whose
// instructions have nothing to weaken are left out (see Sites).
func Annotations(p *model.Program) []Annotation {
	bySite := map[string]*Annotation{}
	unlocks := map[string]bool{}
	for _, t := range p.Threads {
		for pc := range t.Code {
			in := &t.Code[pc]
			if in.Site == "" {
				continue
			}
			if in.Op == model.OpUnlock {
				unlocks[in.Site] = true
				continue
			}
			k := kindOf(in)
			if k == 0 {
				continue
			}
			a := bySite[in.Site]
			if a == nil {
				a = &Annotation{Site: in.Site, Kind: k}
				bySite[in.Site] = a
			}
		}
	}
	out := make([]Annotation, 0, len(bySite))
	for _, a := range bySite {
		if a.Kind == LockPair && unlocks[unlockSiteOf(a.Site)] {
			a.Unlock = unlockSiteOf(a.Site)
		}
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Site < out[j].Site })
	return out
}

// Sites lists every site name of p's threads of the given kinds (all threads when
// kinds is empty), in thread and program order, each once: the positions repairs may
// use.
func Sites(p *model.Program, kinds ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range p.Threads {
		if len(kinds) > 0 && !contains(kinds, t.Kind) {
			continue
		}
		for pc := range t.Code {
			s := t.Code[pc].Site
			if s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
