package litmus

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// SRCU as herd7 7.58 reads it with the kernel's .def (srcu_read_lock is a marked read
// of the srcu_struct, srcu_read_unlock a marked write of the index, synchronize_srcu
// an event that names the srcu_struct): testdata/srcu holds tests written for it —
// readers and updaters on the same and on different srcu_structs, nesting,
// srcu_down_read/srcu_up_read handing the index over through memory, a bad index,
// unmatched and doubly matched sections, smp_mb__after_srcu_read_unlock,
// synchronize_srcu inside rcu_read_lock (invalid-sleep), SRCU mixed with RCU — and
// herd7.tsv herd7's full results (`herd7-tsv testdata/srcu`).
func TestSRCUMatchesHerd7(t *testing.T) {
	dir := filepath.Join("testdata", "srcu")
	matchHerdTSV(t, dir, filepath.Join(dir, "herd7.tsv"), 1)
}

// On the SRCU tests, as on the kernel's (TestKernelModelsNested), a weaker model never
// forbids what a stronger one allows. The hardware models refuse synchronize_srcu and
// synchronize_rcu (barriers.Supports) and judge the rest.
func TestSRCUModelsNested(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "srcu", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	models := []string{"sc", "tso", "armv8", "lkmm", "lkmm-alpha"}
	allowed := map[string]map[string]bool{} // model -> file -> allowed (absent: refused)
	for _, m := range models {
		allowed[m] = map[string]bool{}
		for _, f := range files {
			test, err := ParseFile(f)
			require.NoError(t, err)
			res, err := Run(test, m, model.Options{})
			var ue *UnsupportedError
			if errors.As(err, &ue) {
				assert.False(t, strings.HasPrefix(m, "lkmm"), "%s: %s must judge every SRCU test: %v", f, m, err)
				continue
			}
			require.NoError(t, err, "reproduce: go run ./cmd/steercheck litmus --model %s litmus/%s", m, f)
			allowed[m][f] = res.Positive > 0
		}
	}
	assert.NotEmpty(t, allowed["armv8"], "the hardware models judge the tests without a grace period")
	assert.Len(t, allowed["lkmm"], len(files))
	for _, pair := range [][2]string{{"sc", "tso"}, {"sc", "armv8"}, {"tso", "lkmm"}, {"armv8", "lkmm"}, {"lkmm", "lkmm-alpha"}} {
		strong, weak := pair[0], pair[1]
		for f, ok := range allowed[strong] {
			if weakOK, judged := allowed[weak][f]; ok && judged && !weakOK {
				t.Errorf("%s: %s allows the condition but the weaker %s forbids it", f, strong, weak)
			}
		}
	}
}
