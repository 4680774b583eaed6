package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes.
const (
	ExitHolds     = 0
	ExitViolation = 1
	ExitUsage     = 2
	ExitUnknown   = 3
)

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"check", "explore variants under memory models and check the properties", runCheck},
		{"replay", "re-execute a saved trace and re-check it", runReplay},
		{"litmus", "run C litmus tests (the kernel's format) and print herd7-style verdicts", runLitmus},
		{"minimize", "shrink a saved trace to a smaller counterexample of the same property", runMinimize},
		{"explain", "show a saved trace as CPU columns, a porcupine history page and a DOT/SVG graph", runExplain},
		{"export-litmus", "write a steering critical section, or a trace's execution (--trace), as a C litmus test for herd7", runExportLitmus},
		{"list", "list variants, mutants, memory models and properties", runList},
		{"verdicts", "regenerate docs/VERDICTS.md: every variant and mutant under every model", runVerdicts},
		{"barriers", "which barrier, lock and ONCE each variant needs under which model (docs/BARRIERS.md)", runBarriers},
	}
}

// Main runs steercheck with the given arguments and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return ExitHolds
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "steercheck: unknown command %q (run 'steercheck help')\n", args[0])
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "steercheck: a model checker for virtio-scsi multiqueue queue steering")
	fmt.Fprintln(w, "\nUsage: steercheck COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nExit codes: 0 all hold, 1 violation, 2 bad usage or input, 3 unknown (budget ran out).")
	fmt.Fprintln(w, "Run 'steercheck COMMAND -h' for a command's flags.")
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("steercheck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses and maps -h to exit 0 and any other error to exit 2; ok is false
// when the command must stop with code.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitHolds, false
		}
		return ExitUsage, false
	}
	return 0, true
}

// fail prints a one-line error and returns the usage exit code.
func fail(stderr io.Writer, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(stderr, "steercheck: "+strings.TrimSpace(strings.ReplaceAll(msg, "\n", " ")))
	return ExitUsage
}
