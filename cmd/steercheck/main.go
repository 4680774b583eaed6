// Command steercheck checks the Linux virtio-scsi multiqueue queue-steering protocol
// under sequential consistency and the weak memory models the kernel runs on.
//
// Usage: steercheck COMMAND [ARGUMENTS] [FLAGS]; `steercheck help` lists the commands
// and the exit codes, `steercheck help COMMAND` describes one.
package main

import (
	"os"
	"runtime/debug"

	"github.com/steercheck/steercheck/internal/cli"
)

// gcPercent is the garbage collector's target unless GOGC says otherwise. The explorer
// is stateless (a graph per revisit depth): its live heap stays at a few tens of
// megabytes while the checkers allocate short-lived garbage per execution, so the
// default target (100) collects far more often than memory needs, on a core the
// workers (check --workers) would use. Measured on 2 cores, v3.10 under sc at 4 CPUs:
// 80.7 s with 1 worker and 46.6 s with 2 at GOGC=100; 68.2 s and 34.0 s at 400, with
// 43 MB of peak memory.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(cli.Run())
}
