// Command steercheck checks the Linux virtio-scsi multiqueue queue-steering protocol
// under sequential consistency and the weak memory models the kernel runs on.
//
// Usage: steercheck COMMAND [ARGUMENTS] [FLAGS]; `steercheck help` lists the commands
// and the exit codes, `steercheck help COMMAND` describes one.
package main

import (
	"os"

	"github.com/steercheck/steercheck/internal/cli"
)

func main() {
	cli.ConfigureGC()
	os.Exit(cli.Run())
}
