//go:build race

package steering_test

// raceEnabled is true under the race detector (go test -race), which makes the
// explorer many times slower: the estimate test checks one variant there.
const raceEnabled = true
