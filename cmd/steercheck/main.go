// Command steercheck checks the Linux virtio-scsi multiqueue queue-steering protocol
// under sequential consistency and the weak memory models the kernel runs on.
//
// Usage: steercheck check|replay|list [flags]; `steercheck help` lists the commands.
package main

import (
	"os"

	"github.com/steercheck/steercheck/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
