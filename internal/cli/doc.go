// Package cli implements the steercheck commands: it parses each command's flags,
// calls the packages that do the work, prints their results and maps them to exit
// codes (0 all hold, 1 violation, 2 bad usage or input, 3 unknown, 4 a trace's
// violation does not reproduce, 130 interrupted; see ExitHolds and the rest).
//
// Index:
//   - main.go         command dispatch, help, exit codes, Run (signals)
//   - flags.go        the flag layer: checked values, one-line errors, grouped help
//   - budget.go       --max-steps, --max-executions, --timeout; DefaultSteps
//   - config.go       the steering configuration flags and their bounds
//   - check.go        `check`: the variant × mutant × model matrix, saved traces
//   - hotplug.go      `check` of the hotplug variants and their flags
//   - table.go        check's verdict table and summary line
//   - expect.go       the expected verdicts `check --expect` (make run) compares with
//   - report.go       the JSON reports of check and litmus (docs/REPORT.md)
//   - merge.go        `merge`: shards' reports combined into the whole run's
//   - resume.go       check --resume: the file of finished pieces
//   - estimate.go     check --estimate
//   - gc.go           the garbage collector's target and soft memory limit
//   - progress.go     the progress lines on stderr
//   - replay.go       `replay`: re-execute a saved trace
//   - minimize.go     `minimize`: shrink a saved trace
//   - explain.go      `explain`: CPU columns, DOT, SVG, porcupine's page
//   - litmus.go       `litmus`: C litmus tests, herd7-style
//   - exportlitmus.go `export-litmus`: a critical section or a trace as a litmus test
//   - list.go         `list`: variants, mutants, models, properties
//   - verdicts.go     `verdicts`: docs/VERDICTS.md; the source fingerprints
//   - barriers.go     `barriers`: barrier requirements, docs/BARRIERS.md
//   - version.go      `version` and --version
package cli
