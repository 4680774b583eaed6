package model

import "math/rand"

// Scheduler picks which runnable thread moves next in a random walk. runnable is in
// increasing thread order; Next returns an index into it.
type Scheduler interface {
	Next(runnable []int) int
}

// UniformScheduler picks uniformly at random among the runnable threads.
type UniformScheduler struct{ Rand *rand.Rand }

// Next implements Scheduler.
func (s UniformScheduler) Next(runnable []int) int { return s.Rand.Intn(len(runnable)) }

// PCTScheduler is probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010): threads get distinct random priorities and the highest
// runnable one always moves; at Depth-1 random steps the running thread's priority
// drops below all others. A bug of depth d is found with probability at least
// 1/(n·k^(d-1)) per walk, for n threads and k steps.
type PCTScheduler struct {
	prio    []int
	changes map[int]bool
	step    int
	low     int
}

// NewPCTScheduler prepares a PCT walk for threads threads, about steps steps, and bug
// depth depth (at least 1).
func NewPCTScheduler(rng *rand.Rand, threads, steps, depth int) *PCTScheduler {
	s := &PCTScheduler{prio: rng.Perm(threads), changes: map[int]bool{}, low: -1}
	for i := 0; i < depth-1 && steps > 0; i++ {
		s.changes[rng.Intn(steps)] = true
	}
	return s
}

// Next implements Scheduler.
func (s *PCTScheduler) Next(runnable []int) int {
	best := 0
	for i, t := range runnable {
		if s.prio[t] > s.prio[runnable[best]] {
			best = i
		}
	}
	if s.changes[s.step] {
		s.prio[runnable[best]] = s.low
		s.low--
	}
	s.step++
	return best
}

// Walk runs one execution of p under sequential consistency, letting s pick the
// thread that moves at every step: each read reads the latest value, each write
// becomes the latest. A spin-wait or lock that fails is retried once another write has
// happened; threads still waiting when nothing can move end blocked, having read the
// final values. It returns the complete graph, whose executions properties can check;
// random walks find violations but can never show that a property holds.
func Walk(p *Program, s Scheduler) *ExecutionGraph {
	p.Seal()
	g := NewGraph(p)
	n := len(p.Threads)
	waitFrom := make([]int, n) // writes seen when the thread last failed; -1: not waiting
	for i := range waitFrom {
		waitFrom[i] = -1
	}
	writes := 0
	runnable := make([]int, 0, n)
	for {
		runnable = runnable[:0]
		for t := 0; t < n; t++ {
			if waitFrom[t] >= 0 && writes == waitFrom[t] {
				continue
			}
			if g.Threads[t].State.rmwPending || p.Threads[t].next(&g.Threads[t].State, &g.prop) {
				runnable = append(runnable, t)
			}
		}
		if len(runnable) == 0 {
			break
		}
		t := runnable[s.Next(runnable)]
		waitFrom[t] = -1
		writes += g.walkStep(t)
		if g.Threads[t].State.Status == Blocked {
			// Undo the failed iteration; retry after the next write.
			start := g.Threads[t].State.AwaitStart
			for int32(len(g.Threads[t].Events)) > start {
				g.pop(t)
			}
			waitFrom[t] = writes
		}
	}
	// Threads still waiting read the final values once more and stay blocked.
	for t := 0; t < n; t++ {
		if waitFrom[t] >= 0 {
			for g.Threads[t].State.Status == Running && p.Threads[t].next(&g.Threads[t].State, &g.prop) {
				g.walkStep(t)
			}
		}
	}
	return g
}

// walkStep performs thread t's next event (and the rest of an RMW or of a spin-wait
// iteration, which are atomic here) and returns how many writes it made.
func (g *ExecutionGraph) walkStep(t int) int {
	code := g.Prog.Threads[t]
	wrote := 0
	iter := int32(-1)
	for {
		st := &g.Threads[t].State
		if !code.next(st, &g.prop) {
			return wrote
		}
		ev := g.prop.ev
		switch ev.Kind {
		case KindRead:
			w := g.CoMax(ev.Loc)
			ev.RF, ev.Val, ev.AddedMax = w, g.WriteValue(w), true
			g.push(t, &ev, 0)
		case KindWrite:
			ev.AddedMax = true
			g.push(t, &ev, len(g.Co[ev.Loc]))
			wrote++
		default:
			g.push(t, &ev, 0)
		}
		st = &g.Threads[t].State
		if iter < 0 {
			iter = st.AwaitStart
		}
		if st.Status != Running {
			return wrote
		}
		if st.rmwPending {
			continue
		}
		if iter >= 0 && st.AwaitStart == iter {
			continue // the rest of the spin-wait iteration
		}
		return wrote
	}
}
