package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/model"
)

// runLitmus runs C litmus tests and prints herd7-style results: by default one
// "Observation NAME Never|Sometimes|Always POS NEG" line per test, with --show the
// whole herd7 block with the allowed final states. A test that cannot be judged is
// bad input (exit 2, one line on stderr each): ill-formed (a parse error, an unknown
// primitive, an undeclared location) or using a primitive steercheck or the chosen
// model does not support; the other tests still run.
func runLitmus(args []string, stdout, stderr io.Writer) int {
	fset := newFlags("litmus", stderr)
	modelName := fset.String("model", "lkmm", "memory model")
	show := fset.Bool("show", false, "print the allowed final states (herd7's full output)")
	timeout := fset.Duration("timeout", time.Minute, "time budget per test (0: none)")
	if code, ok := parseFlags(fset, args); !ok {
		return code
	}
	if fset.NArg() == 0 {
		return fail(stderr, "litmus needs at least one FILE or DIR")
	}
	if _, err := barriers.New(*modelName); err != nil {
		return fail(stderr, "%v", err)
	}
	files, err := litmusFiles(fset.Args())
	if err != nil {
		return fail(stderr, "%v", err)
	}
	code := ExitHolds
	for _, f := range files {
		t, err := litmus.ParseFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "steercheck: "+strings.ReplaceAll(err.Error(), "\n", " "))
			code = ExitUsage
			continue
		}
		r, err := litmus.Run(t, *modelName, model.Options{Timeout: *timeout})
		if err != nil {
			// A *litmus.ParseError names the file itself; an *UnsupportedError
			// names the test.
			msg := err.Error()
			var ue *litmus.UnsupportedError
			if errors.As(err, &ue) {
				msg = f + ": " + msg
			}
			fmt.Fprintln(stderr, "steercheck: "+strings.ReplaceAll(msg, "\n", " "))
			code = ExitUsage
			continue
		}
		if *show {
			fmt.Fprintln(stdout, litmus.FormatHerd(r))
		} else {
			fmt.Fprintf(stdout, "Observation %s %s %d %d\n", r.Test, r.Observation(), r.Positive, r.Negative)
		}
		if !r.Complete() && code == ExitHolds {
			code = ExitUnknown
		}
	}
	return code
}

// litmusFiles expands directories into their .litmus files, sorted.
func litmusFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".litmus") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .litmus files", a)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
