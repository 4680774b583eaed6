package traces

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/model"
)

// Render draws an execution as CPU columns, in the spirit of the diagrams in the
// virtio-scsi review threads: one column per thread (CPU, device, interrupt handler),
// one row per event, rows in an order the execution allows (a topological order of
// po ∪ rf ∪ co ∪ fr when that has no cycle, else of po ∪ rf, else program order
// thread by thread). Reads show the value read and which event wrote it.
// Events listed in highlight are marked with "!".
func Render(g *model.ExecutionGraph, highlight []model.EventRef) string {
	p := g.Prog
	order := linearOrder(g)
	marked := map[model.EventRef]bool{}
	for _, r := range highlight {
		marked[r] = true
	}
	cols := len(p.Threads)
	cells := make([][]string, len(order))
	width := make([]int, cols)
	for t, th := range p.Threads {
		width[t] = len(th.Name) + 2
	}
	for row, r := range order {
		cells[row] = make([]string, cols)
		s := cellText(g, r)
		if marked[r] {
			s = "! " + s
		}
		cells[row][r.Thread] = s
		if n := len(s) + 2; n > width[r.Thread] {
			width[r.Thread] = n
		}
	}
	var b strings.Builder
	line := func(texts []string) {
		var parts []string
		for t, s := range texts {
			parts = append(parts, fmt.Sprintf("%-*s", width[t], s))
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "│ "), " "))
		b.WriteByte('\n')
	}
	head := make([]string, cols)
	rule := make([]string, cols)
	for t, th := range p.Threads {
		head[t] = fmt.Sprintf("%s (%s)", th.Name, th.Kind)
		rule[t] = strings.Repeat("─", width[t])
		if len(head[t])+2 > width[t] {
			width[t] = len(head[t]) + 2
			rule[t] = strings.Repeat("─", width[t])
		}
	}
	line(head)
	line(rule)
	for _, row := range cells {
		line(row)
	}
	end := make([]string, cols)
	for t := range p.Threads {
		end[t] = "(" + g.Status(t).String() + ")"
	}
	line(end)
	return b.String()
}

// cellText is the short description of one event for a column.
func cellText(g *model.ExecutionGraph, r model.EventRef) string {
	e := g.Event(r)
	p := g.Prog
	name := func() string { return p.Locs[e.Loc].Name }
	switch e.Kind {
	case model.KindRead:
		from := "init"
		if !e.RF.IsInit() {
			from = fmt.Sprintf("%s#%d", p.Threads[e.RF.Thread].Name, e.RF.Index)
		}
		switch {
		case e.Ann.Has(model.AnnLock):
			return fmt.Sprintf("lock %s: sees %d (%s)", name(), e.Val, from)
		case e.Ann.Has(model.AnnRMW):
			return fmt.Sprintf("rmw %s: reads %d (%s)", name(), e.Val, from)
		}
		return fmt.Sprintf("%s %s = %d (%s)", accessWord(e.Ann, "read"), name(), e.Val, from)
	case model.KindWrite:
		switch {
		case e.Ann.Has(model.AnnUnlock):
			return "unlock " + name()
		case e.Ann.Has(model.AnnLock):
			return "locked " + name()
		case e.Ann.Has(model.AnnRMW):
			return fmt.Sprintf("rmw %s: writes %d", name(), e.Val)
		}
		return fmt.Sprintf("%s %s = %d", accessWord(e.Ann, "write"), name(), e.Val)
	case model.KindFence:
		return e.Fence.String() + "()"
	case model.KindMarker:
		return fmt.Sprintf("» %s %d %d %d", e.Marker, e.Args[0], e.Args[1], e.Args[2])
	}
	return "?"
}

func accessWord(a model.Ann, rw string) string {
	switch {
	case a.Has(model.AnnAcquire):
		return "acquire-" + rw
	case a.Has(model.AnnRelease):
		return "release-" + rw
	case a.Has(model.AnnOnce):
		return rw + "_once"
	}
	return rw
}

// linearOrder lists every event in an order the execution allows (linearize.Order:
// the same logical time the porcupine check uses, so the rows match its picture).
func linearOrder(g *model.ExecutionGraph) []model.EventRef {
	o, _ := linearize.Order(g)
	return o
}
