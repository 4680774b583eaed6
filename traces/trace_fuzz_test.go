package traces_test

import (
	"testing"

	"github.com/steercheck/steercheck/traces"
)

// FuzzUnmarshal feeds arbitrary bytes to the trace reader: it must return a trace or
// an error, never panic; and a trace it accepts must replay or fail with an error.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"format":"steercheck-trace","version":1,"tool":"x","variant":"v2-2012","config":{"cpus":1,"targets":1,"queues":1,"ring_size":0,"requests":"0:0","kick_failure":false},"model":"sc","property":"P1","property_name":"fifo-per-target","message":"","threads":[{"name":"cpu0","kind":"cpu","status":"done","events":[]}],"coherence":[]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"steercheck-trace","version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := traces.Unmarshal(data)
		if err != nil {
			return
		}
		_, _ = tr.Replay()
	})
}
