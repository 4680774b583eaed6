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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/model"
)

// The generated corpus (testdata/generated, see its README) against herd7's full
// results: verdict, positive and negative counts, flags and the set of final states,
// for every one of its 3,500 tests. The whole corpus runs in seconds, so `make test`
// runs all of it; a -race build (ten times slower) runs every fifth test, which still
// goes through every shape of the generator.

// generatedDir holds the corpus, relative to this package.
var generatedDir = filepath.Join("testdata", "generated")

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
	require.NoError(tb, err, "the generated corpus ships in %s", generatedDir)
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

// ourRow runs one test under lkmm and summarizes the result as herd7's TSV does.
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
	for _, s := range res.States {
		row.states = append(row.states, normalState(strings.Fields(strings.ReplaceAll(s.Text, ";", ""))))
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

func TestGeneratedCorpusMatchesHerd7(t *testing.T) {
	for _, part := range []string{"cycles", "random"} {
		t.Run(part, func(t *testing.T) {
			rows := loadHerdTSV(t, filepath.Join(generatedDir, part+".tsv"))
			require.NotEmpty(t, rows)
			if raceEnabled {
				var sample []herdRow
				for i := 0; i < len(rows); i += 5 {
					sample = append(sample, rows[i])
				}
				rows = sample
			}
			diffs := make([]string, len(rows))
			var wg sync.WaitGroup
			next := make(chan int)
			for w := 0; w < runtime.GOMAXPROCS(0); w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						path := filepath.Join(generatedDir, part, rows[i].file)
						got, _, err := ourRow(path)
						if err != nil {
							diffs[i] = "  " + err.Error() + "\n"
							continue
						}
						diffs[i] = diffRows(rows[i], got)
					}
				}()
			}
			for i := range rows {
				next <- i
			}
			close(next)
			wg.Wait()
			bad := 0
			for i, d := range diffs {
				if d == "" {
					continue
				}
				bad++
				path := filepath.Join("litmus", generatedDir, part, rows[i].file)
				t.Errorf("%s disagrees with herd7; reproduce: go run ./cmd/steercheck litmus -show --model lkmm %s\n%s", rows[i].file, path, d)
			}
			t.Logf("%s: %d of %d tests agree with herd7 on verdict, counts, flags and states", part, len(rows)-bad, len(rows))
		})
	}
}

// The comparison finds what it is there to find: a result with a state, a flag or a
// count changed is reported, naming the difference.
func TestGeneratedCorpusDiffFindsDifferences(t *testing.T) {
	rows := loadHerdTSV(t, filepath.Join(generatedDir, "cycles.tsv"))
	want := rows[1] // C00001: Sometimes 1 3, data-race, four states
	require.Equal(t, "data-race", want.flags)
	got, _, err := ourRow(filepath.Join(generatedDir, "cycles", want.file))
	require.NoError(t, err)
	require.Empty(t, diffRows(want, got))
	noFlag := got
	noFlag.flags = ""
	assert.Contains(t, diffRows(want, noFlag), `flags: herd7 "data-race", steercheck ""`)
	lost := got
	lost.states = got.states[1:]
	assert.Contains(t, diffRows(want, lost), "state only herd7 allows: "+got.states[0])
	counted := got
	counted.neg++
	assert.Contains(t, diffRows(want, counted), "observation: herd7 Sometimes 1 3, steercheck Sometimes 1 4")
}
