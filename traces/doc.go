// Package traces holds steercheck's counterexamples: the versioned, self-describing
// trace file, its replay, and its rendering as CPU columns.
//
// A Trace records what produced a violation (tool version, variant, mutant,
// configuration, memory model, property) and the exact choices that single out the
// execution (the write every read reads from, with the value, and the coherence order
// of every location). Threads are deterministic given what they read, so replaying a
// trace re-runs the very same execution and re-checks it.
//
// Index:
//   - trace.go    the Trace type, FromExecution, Write and Read (strict, versioned)
//   - replay.go   Replay: rebuild the scenario, re-execute, re-check
//   - render.go   the CPU-column text rendering, its legend
//   - markers.go  marker events with their arguments labelled
//   - dot.go      the execution as a Graphviz graph
//   - minimize.go Minimize: shrink a counterexample
//   - hotplug.go  hotplug traces
//   - pattern.go  a trace's execution as straight-line code
package traces
