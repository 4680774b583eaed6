package hotplug

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
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

// TestEveryAnnotationHasASite: every variant and mutant names every ordering
// annotation and every access, and pairs every lock site with its unlock, at the
// default configuration and at configurations that reach the other code paths (the
// hotplug thread's offline and online steps, a drain, Xen's spurious bind event, the
// affinity race and fixup_irqs() retriggering, a failed non-managed offline).
func TestEveryAnnotationHasASite(t *testing.T) {
	cfgs := map[string]Config{"default": DefaultConfig()}
	add := func(name, topo, spread, reqs, steps string, edit func(*Config)) {
		c := cfg(topo, 2, spread, reqs, steps)
		if edit != nil {
			edit(&c)
		}
		cfgs[name] = c
	}
	add("offline-drain", "cpus=8 present=0-3", "4.17", "1", "-1", func(c *Config) { c.Queues = 4 })
	add("offline-online", "cpus=4", "current", "0", "-1,+1", nil)
	add("xen", "cpus=4", "current", "2", "", func(c *Config) { c.Xen = true })
	add("xen-race", "cpus=4", "current", "0,2", "-0,-1,+0", func(c *Config) { c.Xen, c.AffinityRace = true, true })
	add("fixup", "cpus=4", "current", "1:1,3", "-3,-2,-1,+1", nil)
	add("vectors", "cpus=4", "current", "none", "-3,-2,-1", func(c *Config) { c.Queues, c.VectorCap = 4, 2 })
	for cname, c := range cfgs {
		for _, v := range Variants() {
			t.Run(cname+"/"+v, func(t *testing.T) {
				sc, err := Build(v, c)
				require.NoError(t, err)
				unnamed, misplaced, unpaired := siteProblems(sc.Program)
				assert.Equal(t, []string{}, unnamed, "instructions without a site name")
				assert.Equal(t, []string{}, misplaced, "site names on instructions that are no access, fence or lock")
				assert.Equal(t, []string{}, unpaired, "lock sites without their unlock")
			})
		}
	}
}
