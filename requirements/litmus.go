package requirements

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/model"
)

// Pattern is the litmus export of one required annotation: the submitting CPUs'
// critical sections with the annotation weakened, beside the same sections as
// written, each run by our litmus runner under the models that require it.
type Pattern struct {
	Annotation string
	File       string // path of the .litmus test, relative to the report's root; "" when not exported
	Verdicts   string // path of our runner's verdicts beside it
	// Differs lists, per model, how many final states the weakened sections allow that
	// the written ones do not.
	Differs []string
	Note    string // why it was not exported, or what the comparison shows
	// Witness is the export of the annotation's witness as straight-line code
	// (pattern.go), for every required annotation with a witness.
	Witness *WitnessLitmus
}

// exportPatterns writes docs/litmus/<variant>/ for every annotation some model
// requires: its witness as straight-line code (pattern.go) and, for steering
// variants, the submitting CPUs' critical sections with it weakened. Hotplug
// variants have no critical section in the litmus format.
func exportPatterns(an *Analysis, root string) ([]Pattern, error) {
	t := an.Table
	s := t.Subject
	dir := filepath.Join("litmus", slug(s.Variant))
	name := func(suffix string) string {
		return strings.NewReplacer(".", "_", "-", "_").Replace(s.Variant) + "_" + suffix
	}
	var base *model.Program
	var baseText string
	var baseErr error
	if s.steer != nil {
		base = s.steer.CriticalSections(s.Program(), name("written"))
		baseText, baseErr = litmus.Export(base, name("written"), "")
	}
	var out []Pattern
	for i, a := range t.Annotations {
		var models []string
		for j, m := range t.Models {
			if t.Cells[i][j].Status == Required {
				models = append(models, m)
			}
		}
		if len(models) == 0 {
			continue
		}
		pt := Pattern{Annotation: a.Name()}
		id := name(strings.ReplaceAll(slug(a.Name()), "-", "_"))
		w, err := exportWitness(a, t.Cells[i], t.Models, root, dir, id)
		if err != nil {
			return nil, err
		}
		pt.Witness = w
		if s.steer == nil {
			pt.Note = "a hotplug variant has no steering critical section"
			out = append(out, pt)
			continue
		}
		p, err := ablation.Apply(s.Program(), []ablation.Edit{{Op: ablation.Weaken, Site: a.Site}})
		if err != nil {
			return nil, err
		}
		weak := s.steer.CriticalSections(p, id)
		if weak.String() == strings.Replace(base.String(), name("written"), id, 1) {
			pt.Note = "outside the submitting CPUs' critical sections"
			out = append(out, pt)
			continue
		}
		text, err := litmus.Export(weak, id, "")
		if err != nil || baseErr != nil {
			if err == nil {
				err = baseErr
			}
			first, _, _ := strings.Cut(err.Error(), "\n")
			pt.Note = "does not fit the litmus format: " + first
			out = append(out, pt)
			continue
		}
		pt.File = filepath.ToSlash(filepath.Join(dir, id+".litmus"))
		pt.Verdicts = pt.File + ".steercheck"
		var verdicts strings.Builder
		fmt.Fprintf(&verdicts, "# steercheck's own runs of %s (weakened: %s) and of the critical sections as written.\n", filepath.Base(pt.File), a.Name())
		for _, m := range models {
			wr, err := runText(id, text, m)
			if err != nil {
				return nil, err
			}
			br, err := runText(name("written"), baseText, m)
			if err != nil {
				return nil, err
			}
			extra := newStates(wr, br)
			pt.Differs = append(pt.Differs, fmt.Sprintf("%s: %d state(s) the written code does not allow", m, len(extra)))
			fmt.Fprintf(&verdicts, "\n## %s\n%s%s", m, litmus.FormatHerd(wr), "")
			if len(extra) > 0 {
				fmt.Fprintf(&verdicts, "States only the weakened sections allow:\n%s\n", strings.Join(extra, "\n"))
			} else {
				verdicts.WriteString("The weakened sections allow no state the written ones do not: the witness needs the rest of the scenario.\n")
			}
		}
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(root, pt.File), []byte(text), 0o644); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(root, pt.Verdicts), []byte(verdicts.String()), 0o644); err != nil {
			return nil, err
		}
		out = append(out, pt)
	}
	if base != nil && baseErr == nil && len(out) > 0 {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(root, dir, name("written")+".litmus"), []byte(baseText), 0o644); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// runText parses and runs an exported test under one model.
func runText(name, text, modelName string) (*litmus.Result, error) {
	t, err := litmus.Parse(name+".litmus", []byte(text))
	if err != nil {
		return nil, err
	}
	return litmus.Run(t, modelName, model.Options{MaxSteps: litmusSteps})
}

// newStates lists the final states of a (as printed) that b does not have.
func newStates(a, b *litmus.Result) []string {
	have := map[string]bool{}
	for _, l := range strings.Split(b.StatesBlock(), "\n") {
		have[l] = true
	}
	var out []string
	for _, l := range strings.Split(a.StatesBlock(), "\n") {
		if l != "" && !have[l] && !strings.HasPrefix(l, "States") {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// litmusSteps bounds each run of an exported test (deterministic: about a second on
// the largest witness pattern, whose written form needs the cyclic phase in full).
const litmusSteps = 200_000_000
