package requirements

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/litmus"
	"github.com/steercheck/steercheck/model"
)

// litmus.go exports, for steering variants, the submitting CPUs' critical sections
// (steering.CriticalSections) around a required annotation as a pair of C litmus tests:
// the sections with the annotation weakened (VARIANT_ANNOTATION_sections.litmus) and as
// written (..._sections_written.litmus). Both share one exists clause: the final states
// (every register and location the two have in common) that our runner finds the
// weakened sections reach and the written ones do not, under the model named in the
// header (lkmm when it has any, herd7's model). herd7 should say Sometimes on the
// first and Never on the second. Every exported .litmus file has a .steercheck beside
// it: what our runner printed for it under every model (runnerRecord).

// Pattern is the litmus export of one required annotation: its witness as
// straight-line code (pattern.go) and the critical sections around it.
type Pattern struct {
	Annotation string
	// File and Written are the critical sections with the annotation weakened and as
	// written, relative to the report's root; "" when not exported (Note says why).
	File, Written string
	// Verdicts and WrittenVerdicts are our runner's records beside them.
	Verdicts, WrittenVerdicts string
	// Model is the model whose states make the exists clause.
	Model string
	// Differs lists, per model that requires the annotation, how many final states the
	// weakened sections reach that the written ones do not.
	Differs []string
	Note    string // why the sections were not exported
	// Witness is the export of the annotation's witness as straight-line code
	// (pattern.go), for every required annotation with a witness.
	Witness *WitnessLitmus
}

// exportPatterns writes docs/litmus/<variant>/ for every annotation some model
// requires: its witness as straight-line code (pattern.go) and, for steering
// variants, the submitting CPUs' critical sections around it. Hotplug variants have
// no critical section in the litmus format.
func exportPatterns(an *Analysis, root string) ([]Pattern, error) {
	t := an.Table
	s := t.Subject
	dir := filepath.Join("litmus", slug(s.Variant))
	prefix := strings.NewReplacer(".", "_", "-", "_").Replace(s.Variant) + "_"
	var base *model.Program
	if s.steer != nil {
		base = s.steer.CriticalSections(s.Program(), "written")
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
		id := prefix + strings.ReplaceAll(slug(a.Name()), "-", "_")
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
		weak := s.steer.CriticalSections(p, "written")
		if weak.String() == base.String() {
			pt.Note = "outside the submitting CPUs' critical sections"
			out = append(out, pt)
			continue
		}
		if err := exportSections(&pt, s.Variant, weak, base, models, root, dir, id); err != nil {
			return nil, err
		}
		out = append(out, pt)
	}
	return out, nil
}

// exportSections writes the critical sections weak (annotation weakened) and base (as
// written) as the pair of tests pt describes, or says in pt.Note why not.
func exportSections(pt *Pattern, variant string, weak, base *model.Program, models []string, root, dir, id string) error {
	weakName, baseName := id+"_sections", id+"_sections_written"
	// First with "exists (true)" and every register and location listed: the states.
	weakAll, err := litmus.Export(weak, weakName, "")
	var baseAll string
	if err == nil {
		baseAll, err = litmus.Export(base, baseName, "")
	}
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		pt.Note = "does not fit the litmus format: " + first
		return nil
	}
	var extra []string // the clause's states
	for _, m := range models {
		wr, err := runText(weakName, weakAll, m)
		if err != nil {
			return err
		}
		br, err := runText(baseName, baseAll, m)
		if err != nil {
			return err
		}
		if !wr.Complete() || !br.Complete() {
			pt.Differs = append(pt.Differs, fmt.Sprintf("%s: our runner's budget ran out", m))
			continue
		}
		states := newStates(wr, br)
		pt.Differs = append(pt.Differs, fmt.Sprintf("%s: %d state(s) the written code does not reach", m, len(states)))
		if len(states) > 0 && (extra == nil || m == "lkmm") {
			pt.Model, extra = m, states
		}
	}
	if extra == nil {
		pt.Note = "the weakened sections reach no final state the written ones do not (" + strings.Join(pt.Differs, "; ") + "): the witness needs the rest of the scenario"
		return nil
	}
	cond := "exists (" + extra[0] + ")"
	if len(extra) > 1 {
		cond = "exists ((" + strings.Join(extra, ") \\/ (") + "))"
	}
	pt.File = filepath.ToSlash(filepath.Join(dir, weakName+".litmus"))
	pt.Written = filepath.ToSlash(filepath.Join(dir, baseName+".litmus"))
	what := fmt.Sprintf("The submitting CPUs' steering critical sections of %s", variant)
	clause := fmt.Sprintf("The exists clause lists the final states that the sections with %s weakened (%s) reach under %s and the sections as written (%s) do not, as steercheck's runner found them.",
		pt.Annotation, filepath.Base(pt.File), pt.Model, filepath.Base(pt.Written))
	weakText, err := litmus.Export(weak, weakName, cond, what+", with "+pt.Annotation+" weakened.", clause)
	if err != nil {
		return err
	}
	baseText, err := litmus.Export(base, baseName, cond, what+", as written.", clause)
	if err != nil {
		return err
	}
	if pt.Verdicts, _, err = writeLitmus(root, pt.File, weakText); err != nil {
		return err
	}
	pt.WrittenVerdicts, _, err = writeLitmus(root, pt.Written, baseText)
	return err
}

// newStates lists, as conjunctions of atoms, the final states of a that b does not have,
// compared on the registers and locations both show.
func newStates(a, b *litmus.Result) []string {
	common := map[string]bool{}
	for _, l := range a.Observed {
		common[l.String()] = false
	}
	for _, l := range b.Observed {
		if _, ok := common[l.String()]; ok {
			common[l.String()] = true
		}
	}
	project := func(s litmus.State) string {
		var atoms []string
		for _, atom := range strings.Split(strings.TrimSuffix(s.Text, ";"), "; ") {
			name, _, _ := strings.Cut(strings.NewReplacer("[", "", "]", "").Replace(atom), "=")
			if common[name] {
				atoms = append(atoms, strings.NewReplacer("[", "", "]", "").Replace(atom))
			}
		}
		return strings.Join(atoms, " /\\ ")
	}
	have := map[string]bool{}
	for _, s := range b.States {
		have[project(s)] = true
	}
	var out []string
	for _, s := range a.States {
		if p := project(s); !have[p] {
			have[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// writeLitmus writes an exported test at root/file and our runner's record of it at
// root/file.steercheck (runnerRecord), and returns the record's path (relative to
// root) and our runner's result under each model.
func writeLitmus(root, file, text string) (string, map[string]*litmus.Result, error) {
	name := strings.TrimSuffix(filepath.Base(file), ".litmus")
	record, results, err := runnerRecord(filepath.Base(file), name, text)
	if err != nil {
		return "", nil, err
	}
	verdicts := file + ".steercheck"
	if err := os.MkdirAll(filepath.Join(root, filepath.Dir(file)), 0o755); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(root, file), []byte(text), 0o644); err != nil {
		return "", nil, err
	}
	return verdicts, results, os.WriteFile(filepath.Join(root, verdicts), []byte(record), 0o644)
}

// runnerRecord is the .steercheck file of an exported test: what our runner printed
// for it under every model (`steercheck litmus -show --model M FILE`, with the step
// budget litmusSteps), and the results. A state set larger than listedStates is not
// listed: its "States N" line gives the digest of the set instead (stateDigest).
func runnerRecord(file, name, text string) (string, map[string]*litmus.Result, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# What steercheck's litmus runner printed for %s under each model (steercheck litmus -show --model MODEL %s),\n", file, file)
	fmt.Fprintf(&b, "# with more than %d final states given by their count and digest instead of listed.\n", listedStates)
	fmt.Fprintf(&b, "# herd7 -conf linux-kernel.cfg %s computes lkmm: its output should equal the lkmm section (Time and Hash aside).\n", file)
	results := map[string]*litmus.Result{}
	for _, m := range Models() {
		r, err := runText(name, text, m)
		if err != nil {
			return "", nil, fmt.Errorf("%s under %s: %v", file, m, err)
		}
		results[m] = r
		out := litmus.FormatHerd(r)
		if !r.Complete() {
			// Sometimes is settled by one positive and one negative execution, but the
			// counts and the states of a cut run are only those found before the cut.
			out = fmt.Sprintf("%s (%d steps): the observation is settled only if Sometimes; the counts and states below are partial\n", cutByBudget, litmusSteps) + out
		}
		if len(r.States) > listedStates {
			lines := make([]string, len(r.States))
			for i, st := range r.States {
				lines[i] = st.Text
			}
			list := r.StatesBlock()
			out = strings.Replace(out, list, fmt.Sprintf("States %d (not listed; %s%s)\n", len(r.States), digestPrefix, stateDigest(lines)), 1)
		}
		fmt.Fprintf(&b, "\n## %s\n%s", m, out)
	}
	return b.String(), results, nil
}

// listedStates is the most final states a .steercheck record lists.
const listedStates = 100

// digestPrefix introduces a state set's digest in a record's "States N" line.
const digestPrefix = "sha256 of the sorted states: "

// stateDigest is the digest of a set of final states, each as herd7 prints it
// ("0:r0=1; [x]=2;"): every state's atoms sorted, with "[x]" as "x", the states
// sorted, joined by newlines, hashed with SHA-256. herd7's output gives the same digest
// for the same set.
func stateDigest(states []string) string {
	norm := make([]string, len(states))
	for i, s := range states {
		norm[i] = normalState(s)
	}
	sort.Strings(norm)
	sum := sha256.Sum256([]byte(strings.Join(norm, "\n")))
	return hex.EncodeToString(sum[:])
}

// normalState is one state as herd7 prints it with its atoms sorted and "[x]" as "x".
func normalState(s string) string {
	atoms := strings.Fields(strings.NewReplacer(";", " ", "[", "", "]", "").Replace(s))
	sort.Strings(atoms)
	return strings.Join(atoms, " ")
}

// runText parses and runs an exported test under one model.
func runText(name, text, modelName string) (*litmus.Result, error) {
	t, err := litmus.Parse(name+".litmus", []byte(text))
	if err != nil {
		return nil, err
	}
	return litmus.Run(t, modelName, model.Options{MaxSteps: litmusSteps})
}

// litmusSteps bounds each run of an exported test (deterministic). Since the
// virtqueue carries num_free and its free list, the largest witness patterns (kick_cmd
// under vq_lock) need many minutes per model in full, which made `make barriers` take
// over half an hour; a run cut by this budget is recorded as Unknown, never as a
// verdict, and herd7 settles those files (make herd7).
const litmusSteps = 1_000_000

// cutByBudget begins the section of a run that litmusSteps cut.
const cutByBudget = "Cut by the step budget"
