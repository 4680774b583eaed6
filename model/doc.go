// Package model holds steercheck's programs and their executions.
//
// A Program is a small concurrent program written with a Go DSL that reads like the
// kernel C it models (program.go, stmt.go, expr.go): shared locations and arrays of
// them, per-thread registers, READ_ONCE/WRITE_ONCE and plain accesses, atomics and their
// *_return forms, xchg/cmpxchg, acquire/release, spin locks, fences, SRCU (read-side
// critical sections as herd7's kernel .def spells them, and synchronize_srcu, a fence
// that names its srcu_struct), if/else, bounded loops, and Await blocks for spin-waits. Every access records the address, data and
// control dependencies it carries, because weak memory models order accesses by them.
//
// Executions are ExecutionGraphs (event.go, graph.go): events per thread in program
// order, reads-from, coherence order and dependencies. The explorer (explore.go,
// revisit.go) enumerates every execution graph a memory model allows, each exactly once,
// with stateless dynamic partial-order reduction in the TruSt style. NaiveExplore
// (naive.go) tries every interleaving under sequential consistency and is the oracle the
// tests compare the explorer against.
//
// Index:
//   - program.go   Program, Loc, Array, Thread, Reg
//   - expr.go      expressions over registers and constants
//   - stmt.go      the statements of the DSL (methods on *Thread)
//   - instr.go     the instructions the DSL compiles to
//   - interp.go    the per-thread interpreter
//   - event.go     events, annotations, fences, dependency sets
//   - graph.go     ExecutionGraph and its relations
//   - explore.go   the explorer, its options, budgets and result
//   - coherence.go what adding an event checks: coherence floors, consistency, atomicity
//   - complete.go  complete graphs: blocked threads, and the visit
//   - revisit.go   backward revisits and the maximality check
//   - speculate.go the second phase under models with po∪rf cycles: speculated reads
//   - porfcycle.go open pairs: which reads a model's local order may leave unordered
//   - lockguard.go locks order the accesses they guard (closes open pairs)
//   - shapes.go    one thread path per shape, for the open-pair analysis
//   - counters.go  value bounds of counters set or changed by constants only
//   - blind.go     locations no thread looks at: one speculated value serves
//   - narrow.go    speculating a read only when its thread goes on to a paired write
//   - exitcut.go   exit and mixed modes: speculating the reads of open writes instead of
//     (or, for some pairs, besides) the open reads
//   - symmetry.go  Program.Symmetric and Options.Symmetry: one execution per family of
//     executions that differ by a permutation of interchangeable threads
//   - shard.go     Options.Shard: a deterministic 1/n of the exploration tree
//   - parallel.go  ExploreParallel: one run split into pieces over goroutines, with the
//     sequential run's result
//   - resume.go    Options.Resume: the pieces an earlier run finished, skipped
//   - estimate.go  EstimateExploration: the tree's size from random paths
//   - hmc.go       ExploreHMC: graphs with po∪rf cycles built directly (HMC), with holes
//   - hmcmax.go    when ExploreHMC revisits: maximality and TruSt's marks
//   - hmcprefix.go the prefix a revisiting write keeps, and the part it marks
//   - candidates.go  herd-style candidate enumeration (the reference for the above)
//   - outcome.go   final states and graph fingerprints
//   - replay.go    Choices and Replay: rebuild an execution from its choices
//   - walk.go      random walks under SC (uniform and PCT schedulers)
//   - slice.go     Program.Slice: a program's critical section
//   - rewrite.go   Program.Rewrite: a copy with instructions replaced (barrier ablation)
//   - pattern.go   PatternOf: one execution as straight-line code (for litmus export);
//     Program.RunThread: one thread's path for given read values
//   - naive.go     the naive interleaving explorer (test oracle)
package model
