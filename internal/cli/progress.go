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

// progress reports a long check on stderr: "[elapsed] N executions (rate/s), runs
// done/total; running: ...". Nothing is printed for a check that ends within the
// first interval, nor with --quiet.
type progress struct {
	out      io.Writer
	terminal bool
	start    time.Time
	total    int
	mu       sync.Mutex
	execs    map[int]int64  // executions so far, per job
	running  map[int]string // the running jobs' names
	done     int
	stop     chan struct{}
	stopped  sync.WaitGroup
	drawn    bool // a terminal line is on screen
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
		execs: map[int]int64{}, running: map[int]string{}, stop: make(chan struct{})}
	if !quiet {
		p.stopped.Add(1)
		go p.loop()
	}
	return p
}

// callback returns the model.Options.Progress function for job i, and marks it running.
func (p *progress) callback(i int, variant, mutant, modelName string) func(model.Stats) {
	name := variant
	if mutant != "" {
		name += "+" + mutant
	}
	p.mu.Lock()
	p.running[i] = name + " under " + modelName
	p.mu.Unlock()
	return func(s model.Stats) {
		p.mu.Lock()
		p.execs[i] = s.Executions
		p.mu.Unlock()
	}
}

func (p *progress) jobDone(i int) {
	p.mu.Lock()
	p.done++
	delete(p.running, i)
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
	s := fmt.Sprintf("[%6.1fs] %d executions (%.0f/s), %d/%d runs done", el.Seconds(), n, float64(n)/el.Seconds(), p.done, p.total)
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
