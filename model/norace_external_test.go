//go:build !race

package model_test

// raceEnabled is true under the race detector (see race_external_test.go).
const raceEnabled = false
