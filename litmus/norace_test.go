//go:build !race

package litmus

// raceEnabled is true in a -race build, where the corpus tests run a sample.
const raceEnabled = false
