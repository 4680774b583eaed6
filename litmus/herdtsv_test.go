package litmus

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// herdtsv_test.go compares folders of litmus tests against herd7's full results,
// written as a TSV by `herd7-tsv DIR` (columns: file, verdict, positive, negative,
// flags, states; see testdata/generated/README.md): verdict, both counts, the flags
// and the set of final states, for every test. The generated corpora and the SRCU
// tests use it.

// herdRow is one line of a corpus TSV: what herd7 printed for one test.
type herdRow struct {
	file     string
	verdict  string
	pos, neg int64
	flags    string   // comma-separated, sorted
	states   []string // each state's atoms sorted and joined by spaces; sorted
}

// loadHerdTSV reads a corpus TSV (file, verdict, positive, negative, flags, states).
func loadHerdTSV(tb testing.TB, path string) []herdRow {
	tb.Helper()
	f, err := os.Open(path)
	require.NoError(tb, err, "herd7's results ship in %s", path)
	defer f.Close()
	var out []herdRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		require.Len(tb, cols, 6, "%s:%d", path, line)
		pos, err1 := strconv.ParseInt(cols[2], 10, 64)
		neg, err2 := strconv.ParseInt(cols[3], 10, 64)
		require.NoError(tb, err1, "%s:%d", path, line)
		require.NoError(tb, err2, "%s:%d", path, line)
		row := herdRow{file: cols[0], verdict: cols[1], pos: pos, neg: neg, flags: cols[4]}
		if cols[5] != "" {
			for _, s := range strings.Split(cols[5], " | ") {
				row.states = append(row.states, normalState(strings.Fields(s)))
			}
		}
		sort.Strings(row.states)
		out = append(out, row)
	}
	require.NoError(tb, sc.Err())
	return out
}

// normalState sorts a state's atoms, with shared locations unbracketed ("[x]=1" and
// "x=1" are the same atom).
func normalState(atoms []string) string {
	out := make([]string, len(atoms))
	for i, a := range atoms {
		if strings.HasPrefix(a, "[") {
			if j := strings.Index(a, "]"); j > 0 {
				a = a[1:j] + a[j+1:]
			}
		}
		out[i] = a
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// ourRow runs one test under lkmm and summarizes the result as herd7's TSV does. A
// test that displays no location (no final condition, no locations list) has one
// empty state when it has an execution and none otherwise; the TSV writes both as an
// empty column, so its states are left out (the counts tell the two apart).
func ourRow(path string) (herdRow, *Result, error) { return ourRowWith(path, model.Options{}) }

// ourRowWith is ourRow exploring with opts.
func ourRowWith(path string, opts model.Options) (herdRow, *Result, error) {
	test, err := ParseFile(path)
	if err != nil {
		return herdRow{}, nil, err
	}
	res, err := Run(test, "lkmm", opts)
	if err != nil {
		return herdRow{}, nil, err
	}
	row := herdRow{file: filepath.Base(path), verdict: res.Observation(), pos: res.Positive, neg: res.Negative,
		flags: strings.Join(res.Flags, ",")}
	if len(res.Observed) > 0 {
		for _, s := range res.States {
			row.states = append(row.states, normalState(strings.Fields(strings.ReplaceAll(s.Text, ";", ""))))
		}
	}
	sort.Strings(row.states)
	return row, res, nil
}

// diffRows says how got differs from want, "" when they agree.
func diffRows(want, got herdRow) string {
	var b strings.Builder
	if want.verdict != got.verdict || want.pos != got.pos || want.neg != got.neg {
		fmt.Fprintf(&b, "  observation: herd7 %s %d %d, steercheck %s %d %d\n", want.verdict, want.pos, want.neg, got.verdict, got.pos, got.neg)
	}
	if want.flags != got.flags {
		fmt.Fprintf(&b, "  flags: herd7 %q, steercheck %q\n", want.flags, got.flags)
	}
	in := func(s string, set []string) bool {
		i := sort.SearchStrings(set, s)
		return i < len(set) && set[i] == s
	}
	for _, s := range want.states {
		if !in(s, got.states) {
			fmt.Fprintf(&b, "  state only herd7 allows: %s\n", s)
		}
	}
	for _, s := range got.states {
		if !in(s, want.states) {
			fmt.Fprintf(&b, "  state only steercheck allows: %s\n", s)
		}
	}
	return b.String()
}

// matchHerdTSV runs every every-th test the TSV lists (files in dir) under lkmm on
// all CPUs and reports each disagreement with herd7, with the command that reproduces
// it. A -race build (ten times slower) runs a fifth of those when there are more than
// a hundred. It returns how many rows the TSV has.
func matchHerdTSV(t *testing.T, dir, tsv string, every int) int {
	return matchHerdTSVWith(t, dir, tsv, every, model.Options{})
}

// matchHerdTSVWith is matchHerdTSV exploring with opts.
func matchHerdTSVWith(t *testing.T, dir, tsv string, every int, opts model.Options) int {
	rows := loadHerdTSV(t, tsv)
	require.NotEmpty(t, rows)
	total := len(rows)
	if raceEnabled && total/every > 100 {
		every *= 5
	}
	var sample []herdRow
	for i := 0; i < len(rows); i += every {
		sample = append(sample, rows[i])
	}
	rows = sample
	diffs := make([]string, len(rows))
	var symbolic, bounded atomic.Int64
	parallelFor(len(rows), func(i int) {
		path := filepath.Join(dir, rows[i].file)
		if _, slow := hmcBound[filepath.ToSlash(path)]; slow && opts.HMC && testing.Short() {
			bounded.Add(1) // not run: it ends at the bound (the full run checks that it does)
			return
		}
		got, _, err := ourRowWith(path, opts)
		if err != nil {
			diffs[i] = "  " + err.Error() + "\n"
			return
		}
		if _, slow := hmcBound[filepath.ToSlash(path)]; slow && opts.HMC {
			if got.verdict != "Unknown" {
				diffs[i] = "  decided within the bound under HMC: remove it from hmcBound\n"
			}
			bounded.Add(1)
			return
		}
		want := rows[i]
		if sym, ok := herdSymbolic[filepath.ToSlash(path)]; ok {
			if want, err = withoutSymbolic(want, sym); err != nil {
				diffs[i] = "  " + err.Error() + "\n"
				return
			}
			symbolic.Add(1)
		}
		diffs[i] = diffRows(want, got)
	})
	bad := 0
	for i, d := range diffs {
		if d == "" {
			continue
		}
		bad++
		path := filepath.Join("litmus", dir, rows[i].file)
		t.Errorf("%s disagrees with herd7; reproduce: go run ./cmd/steercheck litmus -show --model lkmm %s\n%s", rows[i].file, path, d)
	}
	note := ""
	if n := symbolic.Load(); n > 0 {
		note = fmt.Sprintf(" (%d of them once herd7's executions with symbolic values are left out: herdSymbolic)", n)
	}
	n := int(bounded.Load())
	if n > 0 {
		note += fmt.Sprintf("; %d end at the step bound under HMC, as hmcBound says", n)
	}
	t.Logf("%s: %d of %d tests agree with herd7 on verdict, counts, flags and states%s", dir, len(rows)-bad-n, len(rows), note)
	return total
}

// herdSymbolic lists the tests in which herd7 keeps executions whose values it
// cannot determine, with how many it counts on each side. herd7 solves the equations
// that reads-from edges and data dependencies set up; when a value depends on itself
// only through copies (a plain read stored unchanged, in a load-buffering cycle), the
// equations reduce to v = v and herd7 keeps the execution with a symbolic value, which
// its states print as S8, S10, …. steercheck has no symbolic values and allows no
// execution whose values depend on themselves (barriers' value-cycle rule), as herd7
// does when the cycle computes something. See testdata/generated2/README.md.
var herdSymbolic = map[string]symbolicExecs{
	"testdata/generated2/random/R00242.litmus": {neg: 36},
}

// symbolicExecs counts herd7's executions with a symbolic value in a test: pos
// satisfy the condition's proposition, neg do not.
type symbolicExecs struct{ pos, neg int64 }

// symbolicValue matches an atom whose value herd7 left symbolic: "z=S10".
var symbolicValue = regexp.MustCompile(`=S[0-9]+$`)

// withoutSymbolic is herd7's row without its executions of symbolic values: the
// states that show one dropped, the counts reduced by sym, the verdict recomputed as
// herd7 computes it. A row without such a state is an error: the entry is stale.
func withoutSymbolic(row herdRow, sym symbolicExecs) (herdRow, error) {
	out := row
	out.states = nil
	for _, st := range row.states {
		symbolic := false
		for _, atom := range strings.Fields(st) {
			symbolic = symbolic || symbolicValue.MatchString(atom)
		}
		if !symbolic {
			out.states = append(out.states, st)
		}
	}
	if len(out.states) == len(row.states) {
		return row, fmt.Errorf("herd7 shows no symbolic value for %s: remove it from herdSymbolic", row.file)
	}
	out.pos, out.neg = row.pos-sym.pos, row.neg-sym.neg
	switch {
	case out.pos == 0:
		out.verdict = "Never"
	case out.neg == 0:
		out.verdict = "Always"
	default:
		out.verdict = "Sometimes"
	}
	return out, nil
}

// parallelFor calls f(0) … f(n-1) on all CPUs and returns when every call has.
func parallelFor(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
