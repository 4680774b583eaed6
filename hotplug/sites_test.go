package hotplug

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/ablation"
)

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
				unnamed, misplaced, unpaired := ablation.SiteProblems(sc.Program)
				assert.Equal(t, []string{}, unnamed, "instructions without a site name")
				assert.Equal(t, []string{}, misplaced, "site names on instructions that are no access, fence or lock")
				assert.Equal(t, []string{}, unpaired, "lock sites without their unlock")
			})
		}
	}
}
