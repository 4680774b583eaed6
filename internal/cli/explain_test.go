package cli

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

// saveCounterexample writes the P1 trace of v2-2012+ge-one under sc into dir.
func saveCounterexample(t *testing.T, dir string) string {
	cfg := steering.DefaultConfig()
	sc, err := steering.Build("v2-2012", steering.MutGeOne, cfg)
	require.NoError(t, err)
	m, err := barriers.New("sc")
	require.NoError(t, err)
	rep := properties.Verify(sc, m, model.Options{}, []string{"P1"})
	require.Equal(t, properties.Violated, rep.Verdict)
	v := rep.Violation
	tr := traces.FromExecution(traces.Header{Variant: "v2-2012", Mutant: steering.MutGeOne, Config: cfg, Model: "sc",
		Property: v.Property.ID, PropertyName: v.Property.Name, Message: v.Message}, rep.Graph)
	path := filepath.Join(dir, "trace.json")
	require.NoError(t, tr.WriteFile(path))
	return path
}

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// explain writes no file unless --out says where: the text goes to stdout, and the
// porcupine page only where --out puts it.
func TestExplainText(t *testing.T) {
	dir := t.TempDir()
	path := saveCounterexample(t, dir)
	code, out, errs := run("explain", path)
	require.Equal(t, ExitViolation, code, errs)
	assert.Contains(t, out, "cpu0 (")
	assert.Contains(t, out, "Legend:")
	assert.Contains(t, out, "P1 as linearizability (porcupine): violated")
	assert.Contains(t, out, "--format html --out")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "explain wrote a file beside the trace")

	txt := filepath.Join(dir, "out.txt")
	code, out2, errs := run("explain", path, "--out", txt)
	require.Equal(t, ExitViolation, code, errs)
	assert.Empty(t, out2)
	b, err := os.ReadFile(txt)
	require.NoError(t, err)
	assert.Equal(t, out, string(b))

	html := filepath.Join(dir, "history.html")
	code, _, errs = run("explain", "--format", "html", "-o", html, path)
	require.Equal(t, ExitViolation, code, errs)
	b, err = os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(b), "steer r")
}

func TestExplainDOT(t *testing.T) {
	path := saveCounterexample(t, t.TempDir())
	code, out, errs := run("explain", path, "--format", "dot")
	require.Equal(t, ExitViolation, code, errs)
	assert.True(t, strings.HasPrefix(out, "digraph execution {"))
	assert.Contains(t, out, `label="rf"`)
	assert.Contains(t, out, `label="v2-2012+ge-one under sc — P1 fifo-per-target"`)
	assert.NotContains(t, out, `label="ctrl"`)
	_, withCtrl, _ := run("explain", path, "--format", "dot", "--ctrl")
	assert.Contains(t, withCtrl, `label="ctrl"`)
}

func TestExplainSVG(t *testing.T) {
	path := saveCounterexample(t, t.TempDir())
	if _, err := exec.LookPath("dot"); err == nil {
		code, out, errs := run("explain", "--format=svg", path)
		require.Equal(t, ExitViolation, code, errs)
		assert.Contains(t, out, "<svg")
	}
	t.Setenv("PATH", t.TempDir())
	code, out, errs := run("explain", "--format=svg", path)
	assert.Equal(t, ExitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, svgMissing+"\n", errs)
	assert.Equal(t, "steercheck: --format svg needs Graphviz's dot on PATH (apt-get install graphviz)", svgMissing)
}

func TestExplainBadUsage(t *testing.T) {
	code, _, errs := run("explain")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errs, "one trace file")
	code, _, _ = run("explain", filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, ExitUsage, code)
}
