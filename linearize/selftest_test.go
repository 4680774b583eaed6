package linearize_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// The agreement between porcupine's P1 and the direct P1 (checked on every execution
// by properties, and by TestRapidLinearizeAgreesWithP1) is only worth its name if a
// broken FIFO model breaks it: with a model that accepts any dequeue, porcupine misses
// the FIFO mutants and the checker reports the disagreement.
func TestAgreementCatchesABrokenFIFOModel(t *testing.T) {
	defer linearize.SetSelfTestMutation(0)
	for _, c := range fifoMutants {
		sc, err := steering.Build(c.variant, c.mutant, steering.DefaultConfig())
		require.NoError(t, err)

		linearize.SetSelfTestMutation(0)
		rep := properties.Verify(sc, scModel(t), model.Options{}, []string{"P1"})
		require.Equal(t, properties.Violated, rep.Verdict)
		assert.NotContains(t, rep.Violation.Message, "checker disagreement", c.mutant)
		assert.Equal(t, linearize.Violated, linearize.CheckFIFO(sc, rep.Graph, time.Second).Verdict, c.mutant)

		linearize.SetSelfTestMutation(1)
		assert.Equal(t, linearize.Holds, linearize.CheckFIFO(sc, rep.Graph, time.Second).Verdict, "%s: the broken model accepts it", c.mutant)
		rep = properties.Verify(sc, scModel(t), model.Options{}, []string{"P1"})
		require.Equal(t, properties.Violated, rep.Verdict)
		assert.Contains(t, rep.Violation.Message, "checker disagreement", c.mutant)
	}
}
