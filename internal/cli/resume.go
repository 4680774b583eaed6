package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/steercheck/steercheck/model"
)

// check --resume FILE: a long check stopped (Ctrl-C, a killed job, a machine that
// went down) and taken up again where it stopped.
//
// Each run of a check is split into pieces (model/parallel.go) whose stretches add up
// to the whole run; a piece that ran to its end, and whose executions broke nothing,
// is final (model/resume.go). FILE records those pieces as they finish, one JSON line
// each, written and synced at once, so that a check killed without warning loses only
// the pieces it was running. A check given the same FILE again skips the pieces it
// records and reports what the uninterrupted check would have: the same executions,
// steps, verdicts and traces. The records are valid only for the same runs of the
// same code: FILE's first line names the build, the configuration, the properties and
// --symmetry, and a check that differs in any of them refuses FILE. The budget may
// differ (a finished piece's counts do not depend on it): a check that ran out of
// steps can be resumed with a larger --max-steps.

// ResumeFormat is the first field of a resume file's first line.
const ResumeFormat = "steercheck-resume-1"

// resumeHeader is a resume file's first line: what its records are valid for.
type resumeHeader struct {
	Format        string `json:"format"`
	Build         string `json:"build"`
	Configuration string `json:"configuration"`
	Properties    string `json:"properties"`
	Symmetry      bool   `json:"symmetry"`
}

// resumeRecord is one line after the header: a finished piece of one run.
type resumeRecord struct {
	Variant         string  `json:"variant"`
	Mutant          string  `json:"mutant"`
	Model           string  `json:"model"`
	Split           int     `json:"split"`
	Level           int     `json:"level"`
	Pieces          int     `json:"pieces"`
	Piece           int     `json:"piece"`
	Steps           int64   `json:"steps"`
	StartSteps      int64   `json:"start_steps"`
	StartExecutions int64   `json:"start_executions"`
	Executions      int64   `json:"executions"`
	Blocked         int64   `json:"blocked"`
	OutOfBound      int64   `json:"out_of_bound"`
	SpuriousBlocked int64   `json:"spurious_blocked"`
	Pruned          int64   `json:"pruned"`
	Revisits        int64   `json:"revisits"`
	Mirrored        int64   `json:"mirrored"`
	Seconds         float64 `json:"seconds"`
	// Notes is what the checker keeps with the piece (model.PieceRecord.Notes: P5's
	// lock-order edges, which a resumed run must still see).
	Notes []string `json:"notes,omitempty"`
}

// resumeKey names a piece of a run.
type resumeKey struct {
	variant, mutant, model string
	split, piece           int
}

// resumeFile is an open resume file: the records read from it and the file the
// pieces finished now are appended to.
type resumeFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	done map[resumeKey]model.PieceRecord
	// skipped and recorded count the pieces skipped thanks to the file and the ones
	// added to it; skippedExecs sums the executions of the skipped pieces; werr is the
	// first write error.
	skipped, recorded int
	skippedExecs      int64
	werr              error
}

// counts returns, under the lock, the pieces skipped and recorded so far and the
// executions the skipped pieces credit (progress lines, which must not count those
// in a rate).
func (rf *resumeFile) counts() (skipped, recorded int, skippedExecs int64) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.skipped, rf.recorded, rf.skippedExecs
}

// openResumeFile opens path for a check whose records are valid under want: it reads
// the records of a file written by the same check, or starts the file with want's
// header when it does not exist or is empty. A file of another check, or one that
// is not a resume file, is an error. A last line cut short (a check killed while it
// wrote) is dropped.
func openResumeFile(path string, want resumeHeader) (*resumeFile, error) {
	if want.Build == "" {
		return nil, errors.New("--resume: this executable cannot be identified (it could not read itself), so records could not be matched to it")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--resume: %v", err)
	}
	rf := &resumeFile{path: path, f: f, done: map[resumeKey]model.PieceRecord{}}
	if err := rf.load(want); err != nil {
		f.Close()
		return nil, err
	}
	return rf, nil
}

// load reads the file's header and records, or writes the header to an empty file,
// and leaves the file's offset at its end (after the last complete line).
func (rf *resumeFile) load(want resumeHeader) error {
	b, err := io.ReadAll(rf.f)
	if err != nil {
		return fmt.Errorf("--resume %s: %v", rf.path, err)
	}
	complete := bytes.LastIndexByte(b, '\n') + 1
	if len(bytes.TrimSpace(b[:complete])) == 0 {
		// New, empty, or only a header cut short: start afresh.
		line, _ := json.Marshal(want)
		return rf.rewrite(append(line, '\n'))
	}
	lines := bytes.Split(b[:complete-1], []byte("\n"))
	var h resumeHeader
	if err := json.Unmarshal(lines[0], &h); err != nil || h.Format != ResumeFormat {
		return fmt.Errorf("--resume %s: not a resume file (its first line is not a %s header): choose another file", rf.path, ResumeFormat)
	}
	if diff := headerDiff(h, want); diff != "" {
		return fmt.Errorf("--resume %s: written by another check (%s): remove it to start afresh, or choose another file", rf.path, diff)
	}
	for i, line := range lines[1:] {
		var r resumeRecord
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil || r.Model == "" || r.Pieces < 1 || r.Piece < 0 || r.Piece >= r.Pieces || r.Split < 0 {
			return fmt.Errorf("--resume %s:%d: not a piece record: remove the file to start afresh", rf.path, i+2)
		}
		rf.done[resumeKey{r.Variant, r.Mutant, r.Model, r.Split, r.Piece}] = r.piece()
	}
	if complete < len(b) {
		return rf.rewrite(b[:complete]) // drop the line cut short
	}
	return nil
}

// rewrite replaces the file's content with b and leaves the offset at its end.
func (rf *resumeFile) rewrite(b []byte) error {
	if err := rf.f.Truncate(0); err != nil {
		return fmt.Errorf("--resume %s: %v", rf.path, err)
	}
	if _, err := rf.f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("--resume %s: %v", rf.path, err)
	}
	if _, err := rf.f.Seek(int64(len(b)), io.SeekStart); err != nil {
		return fmt.Errorf("--resume %s: %v", rf.path, err)
	}
	return rf.f.Sync()
}

// headerDiff names the first field in which two headers differ ("" when none).
func headerDiff(got, want resumeHeader) string {
	switch {
	case got.Build != want.Build:
		return fmt.Sprintf("by build %s; this is %s", got.Build, want.Build)
	case got.Configuration != want.Configuration:
		return fmt.Sprintf("at %s; this check is at %s", got.Configuration, want.Configuration)
	case got.Properties != want.Properties:
		return fmt.Sprintf("checking properties %q; this check, %q", got.Properties, want.Properties)
	case got.Symmetry != want.Symmetry:
		return fmt.Sprintf("with --symmetry=%v; this check has --symmetry=%v", got.Symmetry, want.Symmetry)
	}
	return ""
}

// piece is the record as the explorer takes it.
func (r resumeRecord) piece() model.PieceRecord {
	return model.PieceRecord{Split: r.Split, Level: r.Level, Pieces: r.Pieces, Piece: r.Piece,
		Steps: r.Steps, StartSteps: r.StartSteps, StartExecutions: r.StartExecutions,
		Stats: model.Stats{Executions: r.Executions, Blocked: r.Blocked, OutOfBound: r.OutOfBound,
			SpuriousBlocked: r.SpuriousBlocked, Pruned: r.Pruned, Revisits: r.Revisits, Mirrored: r.Mirrored,
			Elapsed: time.Duration(r.Seconds * float64(time.Second))}, Notes: r.Notes}
}

// forRun returns the model.Resume of one run: it skips the pieces the file records
// and appends the ones the run finishes.
func (rf *resumeFile) forRun(variant, mutant, modelName string) *model.Resume {
	return &model.Resume{
		Done: func(split, piece int) (model.PieceRecord, bool) {
			rf.mu.Lock()
			defer rf.mu.Unlock()
			r, ok := rf.done[resumeKey{variant, mutant, modelName, split, piece}]
			if ok {
				rf.skipped++
				rf.skippedExecs += r.Stats.Executions
			}
			return r, ok
		},
		Finished: func(p model.PieceRecord) {
			r := resumeRecord{Variant: variant, Mutant: mutant, Model: modelName,
				Split: p.Split, Level: p.Level, Pieces: p.Pieces, Piece: p.Piece,
				Steps: p.Steps, StartSteps: p.StartSteps, StartExecutions: p.StartExecutions,
				Executions: p.Stats.Executions, Blocked: p.Stats.Blocked, OutOfBound: p.Stats.OutOfBound,
				SpuriousBlocked: p.Stats.SpuriousBlocked, Pruned: p.Stats.Pruned, Revisits: p.Stats.Revisits,
				Mirrored: p.Stats.Mirrored, Seconds: p.Stats.Elapsed.Seconds(), Notes: p.Notes}
			line, _ := json.Marshal(r)
			rf.mu.Lock()
			defer rf.mu.Unlock()
			if rf.werr != nil {
				return
			}
			if _, err := rf.f.Write(append(line, '\n')); err != nil {
				rf.werr = err
				return
			}
			if err := rf.f.Sync(); err != nil {
				rf.werr = err
				return
			}
			rf.recorded++
		},
	}
}

// close closes the file and returns the line check prints about it.
func (rf *resumeFile) close() (string, error) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	err := rf.f.Close()
	if rf.werr != nil {
		err = rf.werr
	}
	note := fmt.Sprintf("--resume %s: %d pieces skipped (finished by an earlier check), %d recorded by this one.", rf.path, rf.skipped, rf.recorded)
	if err != nil {
		return note, fmt.Errorf("--resume %s: %v: pieces finished after it are not recorded", rf.path, err)
	}
	return note, nil
}
