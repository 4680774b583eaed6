package ablation

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/steercheck/steercheck/model"
)

// sitedOps are the operations that must carry a site name: every ordering
// annotation (fences, locks, ONCE, acquire/release and RMW accesses) and every plain
// access, which repairs use as an insertion position.
var sitedOps = map[model.OpCode]bool{
	model.OpFence: true, model.OpLock: true, model.OpUnlock: true, model.OpTrylock: true,
	model.OpLoad: true, model.OpStore: true, model.OpRMW: true,
}

var lockSiteRE = regexp.MustCompile(`^([^:]+):spin_lock\((.+)\)$`)

// SiteProblems lists what keeps p from being ablated annotation by annotation: the
// instructions that lack a site name, those that carry one they should not (a Site
// call that reached an assignment or a marker), and the lock sites "F:spin_lock(X)"
// of a thread with no "F:spin_unlock(X)" in the same thread.
func SiteProblems(p *model.Program) (unnamed, misplaced, unpaired []string) {
	unnamed, misplaced, unpaired = []string{}, []string{}, []string{}
	for _, th := range p.Threads {
		sites := map[string]bool{}
		for pc := range th.Code {
			in := &th.Code[pc]
			if in.Site != "" {
				sites[in.Site] = true
			}
			if sitedOps[in.Op] && in.Site == "" {
				unnamed = append(unnamed, fmt.Sprintf("%s:%d: %s", th.Name, pc, in.String(th)))
			}
			if !sitedOps[in.Op] && in.Site != "" {
				misplaced = append(misplaced, fmt.Sprintf("%s:%d: %s   /* %s */", th.Name, pc, in.String(th), in.Site))
			}
		}
		for s := range sites {
			if m := lockSiteRE.FindStringSubmatch(s); m != nil {
				if unlock := m[1] + ":spin_unlock(" + m[2] + ")"; !sites[unlock] {
					unpaired = append(unpaired, fmt.Sprintf("%s: %s without %s", th.Name, s, unlock))
				}
			}
		}
	}
	sort.Strings(unpaired)
	return unnamed, misplaced, unpaired
}
