package steering_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/steering"
)

// TestEveryAnnotationHasASite: every variant and mutant, at the default
// configuration, with the full virtqueue (KickFailure), with the target removal and
// (v4.x) on blk-mq, names every ordering
// annotation and every access, and pairs every lock site with its unlock.
func TestEveryAnnotationHasASite(t *testing.T) {
	kf := steering.DefaultConfig()
	kf.KickFailure = true
	rm := steering.DefaultConfig()
	rm.RemoveTarget = true
	mq := steering.DefaultConfig()
	mq.BlkMQ = true
	cfgs := map[string]steering.Config{"default": steering.DefaultConfig(), "kick-failure": kf, "remove-target": rm, "blk-mq": mq}
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
			if cfg.BlkMQ && bd.variant != "v4.x" {
				continue // the only variant with virtscsi_pick_vq_mq
			}
			t.Run(cname+"/"+name, func(t *testing.T) {
				sc, err := steering.Build(bd.variant, bd.mutant, cfg)
				require.NoError(t, err)
				unnamed, misplaced, unpaired := ablation.SiteProblems(sc.Program)
				assert.Equal(t, []string{}, unnamed, "instructions without a site name")
				assert.Equal(t, []string{}, misplaced, "site names on instructions that are no access, fence or lock")
				assert.Equal(t, []string{}, unpaired, "lock sites without their unlock")
			})
		}
	}
}
