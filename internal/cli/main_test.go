package cli

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets a test run steercheck as a subprocess (the test binary re-executed
// with STEERCHECK_CLI_ARGS set): signals then reach Run as they would the real
// binary.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("STEERCHECK_CLI_ARGS"); ok {
		progressEvery = 100 * time.Millisecond
		os.Args = append([]string{"steercheck"}, strings.Split(args, "\x1f")...)
		os.Exit(Run())
	}
	os.Exit(m.Run())
}

// Every command's help, on stdout with exit 0 however it is asked for, names the
// command with its positional arguments, describes every flag, and lists the exit
// codes.
func TestHelpOfEveryCommand(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := run("help", c.name)
			require.Equal(t, ExitHolds, code, errs)
			assert.Empty(t, errs)
			usage := "Usage: steercheck " + c.name
			if c.args != "" {
				usage += " " + c.args
			}
			assert.True(t, strings.HasPrefix(out, usage), "steercheck help %s: %q", c.name, firstLine(out))
			assert.Contains(t, out, "\nExit codes:\n")
			for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}} {
				code2, out2, errs2 := run(args...)
				assert.Equal(t, ExitHolds, code2, "steercheck %v", args)
				assert.Empty(t, errs2, "steercheck %v", args)
				assert.Equal(t, out, out2, "steercheck %v prints the same help as steercheck help %s", args, c.name)
			}
			fs := newFlagSet(c.name)
			c.setup(fs, &env{cmd: c.name})
			fs.VisitAll(func(f *flag.Flag) {
				if fs.isAlias(f.Name) {
					assert.Contains(t, out, "-"+f.Name+", --", "alias -%s shown with its flag", f.Name)
					return
				}
				assert.Contains(t, out, "--"+f.Name, "flag --%s in 'steercheck help %s'", f.Name, c.name)
				name, _ := flag.UnquoteUsage(f)
				if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
					assert.NotEqual(t, "value", name, "--%s needs a `NAME` for its value in its usage", f.Name)
				}
			})
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func TestTopLevelUsage(t *testing.T) {
	code, out, errs := run()
	assert.Equal(t, ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "Usage: steercheck COMMAND")

	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, out, errs = run(args...)
		assert.Equal(t, ExitHolds, code, "steercheck %v", args)
		assert.Empty(t, errs)
		assert.Contains(t, out, "Usage: steercheck COMMAND")
		assert.Contains(t, out, "130  interrupted")
		for _, c := range commands() {
			assert.Contains(t, out, "  "+c.name+" ", "steercheck %v lists %s", args, c.name)
		}
	}

	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errs = run(args...)
		assert.Equal(t, ExitHolds, code, "steercheck %v", args)
		assert.Empty(t, errs)
		assert.Regexp(t, `^steercheck \d+\.\d+\.\d+ \(trace format \d+, go`, out)
	}
}

// Bad usage gets one line on stderr, pointing at the help, and exit 2.
func TestBadUsageIsOneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--cpus", "0"}, `--cpus "0": must be between 1 and 16`},
		{[]string{"check", "--targets", "0"}, `--targets "0": must be between 1 and 16`},
		{[]string{"check", "--queues", "0"}, `--queues "0": must be between 1 and 16`},
		{[]string{"check", "--queues", "100000"}, `--queues "100000": must be between 1 and 16`},
		{[]string{"check", "--cpus", "1000000"}, `--cpus "1000000": must be between 1 and 16`},
		{[]string{"check", "--ring-size", "-1"}, `--ring-size "-1": must be between 0 and 64`},
		{[]string{"check", "--requests="}, `--requests "": must not be empty`},
		{[]string{"check", "--requests", "9:0"}, "cpu 9 out of range"},
		{[]string{"check", "--timeout", "-5s"}, `--timeout "-5s": must not be negative`},
		{[]string{"check", "--timeout", "soon"}, `--timeout "soon": not a duration`},
		{[]string{"check", "--max-executions", "-1"}, `--max-executions "-1": must not be negative`},
		{[]string{"check", "--max-steps", "-1"}, `--max-steps "-1": must not be negative`},
		{[]string{"check", "--jobs", "0"}, `--jobs "0": must be between 1`},
		{[]string{"check", "--foo"}, "unknown flag --foo (run 'steercheck check --help')"},
		{[]string{"check", "--cpus"}, "--cpus needs a value"},
		{[]string{"check", "--cpus", "three"}, `--cpus "three": not an integer`},
		{[]string{"check", "extra"}, "check takes no arguments"},
		{[]string{"check", "--model", "sc,power"}, `unknown memory model "power"`},
		{[]string{"check", "--variant", "v9"}, `unknown variant "v9"`},
		{[]string{"check", "--mutant", "nosuch"}, `unknown mutant "nosuch"`},
		{[]string{"check", "--mutant", "nonidempotent-handler"}, "applies to several hotplug variants"},
		{[]string{"check", "--property", "P99"}, `unknown property "P99"`},
		{[]string{"check", "--expect", "--cpus", "2"}, "--expect holds for the default configuration"},
		{[]string{"check", "--expect", "--variant", "drain-5.8"}, "--expect covers the steering variants"},
		{[]string{"litmus", "--max-steps", "-3", "x.litmus"}, `--max-steps "-3": must not be negative`},
		{[]string{"litmus"}, "litmus needs at least one FILE or DIR"},
		{[]string{"minimize", "--timeout", "-1s", "x.json"}, `--timeout "-1s": must not be negative`},
		{[]string{"barriers", "--max-steps", "-1"}, `--max-steps "-1": must not be negative`},
		{[]string{"barriers", "--variant", "v9"}, `unknown variant "v9"`},
		{[]string{"explain", "--format", "png", "x.json"}, "--format must be text, dot, svg or html"},
		{[]string{"explain", "--format", "html", "x.json"}, "--format html writes a page: give its path with --out FILE"},
		{[]string{"replay", "a.json", "b.json"}, "replay takes one trace file"},
		{[]string{"help", "nosuch"}, `unknown command "nosuch"`},
		{[]string{"nosuch"}, `unknown command "nosuch"`},
	} {
		code, out, errs := run(c.args...)
		assert.Equal(t, ExitUsage, code, "steercheck %s", strings.Join(c.args, " "))
		assert.Empty(t, out, "steercheck %s", strings.Join(c.args, " "))
		assert.Equal(t, 1, strings.Count(errs, "\n"), "steercheck %s: one line, got %q", strings.Join(c.args, " "), errs)
		assert.Contains(t, errs, c.want, "steercheck %s", strings.Join(c.args, " "))
		assert.True(t, strings.HasPrefix(errs, "steercheck"), "steercheck %s: %q", strings.Join(c.args, " "), errs)
	}
}

// Flags may follow the positional arguments, and "--" ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	fs := newFlagSet("x")
	n := fs.intRange("n", 1, 0, 9, "`N`")
	pos, code, ok := fs.parse([]string{"a", "--n", "3", "b", "--", "--n", "c"}, nil, nil, command{})
	require.True(t, ok, "code %d", code)
	assert.Equal(t, 3, *n)
	assert.Equal(t, []string{"a", "b", "--n", "c"}, pos)
}
