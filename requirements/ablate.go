package requirements

import (
	"runtime"
	"sync"

	"github.com/steercheck/steercheck/ablation"
	"github.com/steercheck/steercheck/barriers"
)

// Status is what an ablation says about one annotation under one model.
type Status uint8

// Statuses.
const (
	Required      Status = iota + 1 // weakening it breaks a property: a witness exists
	NotRequired                     // weakened, the exploration completed and every property held
	Undecided                       // the budget ran out, or executions with po∪rf cycles were not enumerated
	BaselineFails                   // the variant already breaks a property under this model
)

func (s Status) String() string {
	return [...]string{"?", "required", "not required", "unknown", "baseline violated"}[s]
}

// Cell is one annotation under one model.
type Cell struct {
	Status  Status
	Outcome Outcome
	Witness *Witness // for Required
}

// Table is the ablation of one variant: every annotation, weakened alone, under
// every model.
type Table struct {
	Subject     *Subject
	Models      []string
	Baseline    []Outcome // per model
	Annotations []ablation.Annotation
	Cells       [][]Cell // [annotation][model]
}

// Models are the memory models every table covers, strongest first.
func Models() []string {
	var out []string
	for _, n := range barriers.Names() {
		switch n {
		case "sc", "tso", "lkmm", "lkmm-alpha", "armv8":
			out = append(out, n)
		}
	}
	return out
}

// check is one pending run.
type check struct {
	edits []ablation.Edit
	model string
	out   *Outcome
	err   *error
}

// runAll runs checks on up to GOMAXPROCS workers; results land in place, so the
// order of completion does not matter.
func (s *Subject) runAll(cs []check, b Budget) error {
	var wg sync.WaitGroup
	next := make(chan check)
	for w := 0; w < workers(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				*c.out, *c.err = s.Check(c.edits, c.model, b)
			}
		}()
	}
	for _, c := range cs {
		next <- c
	}
	close(next)
	wg.Wait()
	for _, c := range cs {
		if *c.err != nil {
			return *c.err
		}
	}
	return nil
}

// Ablate checks the variant unedited and with each annotation weakened, under every
// model of models.
func Ablate(s *Subject, models []string, b Budget) (*Table, error) {
	t := &Table{Subject: s, Models: models, Annotations: ablation.Annotations(s.Program())}
	t.Baseline = make([]Outcome, len(models))
	t.Cells = make([][]Cell, len(t.Annotations))
	errs := make([]error, len(models)*(len(t.Annotations)+1))
	var cs []check
	for j, m := range models {
		cs = append(cs, check{nil, m, &t.Baseline[j], &errs[j]})
	}
	for i, a := range t.Annotations {
		t.Cells[i] = make([]Cell, len(models))
		for j, m := range models {
			cs = append(cs, check{[]ablation.Edit{{Op: ablation.Weaken, Site: a.Site}}, m, &t.Cells[i][j].Outcome,
				&errs[len(models)*(i+1)+j]})
		}
	}
	if err := s.runAll(cs, b.cells()); err != nil {
		return nil, err
	}
	for i := range t.Cells {
		for j := range t.Cells[i] {
			c := &t.Cells[i][j]
			switch {
			case t.Baseline[j].Verdict == Violated:
				c.Status = BaselineFails
			case c.Outcome.Verdict == Violated:
				c.Status = Required
			case c.Outcome.Verdict == Holds:
				c.Status = NotRequired
			default:
				c.Status = Undecided
			}
		}
	}
	return t, nil
}

func workers() int { return runtime.GOMAXPROCS(0) }
