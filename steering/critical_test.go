package steering

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A CPU's critical section keeps every branch that chooses a queue: with tgt_lock
// removed (nothing held at the first "steer" marker) the slice used to end at that
// marker, inside the then-branch, and lose the else-branch that writes req_vq.
func TestCriticalSectionsKeepEveryBranch(t *testing.T) {
	for _, c := range []struct{ variant, mutant string }{{"v3.10", ""}, {"v3.10", MutNoTgtLock}, {"v3.17", ""}} {
		sc, err := Build(c.variant, c.mutant, DefaultConfig())
		require.NoError(t, err)
		p := sc.CriticalSections(sc.Program, "cs")
		require.NotEmpty(t, p.Threads)
		for _, th := range p.Threads {
			sites := map[string]bool{}
			for _, in := range th.Code {
				sites[in.Site] = true
			}
			for _, s := range []string{"pick_vq:WRITE(req_vq)", "pick_vq:spin_lock(tgt_lock)", "pick_vq:spin_unlock(tgt_lock)"} {
				want := c.mutant == "" || s == "pick_vq:WRITE(req_vq)"
				assert.Equal(t, want, sites[s], "%s+%s %s: site %s (go test -run TestCriticalSectionsKeepEveryBranch ./steering/)",
					c.variant, c.mutant, th.Name, s)
			}
		}
	}
}
