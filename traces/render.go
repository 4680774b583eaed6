package traces

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/model"
)

// Render draws an execution as CPU columns, in the spirit of the diagrams in the
// virtio-scsi review threads: one column per thread (CPU, device, interrupt handler),
// one row per event, rows in an order the execution allows (a topological order of
// po ∪ rf ∪ co ∪ fr when that has no cycle, else of po ∪ rf, else program order
// thread by thread). Each event carries its index in its thread (#4); reads show the
// value read and the event that wrote it. Events listed in highlight are marked with
// "!". When the model names the kernel code an instruction stands for (model.Instr's
// Src), a last column shows it. A legend follows the table.
func Render(g *model.ExecutionGraph, highlight []model.EventRef) string {
	p := g.Prog
	order := linearOrder(g)
	marked := map[model.EventRef]bool{}
	for _, r := range highlight {
		marked[r] = true
	}
	cols := len(p.Threads)
	withSrc := false
	for _, r := range order {
		if sourceOf(g, r) != "" {
			withSrc = true
			break
		}
	}
	ncols := cols
	if withSrc {
		ncols++
	}
	cells := make([][]string, len(order))
	width := make([]int, ncols)
	head := make([]string, ncols)
	for t, th := range p.Threads {
		head[t] = fmt.Sprintf("%s (%s)", th.Name, th.Kind)
	}
	if withSrc {
		head[cols] = "kernel source"
	}
	for c := range head {
		width[c] = utf8.RuneCountInString(head[c]) + 2
	}
	for row, r := range order {
		cells[row] = make([]string, ncols)
		s := fmt.Sprintf("#%d %s", r.Index, cellText(g, r))
		if marked[r] {
			s = "! " + s
		}
		cells[row][r.Thread] = s
		if withSrc {
			cells[row][cols] = sourceOf(g, r)
		}
		for c, text := range cells[row] {
			if n := utf8.RuneCountInString(text) + 2; n > width[c] {
				width[c] = n
			}
		}
	}
	var b strings.Builder
	line := func(texts []string) {
		var parts []string
		for c, s := range texts {
			parts = append(parts, s+strings.Repeat(" ", width[c]-utf8.RuneCountInString(s)))
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "│ "), " "))
		b.WriteByte('\n')
	}
	rule := make([]string, ncols)
	for c := range rule {
		rule[c] = strings.Repeat("─", width[c])
	}
	line(head)
	line(rule)
	for _, row := range cells {
		line(row)
	}
	end := make([]string, ncols)
	for t := range p.Threads {
		end[t] = "(" + threadEnd(g, t) + ")"
	}
	line(end)
	b.WriteString(Legend)
	return b.String()
}

// Legend explains Render's notation; Render appends it.
const Legend = `
Legend: one column per thread, one row per event, top to bottom in an order the execution allows.
  #4              the event's index in its thread; cpu1#4 names event 4 of cpu1
  !               an event that breaks the property
  » ACTION        a logical action the properties read (a request submitted, steered, consumed…), not a memory access
  x = 1 (cpu1#4)  a read of x that returned 1, the value event cpu1#4 wrote ("init": the initial value)
  read_once, write_once, acquire-read, release-write
                  READ_ONCE/ACCESS_ONCE, WRITE_ONCE, smp_load_acquire, smp_store_release; "read"/"write" alone are plain
  lock L: sees 0, locked L, unlock L
                  spin_lock's read and write of the lock word L, spin_unlock
  rmw x: reads 1, rmw x: writes 2
                  the two halves of an atomic read-modify-write (atomic_inc_return, atomic_dec…)
  (done), (idle), (blocked), (out-of-bound), (fault)
                  how each thread ended: finished; waiting for work (a device or interrupt thread with nothing to do);
                  waiting forever (a hang or a deadlock); cut by a loop bound; crashed on a bad address
`

// threadEnd is how thread t ended: its status, "idle" for a thread blocked where it
// waits for work (model.Instr's Idle).
func threadEnd(g *model.ExecutionGraph, t int) string {
	st := &g.Threads[t].State
	if st.Status == model.Blocked {
		if code := g.Prog.Threads[t].Code; st.AwaitPC >= 0 && int(st.AwaitPC) < len(code) && code[st.AwaitPC].Idle {
			return "idle"
		}
	}
	return st.Status.String()
}

// sourceOf is the kernel source the model names for the instruction behind event r
// (model.Instr's Src), or "".
func sourceOf(g *model.ExecutionGraph, r model.EventRef) string {
	e := g.Event(r)
	code := g.Prog.Threads[r.Thread].Code
	if e.PC < 0 || int(e.PC) >= len(code) {
		return ""
	}
	return code[e.PC].Src
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
		arity := 3
		if code := p.Threads[r.Thread].Code; e.PC >= 0 && int(e.PC) < len(code) {
			arity = len(code[e.PC].Args)
		}
		return markerText(e.Marker, arity, [3]int64{int64(e.Args[0]), int64(e.Args[1]), int64(e.Args[2])})
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
