//go:build race

package barriers

// raceEnabled is true in a -race build, where the incremental-check tests run a sample.
const raceEnabled = true
