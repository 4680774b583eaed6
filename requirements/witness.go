package requirements

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/steercheck/steercheck/traces"
)

// Witness is a saved, minimized violating execution.
type Witness struct {
	Trace     string // path of the JSON trace, relative to the report's directory
	Rendering string // path of its CPU-column rendering
	Replays   bool   // the saved trace replays and violates its property again
}

// minimizeBudget bounds the shrinking of one witness.
var minimizeBudget = traces.Budget{MaxSteps: 2_000_000, MaxCandidates: 30}

// slug turns a site or model name into a file name part.
func slug(s string) string {
	r := strings.NewReplacer(":", "-", "(", "-", ")", "", " ", "-", "/", "-", "+", "-", "*", "", ">", "", ".", "_")
	return strings.Trim(r.Replace(s), "-")
}

// saveWitness minimizes tr, writes it and its rendering under root/rel, and replays
// the saved file.
func saveWitness(root, rel string, tr *traces.Trace) (*Witness, error) {
	final := tr
	if min, _, err := traces.Minimize(tr, minimizeBudget); err == nil {
		final = min
	}
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := final.WriteFile(path); err != nil {
		return nil, err
	}
	w := &Witness{Trace: rel}
	back, err := traces.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := back.Replay()
	if err != nil {
		return nil, fmt.Errorf("witness %s does not replay: %v", rel, err)
	}
	w.Replays = r.Reproduced
	txt := strings.TrimSuffix(rel, ".json") + ".txt"
	head := fmt.Sprintf("%s %s under %s, with: %s\n%s\n\n", final.Property, final.Name, final.Model,
		strings.Join(final.Edits, "; "), final.Message)
	if err := os.WriteFile(filepath.Join(root, txt), []byte(head+traces.Render(r.Graph, r.Highlight(final.Property))), 0o644); err != nil {
		return nil, err
	}
	w.Rendering = txt
	return w, nil
}
