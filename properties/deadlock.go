package properties

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// lockOrder is the lockdep-style graph of P5: an edge A → B between lock classes (the
// array a lock belongs to: "tgt_lock", "vq_lock") records that some thread took a
// lock of class B while holding one of class A. It lives across the executions of a
// run, so an inversion is found even when no single execution deadlocks.
type lockOrder struct {
	edges map[[2]string]lockWitness
	succ  map[string][]string
	held  [][]model.LocID // per-thread scratch
}

// lockWitness says where an edge was first seen.
type lockWitness struct {
	execution int64
	thread    string
	holding   string // the lock held
	taking    string // the lock taken
}

func (l *lockOrder) init() {
	l.edges = map[[2]string]lockWitness{}
	l.succ = map[string][]string{}
}

// reaches reports whether class b is reachable from a in the graph.
func (l *lockOrder) reaches(a, b string) bool {
	seen := map[string]bool{a: true}
	stack := []string{a}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == b {
			return true
		}
		for _, y := range l.succ[x] {
			if !seen[y] {
				seen[y] = true
				stack = append(stack, y)
			}
		}
	}
	return false
}

// deadlock checks P5 on one graph: threads blocked forever in spin_lock, then the
// lock-order edges this execution adds to the run's graph.
func (c *Checker) deadlock(g *model.ExecutionGraph) (string, []model.EventRef) {
	if msg, evs := c.blockedInLock(g); msg != "" {
		return msg, evs
	}
	return c.lockInversion(g)
}

// waitingFor returns the lock thread t waits for forever, if it is blocked in spin_lock.
func waitingFor(g *model.ExecutionGraph, t int) (model.LocID, bool) {
	st := &g.Threads[t].State
	code := g.Prog.Threads[t].Code
	if st.Status != model.Blocked || int(st.PC) >= len(code) || code[st.PC].Op != model.OpLock {
		return 0, false
	}
	evs := g.Threads[t].Events
	return evs[len(evs)-1].Loc, true
}

// holder is the thread whose lock acquisition is the last write to l, or -1.
func holder(g *model.ExecutionGraph, l model.LocID) int {
	w := g.CoMax(l)
	if w.IsInit() || g.Event(w).Ann&model.AnnLock == 0 {
		return -1
	}
	return int(w.Thread)
}

func (c *Checker) blockedInLock(g *model.ExecutionGraph) (string, []model.EventRef) {
	for t := range g.Threads {
		if _, ok := waitingFor(g, t); ok {
			return c.lockWait(g, t)
		}
	}
	return "", nil
}

// lockWait describes the chain of lock waits that starts at thread t, which waits
// forever in spin_lock: who holds the lock, what that thread waits for, and so on
// until a thread repeats (a deadlock) or a holder is not waiting (it never unlocks).
func (c *Checker) lockWait(g *model.ExecutionGraph, t int) (string, []model.EventRef) {
	l, _ := waitingFor(g, t)
	var chain []string
	var evs []model.EventRef
	seen := map[int]bool{}
	for cur := t; ; {
		seen[cur] = true
		evs = append(evs, model.EventRef{Thread: int32(cur), Index: int32(len(g.Threads[cur].Events) - 1)})
		h := holder(g, l)
		if h < 0 {
			chain = append(chain, fmt.Sprintf("%s waits forever in spin_lock(%s)", c.sc.ThreadName(cur), g.LocName(l)))
			break
		}
		chain = append(chain, fmt.Sprintf("%s waits forever in spin_lock(%s) held by %s", c.sc.ThreadName(cur), g.LocName(l), c.sc.ThreadName(h)))
		next, blocked := waitingFor(g, h)
		if !blocked {
			chain = append(chain, fmt.Sprintf("%s never releases it (status %s)", c.sc.ThreadName(h), g.Status(h)))
			break
		}
		if seen[h] {
			chain[0] = "deadlock: " + chain[0]
			break
		}
		cur, l = h, next
	}
	return strings.Join(chain, "; "), evs
}

func (c *Checker) lockInversion(g *model.ExecutionGraph) (string, []model.EventRef) {
	lo := &c.locks
	if cap(lo.held) < len(g.Threads) {
		lo.held = make([][]model.LocID, len(g.Threads))
	}
	lo.held = lo.held[:len(g.Threads)]
	for t := range g.Threads {
		held := lo.held[t][:0]
		evs := g.Threads[t].Events
		for i := range evs {
			e := &evs[i]
			ref := model.EventRef{Thread: int32(t), Index: int32(i)}
			switch {
			case e.Kind == model.KindWrite && e.Ann&model.AnnLock != 0:
				if msg := c.nest(g, t, held, e.Loc); msg != "" {
					lo.held[t] = held
					return msg, []model.EventRef{ref}
				}
				held = append(held, e.Loc)
			case e.Kind == model.KindWrite && e.Ann&model.AnnUnlock != 0:
				for k := len(held) - 1; k >= 0; k-- {
					if held[k] == e.Loc {
						held = append(held[:k], held[k+1:]...)
						break
					}
				}
			}
		}
		if l, ok := waitingFor(g, t); ok { // an attempted acquisition nests too
			if msg := c.nest(g, t, held, l); msg != "" {
				lo.held[t] = held
				return msg, []model.EventRef{{Thread: int32(t), Index: int32(len(evs) - 1)}}
			}
		}
		lo.held[t] = held
	}
	return "", nil
}

// nest records that thread t takes lock l while holding held, and reports an
// inversion when a new edge closes a cycle in the run's lock-order graph.
func (c *Checker) nest(g *model.ExecutionGraph, t int, held []model.LocID, l model.LocID) string {
	lo := &c.locks
	to := g.Prog.Locs[l].Array
	for _, h := range held {
		from := g.Prog.Locs[h].Array
		key := [2]string{from, to}
		if _, ok := lo.edges[key]; ok {
			continue
		}
		w := lockWitness{execution: c.n, thread: c.sc.ThreadName(t), holding: g.LocName(h), taking: g.LocName(l)}
		cyclic := from == to || lo.reaches(to, from)
		lo.edges[key] = w
		lo.succ[from] = append(lo.succ[from], to)
		if !cyclic {
			continue
		}
		if from == to {
			return fmt.Sprintf("lock order: %s takes %s while holding %s, two locks of class %s nested", w.thread, w.taking, w.holding, from)
		}
		back := lo.edges[[2]string{to, from}]
		if back.thread == "" {
			return fmt.Sprintf("lock order inversion: %s takes %s while holding %s, against an existing %s → %s chain", w.thread, w.taking, w.holding, to, from)
		}
		return fmt.Sprintf("lock order inversion: %s takes %s while holding %s (%s → %s), but %s took %s while holding %s (%s → %s) in execution %d",
			w.thread, w.taking, w.holding, from, to, back.thread, back.taking, back.holding, to, from, back.execution)
	}
	return ""
}
