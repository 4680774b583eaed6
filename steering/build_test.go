package steering_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

func TestVariantsInHistoryOrder(t *testing.T) {
	assert.Equal(t, []string{"single", "v2-2012", "v3.10", "v3.17", "v3.19-seqcount", "v4.x"}, steering.VariantNames())
	for _, v := range steering.Variants() {
		assert.NotEmpty(t, v.Kernel, v.Name)
		assert.NotEmpty(t, v.Doc, v.Name)
	}
}

func TestMutantsApplyToKnownVariants(t *testing.T) {
	names := map[string]bool{}
	for _, m := range steering.Mutants() {
		assert.False(t, names[m.Name], "duplicate mutant %s", m.Name)
		names[m.Name] = true
		assert.Contains(t, steering.VariantNames(), m.Variant, m.Name)
		assert.NotEmpty(t, m.Doc, m.Name)
		assert.Contains(t, steering.MutantsOf(m.Variant), m)
	}
	assert.Equal(t, len(steering.Mutants()), len(steering.MutantNames()))
}

func TestBuildErrors(t *testing.T) {
	cfg := steering.DefaultConfig()
	_, err := steering.Build("v9", "", cfg)
	require.Error(t, err)
	assert.Equal(t, `unknown variant "v9" (have: single, v2-2012, v3.10, v3.17, v3.19-seqcount, v4.x)`, err.Error())

	_, err = steering.Build("v3.10", "nope", cfg)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), `unknown mutant "nope" (have: write-outside-lock, `), err.Error())

	_, err = steering.Build("v3.10", steering.MutGeOne, cfg)
	require.Error(t, err)
	assert.Equal(t, `mutant "ge-one" applies to variant v2-2012, not v3.10`, err.Error())

	cfg.CPUs = 0
	_, err = steering.Build("v3.10", "", cfg)
	require.Error(t, err)
	assert.Equal(t, "cpus must be at least 1 (got 0)", err.Error())

	// Six requests on one CPU would overflow the CPU thread's event budget.
	cfg = steering.Config{CPUs: 1, Targets: 1, Queues: 1, Requests: make([]steering.Request, 6)}
	_, err = steering.Build("v2-2012", "", cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "thread cpu0 may produce")
}

func TestEveryVariantAndMutantBuilds(t *testing.T) {
	cfgs := []steering.Config{steering.DefaultConfig()}
	kf := steering.DefaultConfig()
	kf.KickFailure = true
	cfgs = append(cfgs, kf)
	for _, cfg := range cfgs {
		for _, v := range steering.VariantNames() {
			sc, err := steering.Build(v, "", cfg)
			require.NoError(t, err, v)
			assert.Equal(t, v, sc.Variant)
			assert.Len(t, sc.Threads, len(sc.Program.Threads))
		}
		for _, m := range steering.Mutants() {
			sc, err := steering.Build(m.Variant, m.Name, cfg)
			require.NoError(t, err, m.Name)
			assert.Equal(t, m.Variant+"+"+m.Name, sc.Program.Name)
		}
	}
}

func TestScenarioShape(t *testing.T) {
	sc, err := steering.Build("v3.10", "", steering.DefaultConfig())
	require.NoError(t, err)
	var roles []string
	for i, th := range sc.Program.Threads {
		roles = append(roles, th.Name+":"+th.Kind)
		assert.Equal(t, th.Kind, sc.Threads[i].Role.String())
	}
	assert.Equal(t, []string{"cpu0:cpu", "cpu1:cpu", "cpu2:cpu", "device0:device", "device1:device", "irq0:irq", "irq1:irq"}, roles)
	for _, r := range sc.Requests {
		assert.Equal(t, r.CPU, sc.Threads[r.Thread].Index, "request %d runs on its CPU's thread", r.ID)
	}
	assert.Equal(t, 3, sc.DeviceThread(0))
	assert.Equal(t, 6, sc.IRQThread(1))
	assert.Equal(t, -1, sc.IRQThread(2))
	// One idle point per ring slot in every device and interrupt thread, each the start
	// of a spin-wait.
	for t2, info := range sc.Threads {
		var idle []int
		for pc, in := range sc.Program.Threads[t2].Code {
			if in.Idle {
				assert.Equal(t, model.OpAwaitBegin, in.Op)
				idle = append(idle, pc)
			}
		}
		if info.Role == steering.RoleCPU {
			assert.Empty(t, idle)
			continue
		}
		assert.Len(t, idle, len(sc.Requests))
	}
	assert.Equal(t, "r1 (cpu1 → target 0)", sc.DescribeRequest(1))
	tg, ok := sc.TargetOfReqs(sc.Layout.Reqs.Base)
	assert.True(t, ok)
	assert.Equal(t, 0, tg)
	_, ok = sc.TargetOfReqs(sc.Layout.ReqVq.Base)
	assert.False(t, ok)
}

// sites lists the distinct ordering-annotation sites of a program.
func sites(p *model.Program) map[string]bool {
	out := map[string]bool{}
	for _, th := range p.Threads {
		for _, in := range th.Code {
			if in.Site != "" {
				out[in.Site] = true
			}
		}
	}
	return out
}

func TestSitesNameEachVersionsAnnotations(t *testing.T) {
	want := map[string][]string{
		"single":         {"queuecommand_single:atomic_inc(reqs)", "queuecommand:ACCESS_ONCE(req_vq)", "kick_cmd:spin_lock(tgt_lock)", "kick_cmd:spin_lock(vq_lock)", "req_done:smp_read_barrier_depends"},
		"v2-2012":        {"queuecommand_multi:spin_lock(tgt_lock)", "queuecommand_multi:atomic_inc_return(reqs)", "queuecommand_multi:smp_wmb", "queuecommand:ACCESS_ONCE(req_vq)", "kick_cmd:spin_lock(tgt_lock)", "req_done:smp_read_barrier_depends", "complete_cmd:atomic_dec(reqs)"},
		"v3.10":          {"pick_vq:spin_lock(tgt_lock)", "pick_vq:atomic_inc_return(reqs)", "pick_vq:ACCESS_ONCE(req_vq)", "kick_cmd:spin_lock(vq_lock)", "req_done:smp_read_barrier_depends", "vq_done:spin_lock(vq_lock)"},
		"v3.17":          {"pick_vq:spin_lock(tgt_lock)", "pick_vq:atomic_inc_return(reqs)", "vq_done:spin_lock(vq_lock)"},
		"v3.19-seqcount": {"pick_vq:atomic_inc_return(reqs)", "read_seqcount_begin:smp_rmb", "read_seqcount_retry:smp_rmb", "write_seqcount_begin:smp_wmb", "write_seqcount_end:smp_wmb", "pick_vq:atomic_read(reqs)"},
		"v4.x":           {"pick_vq:atomic_inc_return(reqs)", "write_seqcount_begin:smp_wmb", "queuecommand:atomic_dec(reqs)"},
	}
	absent := map[string][]string{
		"v3.10":          {"queuecommand_multi:smp_wmb", "kick_cmd:spin_lock(tgt_lock)"},
		"v3.17":          {"req_done:smp_read_barrier_depends", "pick_vq:ACCESS_ONCE(req_vq)"},
		"v3.19-seqcount": {"pick_vq:spin_lock(tgt_lock)"},
	}
	for v, names := range want {
		sc, err := steering.Build(v, "", steering.DefaultConfig())
		require.NoError(t, err)
		got := sites(sc.Program)
		for _, n := range names {
			assert.True(t, got[n], "%s lacks site %s", v, n)
		}
		for _, n := range absent[v] {
			assert.False(t, got[n], "%s has site %s", v, n)
		}
	}
}

func TestMutantsChangeTheProgram(t *testing.T) {
	cfg := steering.DefaultConfig()
	cfg.KickFailure = true
	for _, m := range steering.Mutants() {
		orig, err := steering.Build(m.Variant, "", cfg)
		require.NoError(t, err)
		mut, err := steering.Build(m.Variant, m.Name, cfg)
		require.NoError(t, err)
		o, mu := orig.Program.String(), mut.Program.String()
		o = o[strings.Index(o, "\n"):]
		mu = mu[strings.Index(mu, "\n"):]
		assert.NotEqual(t, o, mu, "mutant %s leaves %s unchanged", m.Name, m.Variant)
	}
}

// TestVirtqueueLayout: num_free is modelled at every configuration; the free list and
// the token table only when descriptors are reused (kick failures).
func TestVirtqueueLayout(t *testing.T) {
	def, err := steering.Build("v3.17", "", steering.DefaultConfig())
	require.NoError(t, err)
	assert.Equal(t, 2, def.Layout.NumFree.Len, "num_free per queue")
	assert.Equal(t, 3, def.Layout.Ring, "a descriptor per request without kick failures")
	assert.Equal(t, 0, def.Layout.Data.Len, "no free list without descriptor reuse")
	cfg := steering.DefaultConfig()
	cfg.KickFailure = true
	cfg.RingSize = 2
	full, err := steering.Build("v3.17", "", cfg)
	require.NoError(t, err)
	assert.Equal(t, 2, full.Layout.NumFree.Len)
	assert.Equal(t, 4, full.Layout.Data.Len)
	assert.Equal(t, 4, full.Layout.DescAddr.Len)
	l, ok := full.Program.LocByName("vq1.desc[1].next")
	require.True(t, ok)
	assert.Equal(t, model.Value(0), full.Program.Locs[l].Init, "the last descriptor's next is left 0")
	l, ok = full.Program.LocByName("vq0.desc[0].next")
	require.True(t, ok)
	assert.Equal(t, model.Value(1), full.Program.Locs[l].Init)
}

// The CPU threads that submit to the same targets in the same order from CPUs of one
// queue are declared interchangeable; under single, any CPUs; with a target removal,
// none.
func TestSymmetryClasses(t *testing.T) {
	for _, c := range []struct {
		variant string
		cfg     steering.Config
		want    [][]int
	}{
		{"v3.10", steering.DefaultConfig(), [][]int{{0, 2}}},
		{"single", steering.DefaultConfig(), [][]int{{0, 1, 2}}},
		{"v3.10", steering.Config{CPUs: 4, Targets: 1, Queues: 2, Requests: []steering.Request{{CPU: 0}, {CPU: 1}, {CPU: 2}, {CPU: 3}}}, [][]int{{0, 2}, {1, 3}}},
		{"v2-2012", steering.Config{CPUs: 3, Targets: 2, Queues: 2, Requests: []steering.Request{{CPU: 0, Target: 0}, {CPU: 0, Target: 1},
			{CPU: 1, Target: 0}, {CPU: 2, Target: 0}, {CPU: 2, Target: 1}}}, [][]int{{0, 2}}},
		{"v3.10", steering.Config{CPUs: 3, Targets: 2, Queues: 1, Requests: []steering.Request{{CPU: 0, Target: 1}, {CPU: 1, Target: 0}, {CPU: 2, Target: 1}}}, [][]int{{0, 2}}},
		{"v4.x", steering.Config{CPUs: 2, Targets: 1, Queues: 1, RemoveTarget: true, Requests: []steering.Request{{CPU: 0}, {CPU: 1}}}, [][]int{}},
	} {
		sc, err := steering.Build(c.variant, "", c.cfg)
		require.NoError(t, err, "%s %s", c.variant, c.cfg)
		assert.Equal(t, c.want, sc.Program.SymmetryClasses(), "%s %s", c.variant, c.cfg)
	}
}
