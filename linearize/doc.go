// Package linearize checks P1 fifo-per-target as linearizability: each target's
// request stream, read off one explored execution, must be linearizable against a
// sequential FIFO queue. The check is done by porcupine, partitioned by target. Its
// verdict is three-valued: unknown only under a timeout, which only a caller that asks
// for one gets (a check's verdict depends on nothing but the execution).
//
// Files:
//
//   - order.go: the execution's logical time, a deterministic topological order of
//     po ∪ rf ∪ co ∪ fr (po ∪ rf when that is cyclic, program order as a last resort).
//   - history.go: the porcupine history of an execution: one enqueue operation per
//     consumed request (call at its "submit" marker, return at "submitted") and one
//     dequeue per "consume" marker; WriteHTML, porcupine's visualization annotated
//     with the steering decisions of the execution.
//   - fifo.go: the sequential specification, a per-target FIFO, as a typed wrapper
//     around porcupine.Model (partitioned by target, hashed, readable descriptions).
//   - check.go: CheckFIFO and its Result (holds, violated, unknown), with the
//     witness orders that make the check cover every linearization of the execution.
//   - order_reference_test.go: the map-based order and reachability as first written,
//     the reference the slice-based ones must agree with on explored graphs.
//   - oracle_test.go: a brute-force linearizability oracle for tiny histories that
//     checks the porcupine model on random histories (rapid).
package linearize
