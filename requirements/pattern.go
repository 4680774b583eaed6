package requirements

import (
	"fmt"
	"path/filepath"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/traces"
)

// pattern.go exports the witness of a required annotation as a pair of C litmus
// tests: the witness's events as straight-line code (model.PatternOf) with the
// annotation weakened, and the same path through the code as written, both with an
// exists clause naming the outcome the witness reached. A reader runs herd7 on both:
// the weakened test should say Sometimes under the model that requires the
// annotation, and the written one Never when the annotation alone forbids the
// witness. Our own runner's output under every model is recorded beside each
// (runnerRecord).

// WitnessLitmus is the litmus export of one required annotation's witness.
type WitnessLitmus struct {
	Model   string // the model whose witness was exported
	File    string // the weakened pattern, relative to the report's root
	Written string // the pattern through the code as written
	// Verdicts and WrittenVerdicts are our runner's records beside File and Written.
	Verdicts, WrittenVerdicts string
	// Forbids lists the models under which our runner says the weakened pattern's
	// outcome is reachable and the written one's is not.
	Forbids []string
	// Allowed lists the models under which the written pattern's outcome is reachable
	// too, Unsettled those under which our runner's budget ran out before it could
	// say.
	Allowed, Unsettled []string
	// Lost describes the dependencies the straight-line code cannot carry.
	Lost []string
}

// exportWitness writes the witness pattern of annotation a, required under the
// models whose cells say so, into root/dir with file names starting with id.
func exportWitness(a ablation.Annotation, cells []Cell, models []string, root, dir, id string) (*WitnessLitmus, error) {
	j := -1
	for k := range cells {
		if cells[k].Status == Required && cells[k].Witness != nil {
			j = k
			break
		}
	}
	if j < 0 {
		return nil, nil
	}
	tr, err := traces.ReadFile(filepath.Join(root, cells[j].Witness.Trace))
	if err != nil {
		return nil, err
	}
	weak, err := tr.Pattern(id+"_witness", false)
	if err != nil {
		return nil, err
	}
	written, err := tr.Pattern(id+"_witness_written", true)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", a.Name(), err)
	}
	if fmt.Sprint(weak.Expect) != fmt.Sprint(written.Expect) {
		return nil, fmt.Errorf("%s: the written pattern does not line up with the witness: %v vs %v", a.Name(), written.Expect, weak.Expect)
	}
	head := fmt.Sprintf("The witness of %s under %s (%s), as straight-line code", a.Name(), models[j], cells[j].Witness.Trace)
	weakText, err := litmus.ExportPattern(weak, id+"_witness", head+", with the annotation weakened.")
	if err != nil {
		return nil, err
	}
	writtenText, err := litmus.ExportPattern(written, id+"_witness_written", head+", through the code as written.")
	if err != nil {
		return nil, err
	}
	w := &WitnessLitmus{
		Model:   models[j],
		File:    filepath.ToSlash(filepath.Join(dir, id+"_witness.litmus")),
		Written: filepath.ToSlash(filepath.Join(dir, id+"_witness_written.litmus")),
		Lost:    weak.Lost,
	}
	var weakRuns, writtenRuns map[string]*litmus.Result
	if w.Verdicts, weakRuns, err = writeLitmus(root, w.File, weakText); err != nil {
		return nil, err
	}
	if w.WrittenVerdicts, writtenRuns, err = writeLitmus(root, w.Written, writtenText); err != nil {
		return nil, err
	}
	for _, m := range Models() {
		wr, br := weakRuns[m], writtenRuns[m]
		if m == w.Model && wr.Positive == 0 {
			return nil, fmt.Errorf("%s: the weakened pattern of the %s witness does not reach its outcome under %s (%s)",
				a.Name(), m, m, wr.Observation())
		}
		switch {
		case br.Positive > 0:
			w.Allowed = append(w.Allowed, m)
		case wr.Positive > 0 && br.Observation() == "Never":
			w.Forbids = append(w.Forbids, m)
		case br.Observation() == "Unknown":
			w.Unsettled = append(w.Unsettled, m)
		}
	}
	return w, nil
}
