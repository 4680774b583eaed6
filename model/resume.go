package model

// resume.go: a split exploration stopped part-way and resumed where it stopped.
//
// A run of ExploreParallel is a sequence of pieces (parallel.go) whose stretches add
// up to the sequential run. A piece that ran to the end of its range did exactly its
// stretch, whatever became of the other pieces: its steps and counts are final. So
// when a run is interrupted (canceled, killed, out of time), the pieces it finished
// can be recorded (Resume.Finished), and a later run of the same exploration (the
// same program, model, options and code) that is handed those records (Resume.Done)
// counts their stretches without running them. Its result is the uninterrupted run's:
// the same counts, steps and stop reason. The visitor of a skipped piece is never
// called, so a caller whose visitors find things must record only the pieces whose
// visitor found nothing (properties.Verify does): those run again, and find it again.

// PieceRecord is a piece of a split exploration that ran to the end of its range.
type PieceRecord struct {
	// Split names the split exploration the piece belongs to: the number of its first
	// piece's visitor (ExploreParallel numbers the visitors of a run's phases in
	// sequence). Level is the nesting level the split cut the tree at, and Pieces how
	// many pieces it made: a record whose Level or Pieces differ from the split's is
	// not used. Piece is the piece's number within the split.
	Split, Level, Pieces, Piece int
	// Steps and Stats are the piece's stretch (Stats.Elapsed: the time it took).
	Steps int64
	Stats Stats
	// StartSteps and StartExecutions are the piece's own counters when it met its
	// first node: a piece in which a budget runs out is run again with them.
	StartSteps, StartExecutions int64
	// Notes is what the caller's visitor needs kept with the piece, for a run that
	// skips it: the explorer neither sets nor reads it. (properties keeps the piece's
	// lock-order edges there: P5's graph spans the run.)
	Notes []string
}

// Resume connects a run of ExploreParallel with the records of an earlier one. Either
// function may be nil. Setting Options.Resume makes ExploreParallel split the run
// into pieces even with one worker (a run that ends within its sequential trial is not
// split, and has nothing to record).
type Resume struct {
	// Done returns the record of piece piece of split split if an earlier run
	// finished it.
	Done func(split, piece int) (PieceRecord, bool)
	// Finished is called, never concurrently, when a piece has run to the end of
	// its range; the record is what Done should return for it later.
	Finished func(PieceRecord)
}

// resumed returns piece i's record from an earlier run, if Options.Resume has one
// that fits this split. c.mu is held.
func (c *pieceRuns) resumed(i int) (PieceRecord, bool) {
	rs := c.opts.Resume
	if rs == nil || rs.Done == nil {
		return PieceRecord{}, false
	}
	rec, ok := rs.Done(c.base, i)
	if !ok || rec.Split != c.base || rec.Piece != i || rec.Level != c.level || rec.Pieces != len(c.runs) {
		return PieceRecord{}, false
	}
	return rec, true
}

// skip marks piece i done with rec's stretch. c.mu is held.
func (c *pieceRuns) skip(i int, rec PieceRecord) {
	r := &c.runs[i]
	r.pc.started = true
	r.pc.start = pieceMark{steps: rec.StartSteps, stats: Stats{Executions: rec.StartExecutions}}
	r.res = Result{Stats: rec.Stats, Reason: Exhausted}
	r.stretch = pieceMark{steps: rec.Steps, stats: rec.Stats}
	r.stretch.stats.Elapsed = 0
	r.done = true
}

// record reports piece i, just finished with res, to Options.Resume when it ran to the
// end of its range. c.mu is held.
func (c *pieceRuns) record(i int, res Result) {
	rs := c.opts.Resume
	if rs == nil || rs.Finished == nil || res.Reason != Exhausted {
		return
	}
	r := &c.runs[i]
	st := r.stretch.stats
	st.Elapsed = res.Elapsed
	rs.Finished(PieceRecord{Split: c.base, Level: c.level, Pieces: len(c.runs), Piece: i,
		Steps: r.stretch.steps, Stats: st,
		StartSteps: r.pc.start.steps, StartExecutions: r.pc.start.stats.Executions})
}
