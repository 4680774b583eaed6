package litmus

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
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
func ourRow(path string) (herdRow, *Result, error) {
	test, err := ParseFile(path)
	if err != nil {
		return herdRow{}, nil, err
	}
	res, err := Run(test, "lkmm", model.Options{})
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

// matchHerdTSV runs every test the TSV lists (files in dir) under lkmm on all CPUs
// and reports each disagreement with herd7, with the command that reproduces it. A
// -race build (ten times slower) runs every fifth test. It returns how many tests it
// ran.
func matchHerdTSV(t *testing.T, dir, tsv string) int {
	rows := loadHerdTSV(t, tsv)
	require.NotEmpty(t, rows)
	if raceEnabled {
		var sample []herdRow
		for i := 0; i < len(rows); i += 5 {
			sample = append(sample, rows[i])
		}
		rows = sample
	}
	diffs := make([]string, len(rows))
	parallelFor(len(rows), func(i int) {
		got, _, err := ourRow(filepath.Join(dir, rows[i].file))
		if err != nil {
			diffs[i] = "  " + err.Error() + "\n"
			return
		}
		diffs[i] = diffRows(rows[i], got)
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
	t.Logf("%s: %d of %d tests agree with herd7 on verdict, counts, flags and states", dir, len(rows)-bad, len(rows))
	return len(rows)
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
