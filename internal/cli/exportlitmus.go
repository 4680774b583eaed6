package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// criticalSectionEnd is where a CPU thread's steering critical section ends: at its
// first "steer" marker, or, when a lock is still held there (the queue was read under
// tgt_lock), just after the unlock that releases it.
func criticalSectionEnd(code []model.Instr) int {
	held := 0
	for pc, in := range code {
		switch in.Op {
		case model.OpLock:
			held++
		case model.OpUnlock:
			held--
		case model.OpMark:
			if in.Marker != steering.MarkSteer {
				continue
			}
			if held == 0 {
				return pc
			}
			for q := pc + 1; q < len(code); q++ {
				if code[q].Op == model.OpUnlock {
					held--
					if held == 0 {
						return q + 1
					}
				}
			}
			return pc
		}
	}
	return -1
}

// runExportLitmus writes a scenario's steering critical section as a C litmus test
// herd7 accepts: the CPU threads only, each up to the point where its first request's
// queue is chosen (the "steer" marker), without the device and interrupt handlers.
func runExportLitmus(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export-litmus", stderr)
	variant := fs.String("variant", "v2-2012", "variant")
	mutant := fs.String("mutant", "", "mutant to apply")
	out := fs.String("o", "", "write the test to this file instead of standard output")
	config := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "export-litmus takes no arguments (got %q)", fs.Arg(0))
	}
	cfg, err := config()
	if err != nil {
		return fail(stderr, "%v", err)
	}
	sc, err := steering.Build(*variant, *mutant, cfg)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	var threads, cuts []int
	for t, info := range sc.Threads {
		if info.Role != steering.RoleCPU {
			continue
		}
		threads, cuts = append(threads, t), append(cuts, criticalSectionEnd(sc.Program.Threads[t].Code))
	}
	name := strings.NewReplacer(".", "_", "-", "_", "+", "_").Replace(sc.Program.Name) + "_steering"
	text, err := litmus.Export(sc.Program.Slice(name, threads, cuts), name, "")
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return fail(stderr, "%s's critical section does not fit the litmus format: %s", sc.Program.Name, first)
	}
	if *out == "" {
		fmt.Fprint(stdout, text)
		return ExitHolds
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		return fail(stderr, "%v", err)
	}
	return ExitHolds
}
