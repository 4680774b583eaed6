package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	reproduceLine      = regexp.MustCompile("^Reproduce: `steercheck (.*)`$")
	tableRowLine       = regexp.MustCompile("^\\| `([^`]+)`(?: \\(([^)]+)\\))? \\| (.*) \\|$")
	tableHeader        = regexp.MustCompile(`^\| \| (.*) \|$`)
	verdictCellPattern = regexp.MustCompile(`^(holds|unknown|violated (P\d+)) \((\d+) exec\.`)
)

// The command line under each table of docs/VERDICTS.md reproduces it: for each
// table, its cheapest cell is run with that command (narrowed to the cell's variant,
// mutant and model; later flags win) and gives the same verdict and execution count.
// Each hotplug scenario's command prints the report the document shows.
func TestVerdictsDocCommandsReproduce(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "VERDICTS.md"))
	require.NoError(t, err)
	lines := strings.Split(string(doc), "\n")
	tables, hotplugs := 0, 0
	for i, line := range lines {
		m := reproduceLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		args := shellWords(t, m[1])
		if strings.HasPrefix(lines[i-2], "```") {
			hotplugs++
			checkHotplugBlock(t, lines, i, args)
			continue
		}
		tables++
		checkCheapestCell(t, lines, i, args)
	}
	assert.Equal(t, 5, tables, "tables with a command line")
	assert.Equal(t, len(hotplugScenarios()), hotplugs, "hotplug scenarios with a command line")
}

// checkCheapestCell runs the cheapest cell of the table above line i.
func checkCheapestCell(t *testing.T, lines []string, i int, args []string) {
	t.Helper()
	// The table ends one blank line above the command line.
	var rows []string
	for j := i - 2; j >= 0 && lines[j] != ""; j-- {
		rows = append(rows, lines[j])
	}
	var models []string
	for _, l := range rows {
		if h := tableHeader.FindStringSubmatch(l); h != nil {
			models = strings.Split(h[1], " | ")
		}
	}
	require.NotEmpty(t, models, "no table header above %q", lines[i])
	var best []string
	var want string
	bestExec := int64(-1)
	for _, l := range rows {
		r := tableRowLine.FindStringSubmatch(l)
		if r == nil {
			continue
		}
		for k, c := range strings.Split(r[3], " | ") {
			cm := verdictCellPattern.FindStringSubmatch(c)
			require.NotNil(t, cm, "cell %q", c)
			n, _ := strconv.ParseInt(cm[3], 10, 64)
			if bestExec < 0 || n < bestExec {
				variant, mutant := r[1], ""
				if r[2] != "" {
					variant, mutant = r[2], r[1]
				}
				best, bestExec, want = []string{variant, mutant, models[k]}, n, c
			}
		}
	}
	require.NotNil(t, best, "no table above %q", lines[i])
	report := filepath.Join(t.TempDir(), "r.json")
	run := append(append([]string(nil), args...), "--variant", best[0], "--model", best[2], "--traces", "", "--quiet", "--json", report)
	if best[1] != "" {
		run = append(run, "--mutant", best[1])
	}
	var errs strings.Builder
	code := Main(run, discard{}, &errs)
	require.NotEqual(t, ExitUsage, code, "steercheck %s: %s", strings.Join(run, " "), errs.String())
	var rep CheckReport
	readReport(t, report, &rep)
	require.Len(t, rep.Runs, 1)
	r := rep.Runs[0]
	got := fmt.Sprintf("%s (%d exec.", r.Verdict, r.Executions)
	if r.Verdict == "violated" {
		got = fmt.Sprintf("violated %s (%d exec.", r.Property, r.Executions)
	}
	assert.True(t, strings.HasPrefix(want, got), "steercheck %s gives %q, docs/VERDICTS.md says %q", strings.Join(run, " "), got, want)
}

// checkHotplugBlock runs a hotplug scenario's command and finds the document's report
// (the code block above line i) in its output.
func checkHotplugBlock(t *testing.T, lines []string, i int, args []string) {
	t.Helper()
	var block []string
	for j := i - 3; j >= 0 && !strings.HasPrefix(lines[j], "```"); j-- {
		block = append([]string{lines[j]}, block...)
	}
	run := append(append([]string(nil), args...), "--traces", "", "--quiet")
	var out strings.Builder
	Main(run, &out, &strings.Builder{})
	for _, l := range block {
		assert.Contains(t, out.String(), l, "steercheck %s", strings.Join(run, " "))
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
