package properties_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

// mutantCase says which property catches a mutant under sc, at which configuration,
// or why sc cannot.
type mutantCase struct {
	property string          // the property that catches it under sc
	config   steering.Config // zero: the default configuration
	// notUnderSC, when set, explains why sc cannot catch the mutant; the test then
	// checks that sc indeed finds nothing and skips, naming the model it needs.
	notUnderSC string
}

var noVqLockConfig = steering.Config{CPUs: 2, Targets: 1, Queues: 1, RingSize: 2, KickFailure: true,
	Requests: []steering.Request{{CPU: 0}, {CPU: 1}, {CPU: 0}, {CPU: 1}}}

// mutantTable maps every mutant to the property that catches it. A mutant missing
// here fails the test: adding one to steering.Mutants means saying what catches it.
var mutantTable = map[string]mutantCase{
	// v2-2012
	steering.MutWriteOutsideLock: {property: "P2"},
	steering.MutReadBeforeInc:    {property: "P1"},
	steering.MutGeOne:            {property: "P1"},
	steering.MutIrqTgtLock:       {property: "P5"},
	// v3.10
	steering.MutDecBeforeConsume: {property: "P1"},
	steering.MutNoTgtLock:        {property: "P2"},
	steering.MutSplitInc: {notUnderSC: "needs weak model lkmm: issue 3. Under sc it is benign: inside tgt_lock only " +
		"decrements can fall between atomic_inc and atomic_read, and a decrement only retires a completed request, so " +
		"`atomic_read(&tgt->reqs) > 1` still means \"another request is outstanding\"; what the split loses is the full " +
		"barrier of atomic_inc_return, which only a weak model can miss (and the lock may well subsume it)"},
	// v3.17: the race is on the virtqueue's free list, so the ring must be able to fill
	// and four requests must share one queue (see steering/testdata/v3_mutants.txt).
	steering.MutNoVqLock: {property: "P4", config: noVqLockConfig},
	// v3.19-seqcount
	steering.MutNoSeqRetry: {notUnderSC: "needs weak model tso: issue 3. Under sc the retry is redundant: the writer's " +
		"\"a reader just arrived\" check keeps the old req_vq whenever a reader incremented reqs before the writer looked, " +
		"and req_vq is one word, so no read can be torn. Under tso the base variant itself already breaks P2 (the " +
		"increment of write_seqcount_begin and the following atomic_read form a store-buffering pair with no fence), " +
		"so the mutant can only be told apart in a model, or a fixed variant, where v3.19 holds"},
	steering.MutNoReaderCheck:  {property: "P2"},
	steering.MutNoRetryNoCheck: {property: "P2"},
}

func TestMutantsAreCaught(t *testing.T) {
	for _, m := range steering.Mutants() {
		tc, ok := mutantTable[m.Name]
		if !assert.True(t, ok, "mutant %s has no entry in mutantTable", m.Name) {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.config
			if cfg.CPUs == 0 {
				cfg = steering.DefaultConfig()
			}
			mut, err := steering.Build(m.Variant, m.Name, cfg)
			require.NoError(t, err)
			if tc.notUnderSC != "" {
				rep := properties.Verify(mut, sc(t), model.Options{}, nil)
				require.Equal(t, properties.Holds, rep.Verdict, "sc catches %s after all: %v", m.Name, rep.Violation)
				t.Skip(tc.notUnderSC)
			}
			rep := properties.Verify(mut, sc(t), model.Options{}, []string{tc.property})
			require.Equal(t, properties.Violated, rep.Verdict, "%s not caught by %s under sc", m.Name, tc.property)
			assert.Equal(t, tc.property, rep.Violation.Property.ID)
			assert.NotEmpty(t, rep.Violation.Events)
			t.Logf("%s: %s", m.Name, rep.Violation)

			// The mutation, not the configuration, breaks the property.
			base, err := steering.Build(m.Variant, "", cfg)
			require.NoError(t, err)
			rep = properties.Verify(base, sc(t), model.Options{}, []string{tc.property})
			assert.Equal(t, properties.Holds, rep.Verdict, "%s without the mutant: %v", m.Variant, rep.Violation)
		})
	}
}
