// Command litmusgen writes generated C litmus tests (package litmus/gen) for
// differential testing against herd7:
//
//	go run ./cmd/litmusgen -seed 2 -random 400 -cycles 400 -srcu 200 -out DIR
//
// writes DIR/random/R00000.litmus …, DIR/cycles/C00000.litmus … and
// DIR/srcu/S00000.litmus …; the same flags write the same files on every machine.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/steercheck/steercheck/litmus/gen"
)

func main() {
	fs := flag.NewFlagSet("litmusgen", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "folder to write the tests into (required)")
	counts := map[gen.Family]*int{}
	for _, f := range gen.Families {
		counts[f] = fs.Int(string(f), 0, fmt.Sprintf("number of %s tests", f))
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "litmusgen: usage: litmusgen -out DIR [-seed N] [-random N] [-cycles N] [-srcu N]")
		os.Exit(2)
	}
	n := map[gen.Family]int{}
	for f, c := range counts {
		n[f] = *c
	}
	paths, err := gen.Write(*out, *seed, n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "litmusgen: "+err.Error())
		os.Exit(2)
	}
	fmt.Printf("%d tests written to %s\n", len(paths), *out)
}
