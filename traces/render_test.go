package traces_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

// Every marker a steering or hotplug program emits has labelled arguments in traces.
func TestEveryMarkerIsLabelled(t *testing.T) {
	var progs []*model.Program
	for _, v := range steering.Variants() {
		muts := []string{""}
		for _, mu := range steering.MutantsOf(v.Name) {
			muts = append(muts, mu.Name)
		}
		for _, mu := range muts {
			cfg := steering.DefaultConfig()
			cfg.KickFailure = true
			sc, err := steering.Build(v.Name, mu, cfg)
			require.NoError(t, err)
			progs = append(progs, sc.Program)
		}
	}
	for _, v := range hotplug.Variants() {
		for _, spread := range []string{"4.16", "4.17"} {
			cfg := hotplug.DefaultConfig()
			cfg.Spread = spread
			cfg.Requests = []hotplug.Request{{CPU: 1}, {CPU: 2}}
			cfg.Hotplug = []hotplug.Step{{CPU: 1}, {Online: true, CPU: 1}}
			cfg.Xen, cfg.AffinityRace, cfg.VectorCap, cfg.VectorBase = true, true, 2, 1
			sc, err := hotplug.Build(v, cfg)
			require.NoError(t, err, v)
			progs = append(progs, sc.Program)
		}
	}
	seen := map[string]bool{}
	for _, p := range progs {
		for _, th := range p.Threads {
			for _, in := range th.Code {
				if in.Op != model.OpMark {
					continue
				}
				seen[in.Marker] = true
				assert.True(t, traces.LabelledMarker(in.Marker, len(in.Args)), "%s: marker %s with %d arguments has no label (traces/markers.go)",
					p.Name, in.Marker, len(in.Args))
			}
		}
	}
	t.Logf("%d marker tags seen: %v", len(seen), seen)
	assert.GreaterOrEqual(t, len(seen), 19, "markers seen: %v", seen)
}

// The rendering labels marker arguments, names the kernel source of each event when the
// model gives it, and ends with a legend.
func TestRenderLabelsSourceAndLegend(t *testing.T) {
	p := model.NewProgram("src")
	x := p.Var("x", 0)
	a := p.Thread("P0", "cpu")
	a.Source("virtscsi_pick_vq (drivers/scsi/virtio_scsi.c:498)")
	a.WriteOnce(x, 1)
	a.Mark(steering.MarkSteer, 0, 1, 2)
	b := p.Thread("P1", "cpu")
	b.ReadOnce(x)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	var texts []string
	model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		texts = append(texts, traces.Render(g, []model.EventRef{{Thread: 0, Index: 1}}))
		return true
	})
	require.NotEmpty(t, texts)
	text := texts[0]
	assert.Contains(t, text, "kernel source")
	assert.Contains(t, text, "#0 write_once x = 1")
	assert.Contains(t, text, "virtscsi_pick_vq (drivers/scsi/virtio_scsi.c:498)")
	assert.Contains(t, text, "! #1 » steer r0 → queue 1 (reqs was 2: busy, follow req_vq)")
	assert.Contains(t, text, traces.Legend)
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "read_once x") {
			assert.NotContains(t, line, "virtscsi", "P1 has no source: its row's source cell is empty")
		}
	}
}
