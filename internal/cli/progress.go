package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/steercheck/steercheck/model"
)

// progress prints "[elapsed] N executions (rate/s), jobs done/total" on stderr every
// half second once a run has lasted two seconds, and only when stderr is a terminal.
type progress struct {
	out       io.Writer
	enabled   bool
	start     time.Time
	total     int
	done      atomic.Int64
	mu        sync.Mutex
	perJob    map[int]int64
	stop      chan struct{}
	stopped   sync.WaitGroup
	printedAt bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func newProgress(stderr io.Writer, jobs int) *progress {
	p := &progress{out: stderr, enabled: isTerminal(stderr), start: time.Now(), total: jobs,
		perJob: map[int]int64{}, stop: make(chan struct{})}
	if p.enabled {
		p.stopped.Add(1)
		go p.loop()
	}
	return p
}

// callback returns the model.Options.Progress function for job i.
func (p *progress) callback(i int) func(model.Stats) {
	return func(s model.Stats) {
		p.mu.Lock()
		p.perJob[i] = s.Executions
		p.mu.Unlock()
	}
}

func (p *progress) jobDone() { p.done.Add(1) }

func (p *progress) loop() {
	defer p.stopped.Done()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			if p.printedAt {
				fmt.Fprint(p.out, "\r\033[K")
			}
			return
		case <-tick.C:
			el := time.Since(p.start)
			if el < 2*time.Second {
				continue
			}
			p.mu.Lock()
			var n int64
			for _, v := range p.perJob {
				n += v
			}
			p.mu.Unlock()
			fmt.Fprintf(p.out, "\r\033[K[%5.1fs] %d executions (%.0f/s), %d/%d runs done",
				el.Seconds(), n, float64(n)/el.Seconds(), p.done.Load(), p.total)
			p.printedAt = true
		}
	}
}

func (p *progress) finish() {
	if p.enabled {
		close(p.stop)
		p.stopped.Wait()
	}
}
