//go:build race

package model_test

// raceEnabled is true under the race detector (go test -race), which makes the
// explorer many times slower: the largest differential searches shrink (CI's race
// run must finish within its budget on two cores).
const raceEnabled = true
