package steering_test

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// sitedOps are the operations that must carry a site name: every ordering
// annotation (fences, locks, ONCE, acquire/release and RMW accesses) and every plain
// access, which a barrier-ablation tool uses as an insertion position.
var sitedOps = map[model.OpCode]bool{
	model.OpFence: true, model.OpLock: true, model.OpUnlock: true, model.OpTrylock: true,
	model.OpLoad: true, model.OpStore: true, model.OpRMW: true,
}

var lockSiteRE = regexp.MustCompile(`^([^:]+):spin_lock\((.+)\)$`)

// siteProblems lists the instructions of p that lack a site name, those that carry
// one they should not (a Site call that reached an assignment or a marker), and the
// lock sites "F:spin_lock(X)" of a thread with no "F:spin_unlock(X)" in the same
// thread.
func siteProblems(p *model.Program) (unnamed, misplaced, unpaired []string) {
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

// TestEveryAnnotationHasASite: every variant and mutant, at the default
// configuration and with the full virtqueue (KickFailure), names every ordering
// annotation and every access, and pairs every lock site with its unlock.
func TestEveryAnnotationHasASite(t *testing.T) {
	kf := steering.DefaultConfig()
	kf.KickFailure = true
	cfgs := map[string]steering.Config{"default": steering.DefaultConfig(), "kick-failure": kf}
	type build struct{ variant, mutant string }
	var builds []build
	for _, v := range steering.VariantNames() {
		builds = append(builds, build{v, ""})
	}
	for _, m := range steering.Mutants() {
		builds = append(builds, build{m.Variant, m.Name})
	}
	for cname, cfg := range cfgs {
		for _, bd := range builds {
			name := bd.variant
			if bd.mutant != "" {
				name += "+" + bd.mutant
			}
			t.Run(cname+"/"+name, func(t *testing.T) {
				sc, err := steering.Build(bd.variant, bd.mutant, cfg)
				require.NoError(t, err)
				unnamed, misplaced, unpaired := siteProblems(sc.Program)
				assert.Equal(t, []string{}, unnamed, "instructions without a site name")
				assert.Equal(t, []string{}, misplaced, "site names on instructions that are no access, fence or lock")
				assert.Equal(t, []string{}, unpaired, "lock sites without their unlock")
			})
		}
	}
}
