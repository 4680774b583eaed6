// Package bench holds steercheck's end-to-end benchmarks (run with `make bench`): how
// many executions the explorer visits for the reference steering scenarios and for the
// cross-tool vq program, how many per second, the wall time and the processor time,
// per memory model. docs/PERFORMANCE.md has the figures and how to reproduce them.
//
// Index:
//   - vq.go                  ../shared/bench/vq.c (GenMC's benchmark) in the program DSL,
//     and GenMC's execution counts
//   - vq_test.go             the counts, checked (small sizes)
//   - vq_bench_test.go       BenchmarkVQ, BenchmarkVQAcyclic (N=2..4; N=5 with -vq.big)
//   - explore_bench_test.go  the steering scenarios
//   - lockorder_test.go      BenchmarkLockOrderClasses: what a lock-aware reduction
//     could save (executions per class of executions that differ only in lock order)
//   - meter_test.go          what every benchmark reports; cputime_*_test.go reads the
//     processor time where the system has it
package bench
