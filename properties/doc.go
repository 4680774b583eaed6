// Package properties checks the promises of the steering protocol (BRIEF §3, P1–P6)
// on the complete execution graphs of a steering.Scenario, and verifies a scenario
// under a memory model with a three-valued verdict.
//
// One pass over a graph (extract.go) reads the markers the variants emit and the RMWs
// on each target's reqs counter into per-request records; the checkers read those.
// "Before" between events of different threads is judged on the execution (order.go):
// a pattern is possible when some linearization of po ∪ rf ∪ co ∪ fr allows it, which
// is decided by adding the pattern's edges to the transitive closure and looking for a
// cycle. Under a weak model that has a global order of its own (barriers.Ordered:
// tso, armv8, lkmm, lkmm-alpha), a checker made by NewCheckerFor or Verify judges P1
// and P2 on that order instead, with markers placed by their thread's program order
// (order.buildModel), and the message names the order. Otherwise (NewChecker, or a
// model without one) executions that make po ∪ rf ∪ co ∪ fr cyclic are judged on
// (po ∪ rf)+ (or po alone), which knows nothing of fences, so a P1 or P2 verdict on
// a non-SC execution over-approximates: it can report an order that the model's own
// happens-before would forbid (the message says which relation was used). Under sc
// both checkers are the same.
//
// Index:
//   - property.go     Property, All, Lookup, Select, Known, Violation, Verdict, Report
//   - checker.go      Checker (NewChecker, NewCheckerFor, Check) and Verify
//   - extract.go      per-request facts read from one graph
//   - order.go        the closure of the execution's order (or the model's), and canOrder
//   - ordering.go     P1 fifo-per-target and P2 one-queue / no stale req_vq
//   - bookkeeping.go  P3 accounting of reqs (including the busy-path leak), P4
//     exactly-once consumption and completion, P6 no hang, no crash, no use of a
//     target after virtscsi_target_destroy freed it
//   - ring.go         P3's second half: each virtqueue's num_free and free list
//   - deadlock.go     P5 spin_lock deadlocks and the cross-execution lock order
package properties
