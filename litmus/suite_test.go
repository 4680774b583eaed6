package litmus

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/steercheck/steercheck/model"
)

// The own suite: testdata/*.litmus, the classic shapes with and without what forbids
// them, run under every model by the datadriven file testdata/suite. Regenerate the
// expected outputs with
//
//	go test ./litmus/ -run TestSuite -rewrite
//
// A comment line "# expect: sc=Never tso=Sometimes ..." states the published verdict
// of the next test per model; each run's Observation is checked against it, so a
// golden rewritten over a model bug does not go unnoticed.

var expectRE = regexp.MustCompile(`^#\s*expect:\s*(.*)$`)

// suiteExpectations maps each line of the suite file to the published verdicts (per
// model) stated by the last "# expect:" comment above it.
func suiteExpectations(t *testing.T, path string) map[int]map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]map[string]string{}
	var cur map[string]string
	for i, l := range strings.Split(string(data), "\n") {
		if m := expectRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			cur = map[string]string{}
			for _, kv := range strings.Fields(m[1]) {
				k, v, _ := strings.Cut(kv, "=")
				cur[k] = v
			}
		}
		out[i+1] = cur
	}
	return out
}

func TestSuite(t *testing.T) {
	path := filepath.Join("testdata", "suite")
	expect := suiteExpectations(t, path)
	datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "run" {
			d.Fatalf(t, "unknown command %q", d.Cmd)
		}
		var modelName, file string
		d.ScanArgs(t, "model", &modelName)
		d.ScanArgs(t, "file", &file)
		test, err := ParseFile(filepath.Join("testdata", file))
		if err != nil {
			return "error: " + err.Error()
		}
		res, err := Run(test, modelName, model.Options{})
		if err != nil {
			return "error: " + err.Error()
		}
		out := FormatHerd(res)
		_, lineText, _ := strings.Cut(d.Pos, ":")
		line, _ := strconv.Atoi(lineText)
		if want, ok := expect[line][modelName]; !ok {
			t.Errorf("%s: no \"# expect:\" verdict for model %s", d.Pos, modelName)
		} else if got := res.Observation(); got != want {
			t.Errorf("%s: %s under %s: Observation %s, the published model says %s", d.Pos, file, modelName, got, want)
		}
		return out
	})
}

// suiteModels are the models every test of the suite runs under.
var suiteModels = []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"}

// TestSuiteCoversTestdata checks that testdata/suite runs every testdata/*.litmus
// under every model, and names no file that does not exist.
func TestSuiteCoversTestdata(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "suite"))
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]map[string]bool{}
	directive := regexp.MustCompile(`^run model=(\S+) file=(\S+)$`)
	for _, l := range strings.Split(string(data), "\n") {
		if m := directive.FindStringSubmatch(l); m != nil {
			if runs[m[2]] == nil {
				runs[m[2]] = map[string]bool{}
			}
			runs[m[2]][m[1]] = true
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.litmus"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.litmus: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		for _, m := range suiteModels {
			if !runs[name][m] {
				t.Errorf("testdata/suite does not run %s under %s", name, m)
			}
		}
		delete(runs, name)
	}
	for name := range runs {
		t.Errorf("testdata/suite runs %s, which does not exist", name)
	}
}
