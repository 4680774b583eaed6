package ablation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/model"
)

// mp is message passing with every kind of annotation: a lock pair, a wmb, a release
// store, an acquire load, a ONCE load, a fully ordered RMW and a plain store.
func mp() *model.Program {
	p := model.NewProgram("mp")
	x, y, l, c := p.Var("x", 0), p.Var("y", 0), p.Var("l", 0), p.Var("c", 0)
	t0 := p.Thread("P0", "cpu")
	t0.Site("w:spin_lock(l)").SpinLock(l)
	t0.Site("w:WRITE(x)").Write(x, 1)
	t0.Site("w:smp_wmb").SmpWmb()
	t0.Site("w:smp_store_release(y)").StoreRelease(y, 1)
	t0.Site("w:spin_unlock(l)").SpinUnlock(l)
	t1 := p.Thread("P1", "cpu")
	r := t1.Site("r:smp_load_acquire(y)").LoadAcquire(y)
	t1.If(r, func() { t1.Site("r:READ_ONCE(x)").ReadOnce(x) }, nil)
	t1.Site("r:atomic_inc_return(c)").AtomicIncReturn(c)
	return p
}

func TestAnnotations(t *testing.T) {
	var got []string
	for _, a := range ablation.Annotations(mp()) {
		got = append(got, a.Name()+" → "+a.Kind.Weakening())
	}
	assert.Equal(t, []string{
		"r:READ_ONCE(x) → made plain",
		"r:atomic_inc_return(c) → made relaxed",
		"r:smp_load_acquire(y) → made READ_ONCE",
		"w:smp_store_release(y) → made WRITE_ONCE",
		"w:smp_wmb → removed",
		"w:spin_lock/unlock(l) → lock and unlock removed",
	}, got)
	assert.Equal(t, []string{"w:spin_lock(l)", "w:WRITE(x)", "w:smp_wmb", "w:smp_store_release(y)", "w:spin_unlock(l)",
		"r:smp_load_acquire(y)", "r:READ_ONCE(x)", "r:atomic_inc_return(c)"}, ablation.Sites(mp(), "cpu"))
}

func TestApplyWeakensOneSiteAndKeepsJumps(t *testing.T) {
	p := mp()
	for _, c := range []struct {
		edit string
		want string // the printed thread that changed
	}{
		{"weaken w:spin_lock(l)", "P0"},
		{"weaken w:smp_wmb", "P0"},
		{"weaken r:smp_load_acquire(y)", "P1"},
		{"weaken r:READ_ONCE(x)", "P1"},
		{"weaken r:atomic_inc_return(c)", "P1"},
		{"insert smp_mb after r:smp_load_acquire(y)", "P1"},
		{"strengthen w:WRITE(x)", "P0"},
	} {
		e, err := ablation.ParseEdit(c.edit)
		require.NoError(t, err)
		assert.Equal(t, c.edit, e.String(), "spelling round trip")
		q, err := ablation.Apply(p, []ablation.Edit{e})
		require.NoError(t, err, c.edit)
		for i := range p.Threads {
			same := p.Threads[i].Code == nil || len(p.Threads[i].Code) == len(q.Threads[i].Code)
			if p.Threads[i].Name != c.want {
				assert.True(t, same, "%s: thread %s untouched", c.edit, p.Threads[i].Name)
			}
		}
		// Every jump still lands inside the thread, and on the instruction it meant.
		for _, th := range q.Threads {
			for _, in := range th.Code {
				if in.Op == model.OpBranchFalse || in.Op == model.OpJump {
					assert.LessOrEqual(t, in.Target, len(th.Code), c.edit)
				}
			}
		}
		assert.NotEqual(t, p.String(), q.String(), c.edit)
	}
	// Removing the lock pair removes both halves.
	q, err := ablation.Apply(p, []ablation.Edit{{Op: ablation.Weaken, Site: "w:spin_lock(l)"}})
	require.NoError(t, err)
	for _, in := range q.Threads[0].Code {
		assert.NotContains(t, []model.OpCode{model.OpLock, model.OpUnlock}, in.Op)
	}
	// The if's branch still skips exactly the READ_ONCE after an insertion before it.
	q, err = ablation.Apply(p, []ablation.Edit{{Op: ablation.Insert, Site: "r:smp_load_acquire(y)", Fence: model.FenceMb}})
	require.NoError(t, err)
	for _, in := range q.Threads[1].Code {
		if in.Op == model.OpBranchFalse {
			assert.Equal(t, model.OpRMW, q.Threads[1].Code[in.Target].Op)
		}
	}
}

func TestApplyRejectsBadEdits(t *testing.T) {
	for _, c := range []struct{ edit, err string }{
		{"weaken nowhere", `program mp has no site "nowhere"`},
		{"weaken w:WRITE(x)", "has nothing to weaken"},
		{"strengthen w:smp_wmb", "only a READ_ONCE or plain load"},
	} {
		e, err := ablation.ParseEdit(c.edit)
		require.NoError(t, err)
		_, err = ablation.Apply(mp(), []ablation.Edit{e})
		require.Error(t, err, c.edit)
		assert.Contains(t, err.Error(), c.err)
	}
	for _, s := range []string{"", "remove x", "insert smp_foo after x", "insert smp_mb x"} {
		_, err := ablation.ParseEdit(s)
		assert.Error(t, err, s)
	}
}
