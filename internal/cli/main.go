package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes. Every command documents which of them it uses (see exitCodes).
const (
	ExitHolds     = 0   // every run holds; or the command did what was asked
	ExitViolation = 1   // some run found a violation; replay/minimize: the claimed violation reproduced
	ExitUsage     = 2   // bad usage or input: flag, file, trace, configuration
	ExitUnknown   = 3   // no violation, but some run was cut by its budget: not a pass
	ExitNotRepro  = 4   // replay/minimize: the trace's claimed violation does not reproduce
	ExitInterrupt = 130 // interrupted by SIGINT or SIGTERM (128 + SIGINT, the shell's convention)
)

// env is what a command runs with: its output streams, a context that is canceled on
// SIGINT or SIGTERM, and the command line (recorded in JSON reports).
type env struct {
	cmd            string // the command's name, for messages
	ctx            context.Context
	stdout, stderr io.Writer
	argv           []string
}

// command is one steercheck subcommand. setup declares its flags on fs and returns
// the function that runs it with the positional arguments, once the flags are parsed.
type command struct {
	name    string
	args    string // positional arguments in the usage line: "TRACE", "FILE|DIR..."
	summary string
	help    string // what the command does, in a paragraph or two
	exits   string // its exit codes, one per line
	setup   func(fs *flagSet, e *env) func(pos []string) int
}

func commands() []command {
	return []command{checkCommand, replayCommand, minimizeCommand, explainCommand, litmusCommand,
		exportLitmusCommand, listCommand, verdictsCommand, barriersCommand, versionCommand}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Run is steercheck's entry point for cmd/steercheck: Main with os.Args, the standard
// streams, and a context canceled by the first SIGINT or SIGTERM (a second one kills
// the process, as usual).
func Run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore the default handling: a second signal ends the process
	}()
	return MainContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// Main runs steercheck with the given arguments and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	return MainContext(context.Background(), args, stdout, stderr)
}

// MainContext is Main with a context: when it is canceled, a running check stops,
// prints what it has and returns ExitInterrupt.
func MainContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			usage(stdout)
			return ExitHolds
		}
		c, ok := lookup(args[1])
		if !ok {
			fmt.Fprintf(stderr, "steercheck: unknown command %q (run 'steercheck help')\n", args[1])
			return ExitUsage
		}
		if len(args) > 2 {
			fmt.Fprintf(stderr, "steercheck: help takes one command (run 'steercheck help')\n")
			return ExitUsage
		}
		fs := newFlagSet(c.name)
		c.setup(fs, &env{cmd: c.name, ctx: ctx, stdout: stdout, stderr: stderr})
		commandHelp(stdout, c, fs)
		return ExitHolds
	case "-version", "--version":
		fmt.Fprintln(stdout, versionLine())
		return ExitHolds
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "steercheck: unknown command %q (run 'steercheck help')\n", args[0])
		return ExitUsage
	}
	e := &env{cmd: c.name, ctx: ctx, stdout: stdout, stderr: stderr, argv: append([]string{"steercheck"}, args...)}
	fs := newFlagSet(c.name)
	run := c.setup(fs, e)
	pos, code, ok := fs.parse(args[1:], stdout, stderr, c)
	if !ok {
		return code
	}
	return run(pos)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "steercheck: a model checker for virtio-scsi multiqueue queue steering")
	fmt.Fprintln(w, "\nUsage: steercheck COMMAND [ARGUMENTS] [FLAGS]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nExit codes (each command's help lists the ones it uses):")
	fmt.Fprint(w, indent(commonExits, "  "))
	fmt.Fprintln(w, "\nRun 'steercheck help COMMAND' or 'steercheck COMMAND --help' for a command's arguments and flags;")
	fmt.Fprintln(w, "'steercheck --version' prints the version.")
}

// commonExits describes every exit code steercheck uses.
const commonExits = `0    every run holds (or: the command did what was asked)
1    a violation was found (replay, explain, minimize: the trace's violation reproduced)
2    bad usage or input: a flag, a file, a trace or a configuration
3    no violation, but a budget ran out first: unknown, not a pass
4    replay, explain, minimize: the trace's violation does not reproduce
130  interrupted (SIGINT or SIGTERM); check prints the runs it finished first
`

// commandHelp prints a command's help: usage line, description, flags, exit codes.
func commandHelp(w io.Writer, c command, fs *flagSet) {
	line := "steercheck " + c.name
	if c.args != "" {
		line += " " + c.args
	}
	if fs.hasFlags() {
		line += " [FLAGS]"
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", line, wrap(c.help, 88))
	if fs.hasFlags() {
		fs.printDefaults(w)
	}
	fmt.Fprintln(w, "\nExit codes:")
	fmt.Fprint(w, indent(c.exits, "  "))
}

// fail prints a one-line error, "steercheck CMD: message", and returns the usage
// exit code.
func (e *env) fail(format string, a ...any) int {
	fmt.Fprintf(e.stderr, "steercheck %s: %s\n", e.cmd, oneLine(fmt.Sprintf(format, a...)))
	return ExitUsage
}

// oneLine joins a message's lines.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " "))
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most width characters, keeping blank lines.
func wrap(text string, width int) string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		var line string
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line, "")
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n")
}
