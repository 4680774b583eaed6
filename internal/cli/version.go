package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

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

// buildID is "sha256:" and the first 16 hex digits of the SHA-256 of the running
// executable, or "" when it cannot be read. Reports record it (CheckReport.Build) so
// that merge can tell two builds apart even when their version lines agree: a build
// without VCS information (GOFLAGS=-buildvcs=false, a tarball, `go run`) or from a
// checkout with uncommitted changes names no commit, or the same one, while the split
// of a sharded run follows the explorer's order, which any change to the code may move.
var buildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
})
