//go:build !race

package steering_test

// raceEnabled is true under the race detector (see race_external_test.go).
const raceEnabled = false
