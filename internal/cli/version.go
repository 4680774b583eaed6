package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/steercheck/steercheck/traces"
)

var versionCommand = command{
	name:    "version",
	summary: "print steercheck's version (also: steercheck --version)",
	help:    "Prints steercheck's version, the trace format version it reads and writes, the Go version it was built with and, when built from a git checkout, the commit.",
	exits: `0    printed
2    bad usage
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		return func(pos []string) int {
			if len(pos) > 0 {
				return e.fail("version takes no arguments (got %q)", pos[0])
			}
			fmt.Fprintln(e.stdout, versionLine())
			return ExitHolds
		}
	},
}

// versionLine is "steercheck 0.1.0 (trace format 1, go1.26, commit abc123)".
func versionLine() string {
	extra := fmt.Sprintf("trace format %d, %s", traces.Version, runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+changes"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			extra += ", commit " + rev + dirty
		}
	}
	return "steercheck " + traces.ToolVersion + " (" + extra + ")"
}
