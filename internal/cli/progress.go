package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/steercheck/steercheck/model"
)

// progressEvery is how often check prints a progress line when stderr is not a
// terminal (a pipe, a CI log); on a terminal one line is redrawn twice a second.
var progressEvery = 5 * time.Second

// estimateAfter is how long a run goes before its progress asks for an estimate of
// its size (check --estimate's), to say how long it may still take: the estimate costs
// a second or so, which short runs need not pay.
var estimateAfter = 10 * time.Second

// progress reports a long check on stderr: "[elapsed] N executions (rate/s), runs
// done/total, ~T left (estimated); running: ...". Nothing is printed for a check that
// ends within the first interval, nor with --quiet. The time left is given once every
// running run that has gone on for estimateAfter has an estimate of its executions
// (model.EstimateExploration), from the rate so far; a run that stops at a violation
// ends sooner; once a run has passed its estimate, the line names the run and the
// estimate instead.
type progress struct {
	out      io.Writer
	terminal bool
	start    time.Time
	total    int
	mu       sync.Mutex
	execs    map[int]int64  // executions so far, per job
	running  map[int]string // the running jobs' names
	done     int
	began    map[int]time.Time      // when each running job began
	estimate map[int]func() float64 // how to estimate a job's executions
	est      map[int]float64        // the estimates made (-1: under way)
	stop     chan struct{}
	stopped  sync.WaitGroup
	drawn    bool // a terminal line is on screen
	// resumed, set for check --resume, gives the pieces skipped and recorded so far
	// and the executions the skipped pieces credit: those are counted in the
	// executions shown, but not in the rate (they were explored by an earlier check).
	resumed func() (skipped, recorded int, skippedExecs int64)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func newProgress(stderr io.Writer, jobs int, quiet bool) *progress {
	p := &progress{out: stderr, terminal: isTerminal(stderr), start: time.Now(), total: jobs,
		execs: map[int]int64{}, running: map[int]string{}, began: map[int]time.Time{},
		estimate: map[int]func() float64{}, est: map[int]float64{}, stop: make(chan struct{})}
	if !quiet {
		p.stopped.Add(1)
		go p.loop()
	}
	return p
}

// runName names a run's program: the variant, with "+mutant" when a mutant is applied.
func runName(variant, mutant string) string {
	if mutant != "" {
		return variant + "+" + mutant
	}
	return variant
}

// callback returns the model.Options.Progress function for job i, and marks it running.
func (p *progress) callback(i int, variant, mutant, modelName string) func(model.Stats) {
	p.mu.Lock()
	p.running[i] = runName(variant, mutant) + " under " + modelName
	p.began[i] = time.Now()
	p.mu.Unlock()
	return func(s model.Stats) {
		p.mu.Lock()
		p.execs[i] = s.Executions
		p.mu.Unlock()
	}
}

// estimateWith says how to estimate job i's executions, should it run long.
func (p *progress) estimateWith(i int, f func() float64) {
	p.mu.Lock()
	p.estimate[i] = f
	p.mu.Unlock()
}

// startEstimates starts the estimates of the running jobs that have gone on for
// estimateAfter. p.mu is held.
func (p *progress) startEstimates() {
	for i := range p.running {
		f, ok := p.estimate[i]
		if _, asked := p.est[i]; !ok || asked || time.Since(p.began[i]) < estimateAfter {
			continue
		}
		p.est[i] = -1
		go func(i int) {
			v := f()
			p.mu.Lock()
			p.est[i] = v
			p.mu.Unlock()
		}(i)
	}
}

// left estimates the time the running jobs still need from their estimates and the
// rate so far, or returns false. p.mu is held.
func (p *progress) left(rate float64) (time.Duration, bool) {
	if rate <= 0 || len(p.running) == 0 {
		return 0, false
	}
	var rest float64
	for i := range p.running {
		e, ok := p.est[i]
		if !ok || e < 0 || e < float64(p.execs[i]) {
			return 0, false
		}
		rest += e - float64(p.execs[i])
	}
	return time.Duration(rest / rate * float64(time.Second)), true
}

// pastEstimates names the running jobs that have explored more executions than their
// estimate said they have, with that estimate ("v3.10 under sc (16.3M)"), sorted. The
// estimate samples random paths of the tree, and on trees where a few deep subtrees
// hold most executions it can be several times too small (docs/PERFORMANCE.md): the
// line then says so instead of going quiet. p.mu is held.
func (p *progress) pastEstimates() []string {
	var past []string
	for i, name := range p.running {
		if e, ok := p.est[i]; ok && e >= 0 && float64(p.execs[i]) > e {
			past = append(past, fmt.Sprintf("%s (%s)", name, roundCount(e)))
		}
	}
	sort.Strings(past)
	return past
}

func (p *progress) jobDone(i int) {
	p.mu.Lock()
	p.done++
	delete(p.running, i)
	delete(p.began, i)
	p.mu.Unlock()
}

func (p *progress) loop() {
	defer p.stopped.Done()
	every := progressEvery
	if p.terminal {
		every = 500 * time.Millisecond
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			if p.drawn {
				fmt.Fprint(p.out, "\r\033[K")
			}
			return
		case <-tick.C:
			el := time.Since(p.start)
			if p.terminal && el < 2*time.Second {
				continue
			}
			line := p.line(el)
			if p.terminal {
				fmt.Fprint(p.out, "\r\033[K"+line)
				p.drawn = true
			} else {
				fmt.Fprintln(p.out, line)
			}
		}
	}
}

// line is one progress report.
func (p *progress) line(el time.Duration) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n int64
	for _, v := range p.execs {
		n += v
	}
	var running []string
	for _, name := range p.running {
		running = append(running, name)
	}
	sort.Strings(running)
	p.startEstimates()
	var skipped, recorded int
	var earlier int64
	if p.resumed != nil {
		skipped, recorded, earlier = p.resumed()
	}
	rate := float64(n-earlier) / el.Seconds()
	from := ""
	if p.resumed != nil {
		from = fmt.Sprintf("%d from earlier checks; ", earlier)
	}
	s := fmt.Sprintf("[%6.1fs] %d executions (%s%.0f/s), %d/%d runs done", el.Seconds(), n, from, rate, p.done, p.total)
	if d, ok := p.left(rate); ok {
		s += fmt.Sprintf(", ~%s left (estimated)", d.Round(time.Second))
	} else if past := p.pastEstimates(); len(past) > 0 {
		s += ", past the estimate of " + strings.Join(past, ", ") + ": no time left to give"
	}
	if p.resumed != nil {
		s += fmt.Sprintf("; --resume: %d pieces skipped, %d recorded", skipped, recorded)
	}
	if len(running) > 0 {
		s += "; running: " + strings.Join(running, ", ")
	}
	return s
}

func (p *progress) finish() {
	select {
	case <-p.stop:
		return
	default:
	}
	close(p.stop)
	p.stopped.Wait()
}

// setResumed makes the progress lines of a check --resume tell the executions
// credited by the skipped pieces from the ones explored now (see progress.resumed).
func (p *progress) setResumed(counts func() (skipped, recorded int, skippedExecs int64)) {
	p.mu.Lock()
	p.resumed = counts
	p.mu.Unlock()
}
