// Package cli implements the steercheck commands: it parses each command's flags,
// calls the packages that do the work, prints their results and maps them to exit
// codes (0 all hold, 1 violation, 2 bad usage or input, 3 unknown).
//
// Index:
//   - main.go      command dispatch, exit codes, usage
//   - check.go     `check`: the variant × mutant × model matrix, the verdict table, saved traces
//   - replay.go    `replay`: re-execute a saved trace
//   - list.go      `list`: variants, mutants, models, properties
//   - progress.go  the progress line on a terminal
package cli
