package gen

import (
	"math/rand/v2"

	"github.com/steercheck/steercheck/litmus"
)

// srcu.go makes the SRCU family: half cycle shapes in which at least one thread
// orders its accesses by SRCU (a read-side critical section of s or of another
// srcu_struct s2, synchronize_srcu() of either, srcu_down_read/srcu_up_read, or an
// empty section followed by smp_mb__after_srcu_read_unlock()), the other threads by
// any method, RCU's included; half random statements weighted towards SRCU: sections,
// grace periods, computed indexes (srcu-bad-value-match), indexes handed to another
// thread through memory, locks never released, synchronize_srcu() inside
// rcu_read_lock() (invalid-sleep).

// srcuWeights is the statement mix of the SRCU family's random half.
var srcuWeights = weights{
	sReadOnce: 8, sWriteOnce: 8, sReadPlain: 2, sWritePlain: 2, sAcquire: 2, sRelease: 2,
	sFence: 3, sCtrl: 3, sData: 2, sRCU: 2, sSyncRCU: 2, sSRCU: 6, sSyncSRCU: 5, sSRCUIndex: 4,
}

// srcuTest returns the SRCU test called name.
func srcuTest(r *rand.Rand, name string) *litmus.Test {
	if r.IntN(2) == 0 {
		return cycleTest(r, name, append(append([]method(nil), cycleMethods...), srcuMethods...), true)
	}
	return randomTest(r, name, srcuWeights)
}
