// Package bench holds steercheck's end-to-end benchmarks (run with `make bench`): how
// many executions the explorer visits for the reference steering scenarios, how many
// per second, and the wall time, per memory model.
package bench
