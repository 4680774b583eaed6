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
}

// exportPatterns writes docs/litmus/<variant>/ for every annotation some model
// requires. Hotplug variants have no critical section in the litmus format.
func exportPatterns(an *Analysis, root string) ([]Pattern, error) {
	t := an.Table
	s := t.Subject
	if s.steer == nil {
		return nil, nil
	}
	dir := filepath.Join("litmus", slug(s.Variant))
	name := func(suffix string) string {
		return strings.NewReplacer(".", "_", "-", "_").Replace(s.Variant) + "_" + suffix
	}
	base := s.steer.CriticalSections(s.Program(), name("written"))
	baseText, baseErr := litmus.Export(base, name("written"), "")
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
		p, err := ablation.Apply(s.Program(), []ablation.Edit{{Op: ablation.Weaken, Site: a.Site}})
		if err != nil {
			return nil, err
		}
		id := name(strings.ReplaceAll(slug(a.Name()), "-", "_"))
		weak := s.steer.CriticalSections(p, id)
		if weak.String() == strings.Replace(base.String(), name("written"), id, 1) {
			pt.Note = "outside the submitting CPUs' critical sections: its witness runs through the device and interrupt code (spin-waits, computed addresses), which the litmus format cannot express"
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
	if baseErr == nil && len(out) > 0 {
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
	return litmus.Run(t, modelName, model.Options{MaxSteps: 5_000_000})
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
