package traces_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
	"github.com/steercheck/steercheck/traces"
)

// renderDOT runs Graphviz's dot on a graph and returns its error output.
func renderDOT(t *testing.T, dotPath, graph string) (string, error) {
	t.Helper()
	cmd := exec.Command(dotPath, "-Tsvg")
	cmd.Stdin = strings.NewReader(graph)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err == nil && !strings.Contains(out.String(), "<svg") {
		err = os.ErrInvalid
	}
	return errb.String(), err
}

// Graphviz renders every saved trace (the witnesses under docs/barriers, the only
// traces under docs/: docs/runs holds run reports; with -short, without the ctrl edges)
// and the violating executions of the seeded bugs as found (-short: v2-2012's): large,
// unminimized graphs, the ones that made Debian's dot 2.43 fail with "trouble in
// init_rank" when threads were clusters.
func TestGraphvizRendersEveryTrace(t *testing.T) {
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not on PATH (apt-get install graphviz): the DOT output is not rendered")
	}
	var files []string
	require.NoError(t, filepath.WalkDir(filepath.Join("..", "docs", "barriers"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	}))
	if len(files) == 0 {
		t.Skip("no saved traces under docs/barriers (run make barriers)")
	}
	for _, f := range files {
		tr, err := traces.ReadFile(f)
		require.NoError(t, err)
		r, err := tr.Replay()
		require.NoError(t, err, f)
		ctrls := []bool{false}
		if !testing.Short() {
			ctrls = append(ctrls, true)
		}
		for _, ctrl := range ctrls {
			graph := traces.DOTWith(r.Graph, r.Highlight(tr.Property), traces.DOTOptions{Title: f, Ctrl: ctrl})
			msg, err := renderDOT(t, dotPath, graph)
			assert.NoError(t, err, "go run ./cmd/steercheck explain %s --format svg (ctrl %v): %s", f, ctrl, firstLineOf(msg))
		}
	}
	m, err := barriers.New("sc")
	require.NoError(t, err)
	for _, mu := range steering.Mutants() {
		if testing.Short() && mu.Variant != "v2-2012" {
			continue // the v2-2012 mutants' graphs are the largest and the quickest to find
		}
		sc, err := steering.Build(mu.Variant, mu.Name, steering.DefaultConfig())
		require.NoError(t, err)
		rep := properties.Verify(sc, m, model.Options{MaxSteps: 3_000_000}, nil)
		if rep.Verdict != properties.Violated {
			continue
		}
		graph := traces.DOTWith(rep.Graph, rep.Violation.Events, traces.DOTOptions{Title: mu.Name})
		msg, err := renderDOT(t, dotPath, graph)
		assert.NoError(t, err, "go run ./cmd/steercheck check --mutant %s --model sc --no-minimize, then explain --format svg: %s",
			mu.Name, firstLineOf(msg))
	}
	t.Logf("%d saved traces rendered", len(files))
}

func firstLineOf(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
