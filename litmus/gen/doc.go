// Package gen generates small C litmus tests in the Linux kernel's dialect, for
// differential testing against herd7 with the kernel's memory model: the corpora in
// litmus/testdata/generated2 were made with it (see the README there), and
// `go run ./cmd/litmusgen` makes more.
//
// Three families, each deterministic from a seed (Generate, Write):
//
//   - random: 2–4 threads of random statements — ONCE, acquire, release and plain
//     accesses; fences; xchg/cmpxchg and atomic_t operations with every ordering
//     suffix; control, data and address dependencies; spin_lock sections; RCU read
//     sections and synchronize_rcu(); now and then SRCU.
//   - cycles: cycle shapes over 2–4 threads (LB, MP, SB, S, R, 2+2W and longer), each
//     thread ordering its two accesses by nothing, a fence, a data or address
//     dependency, a control dependency (the access inside the if, or after the if's
//     join, which LKMM does not order), a lock, an RCU read section, synchronize_rcu(),
//     or an atomic with smp_mb__after_atomic(); the condition is the cycle's outcome.
//   - srcu: cycle shapes with SRCU orderings, and random statements weighted towards
//     SRCU and its misuses (bad index, unmatched sections, invalid sleep).
//
// The generator builds syntax trees (litmus.Test) and litmus.Format prints them;
// every generated tree survives Format and Parse unchanged (litmus.CheckRoundTrip).
// The tests are built to be valid for herd7: known primitives only, every location a
// parameter of the threads that use it, every register declared.
//
// Index:
//   - corpus.go  the families, Generate and Write
//   - build.go   syntax-tree assembly: threads, parameters, registers, conditions
//   - random.go  the random family
//   - cycles.go  the cycle family
//   - srcu.go    the SRCU family
package gen
