package model

import (
	"fmt"
	"strings"
)

// pattern.go turns one execution into a small program of its own: the straight-line
// code that performs exactly that execution's events, thread by thread. It is how a
// witness of a broken ordering, found in a scenario full of spin-waits, loops and
// computed addresses, becomes a litmus test herd7 can judge (requirements exports it).
//
// What is kept, per event: the kind of access and its annotations (so every model
// orders it as before), the location (made constant), the fence, the lock operation,
// the RMW operation, and the data and control dependencies on earlier reads of the
// thread. Data dependencies are written as "v + (r - r)": the value the execution
// wrote, still computed from the registers it depended on. Control dependencies are
// an "if (r == v) { … }" around the events the original branch enclosed
// (Event.Ctrl), closed where they stop carrying it, so both herd7's C reading (up to
// the join) and the hardware's (every later event, Event.CtrlAll) are what they were;
// a dependency only the hardware sees (a branch whose blocks held no event, a
// spin-wait's exit) is an "if (r == v) { }" with nothing inside. What is
// lost: address dependencies (the location is a constant now; Pattern.Lost names
// each one), and which branch a spin-wait took before its final iteration (only the
// final iteration is in an execution anyway). Markers are dropped.
//
// The expected outcome, Pattern.Expect, is the value every register received and the
// final value of every location the execution wrote: the witness itself satisfies it,
// so a model that allowed the witness allows the pattern's outcome (losing address
// dependencies only allows more).

// Pattern is the straight-line program of one execution.
type Pattern struct {
	Program *Program
	// Expect is the outcome the execution reached: one entry per register (Thread is
	// the thread's index in Program, Name the register's) and per written location
	// (Thread is -1, Name the location's name in Program).
	Expect []Expected
	// Lost describes each dependency the straight-line code cannot carry.
	Lost []string
}

// Expected is one register's or location's value at the end of an execution.
type Expected struct {
	Thread int
	Name   string
	Val    Value
}

// PatternOf builds the straight-line program performing the events of each thread of
// g (threads without memory events are left out), named name.
func PatternOf(g *ExecutionGraph, name string) (*Pattern, error) {
	threads := make([][]Event, len(g.Threads))
	for t := range g.Threads {
		threads[t] = g.Threads[t].Events
	}
	final := make([]Value, len(g.Prog.Locs))
	written := make([]bool, len(g.Prog.Locs))
	for l := range g.Prog.Locs {
		final[l] = g.FinalValue(LocID(l))
		written[l] = len(g.Co[l]) > 0
	}
	return StraightLine(g.Prog, name, threads, final, written)
}

// StraightLine builds the straight-line program performing events, given per thread of
// src in program order as src's interpreter produced them (each event's PC names its
// instruction). final and written give each location's final value and whether the
// execution wrote it, for Pattern.Expect.
func StraightLine(src *Program, name string, events [][]Event, final []Value, written []bool) (*Pattern, error) {
	b := &patternBuilder{src: src, out: NewProgram(name), locs: make([]Array, len(src.Locs)), used: make([]bool, len(src.Locs))}
	for _, evs := range events {
		for _, e := range evs {
			if e.HasLoc() {
				b.used[e.Loc] = true
			}
		}
	}
	for l, loc := range src.Locs {
		if b.used[l] {
			b.locs[l] = b.out.Var(loc.Name, loc.Init)
		}
	}
	for t, evs := range events {
		if !hasMemoryEvent(evs) {
			continue
		}
		if err := b.thread(src.Threads[t], evs); err != nil {
			return nil, fmt.Errorf("model: pattern of %s: thread %s: %w", src.Name, src.Threads[t].Name, err)
		}
		b.finishExpect(len(b.out.Threads) - 1)
	}
	for l, loc := range src.Locs {
		if b.used[l] && written[l] && !b.lock[LocID(l)] {
			b.expect = append(b.expect, Expected{Thread: -1, Name: loc.Name, Val: final[l]})
		}
	}
	b.out.Seal()
	return &Pattern{Program: b.out, Expect: b.expect, Lost: b.lost}, nil
}

func hasMemoryEvent(evs []Event) bool {
	for i := range evs {
		if evs[i].Kind != KindMarker {
			return true
		}
	}
	return false
}

type patternBuilder struct {
	src    *Program
	out    *Program
	locs   []Array // per source location used
	used   []bool
	lock   map[LocID]bool
	expect []Expected
	lost   []string

	// per thread
	st   *Thread
	t    *Thread
	evs  []Event
	regs []Reg // per event index: the register holding the read's value (ID < 0: none)
}

func (b *patternBuilder) thread(src *Thread, evs []Event) error {
	b.st, b.evs = src, evs
	b.t = b.out.Thread(src.Name, src.Kind)
	b.regs = make([]Reg, len(evs))
	for i := range b.regs {
		b.regs[i] = Reg{ID: -1}
	}
	if b.lock == nil {
		b.lock = map[LocID]bool{}
	}
	var all DepSet
	_, err := b.from(0, DepSet{}, &all)
	return err
}

// from emits the events from index i on, inside ifs that give them the control
// dependency ctrl (as Event.Ctrl has it); all is what every if emitted so far gives
// (as Event.CtrlAll has it). It returns the index of the first event that is not
// inside those ifs (its Ctrl lacks part of ctrl), or len(evs).
func (b *patternBuilder) from(i int, ctrl DepSet, all *DepSet) (int, error) {
	for i < len(b.evs) {
		e := &b.evs[i]
		if e.Kind == KindMarker {
			i++
			continue
		}
		if !e.Ctrl.Contains(ctrl) {
			return i, nil
		}
		hw := e.CtrlAll
		hw.Minus(e.Ctrl)
		if extra := b.newCtrl(hw, *all); len(extra) > 0 {
			b.t.If(b.ctrlCond(extra), func() {})
			addAll(all, extra)
		}
		if extra := b.newCtrl(e.Ctrl, ctrl); len(extra) > 0 {
			next := ctrl
			addAll(&next, extra)
			addAll(all, extra)
			var err error
			b.t.If(b.ctrlCond(extra), func() { i, err = b.from(i, next, all) })
			if err != nil {
				return i, err
			}
			continue
		}
		n, err := b.event(i)
		if err != nil {
			return i, err
		}
		i += n
	}
	return i, nil
}

// ctrlCond is the condition that the reads rs got the values they got.
func (b *patternBuilder) ctrlCond(rs []int) Expr {
	var cond Expr
	for _, r := range rs {
		c := Bin(OpEq, b.regs[r], Const(b.regValue(r)))
		if cond == nil {
			cond = c
		} else {
			cond = Bin(OpLAnd, cond, c)
		}
	}
	return cond
}

func addAll(d *DepSet, rs []int) {
	for _, r := range rs {
		d.Add(r)
	}
}

// newCtrl lists the reads in deps, not in have, that the pattern can test: those with
// a register (a lock's own read is re-created by spin_lock, which orders what
// follows by itself).
func (b *patternBuilder) newCtrl(deps, have DepSet) []int {
	var out []int
	for _, r := range deps.Members() {
		if !have.Has(r) && b.regs[r].ID >= 0 {
			out = append(out, r)
		}
	}
	return out
}

// regValue is the value register regs[i] received in the execution.
func (b *patternBuilder) regValue(i int) Value {
	e := &b.evs[i]
	in := &b.st.Code[e.PC]
	switch in.Op {
	case OpRMW:
		if in.ReturnNew && i+1 < len(b.evs) && b.evs[i+1].PC == e.PC && b.evs[i+1].Kind == KindWrite {
			return b.evs[i+1].Val
		}
	case OpTrylock:
		if i+1 < len(b.evs) && b.evs[i+1].PC == e.PC && b.evs[i+1].Kind == KindWrite {
			return 1
		}
		return 0
	}
	return e.Val
}

// withData returns v computed from the registers of the reads in deps.
func (b *patternBuilder) withData(v Value, deps DepSet) Expr {
	var x Expr = Const(v)
	for _, r := range deps.Members() {
		if b.regs[r].ID >= 0 {
			x = Add(x, Sub(b.regs[r], b.regs[r]))
		}
	}
	return x
}

// event emits the instruction of event i and reports how many events it covers.
func (b *patternBuilder) event(i int) (int, error) {
	e := &b.evs[i]
	in := &b.st.Code[e.PC]
	if e.Kind == KindRead || e.Kind == KindWrite {
		if !e.Addr.Empty() {
			code, _, _ := strings.Cut(in.String(b.st), "   /* ")
			b.lost = append(b.lost, fmt.Sprintf("%s: the address of %s (%s) depended on %s", b.st.Name,
				b.src.Locs[e.Loc].Name, strings.TrimSpace(code), b.depNames(e.Addr)))
		}
	}
	at := b.locs[e.Loc]
	pair := i+1 < len(b.evs) && b.evs[i+1].PC == e.PC && b.evs[i+1].Kind == KindWrite
	switch {
	case e.Kind == KindFence && e.Fence.HasLoc():
		b.t.Site(in.Site).SynchronizeSrcu(at)
		return 1, nil
	case e.Kind == KindFence:
		b.t.Site(in.Site).Fence(e.Fence)
		return 1, nil
	case in.Op == OpLock:
		if e.Kind != KindRead || !pair {
			return 0, fmt.Errorf("spin_lock at %d: events out of order", e.PC)
		}
		b.lock[e.Loc] = true
		b.t.Site(in.Site).SpinLock(at)
		return 2, nil
	case in.Op == OpUnlock:
		b.lock[e.Loc] = true
		b.t.Site(in.Site).SpinUnlock(at)
		return 1, nil
	case in.Op == OpTrylock:
		b.lock[e.Loc] = true
		b.regs[i] = b.t.Named(b.regName()).Site(in.Site).SpinTrylock(at)
		if pair {
			return 2, nil
		}
		return 1, nil
	case in.Op == OpRMW:
		return b.rmw(i, in, at, pair)
	case e.Kind == KindRead:
		b.regs[i] = b.t.Named(b.regName()).Site(in.Site).Load(at, e.Ann&(AnnPlain|AnnOnce|AnnAcquire|AnnDeref|AnnSrcuLock))
		return 1, nil
	case e.Kind == KindWrite:
		b.t.Site(in.Site).Store(at, b.withData(e.Val, e.Data), e.Ann&(AnnPlain|AnnOnce|AnnRelease|AnnSrcuUnlock))
		return 1, nil
	}
	return 0, fmt.Errorf("event %d (%s at %d) has no straight-line form", i, e.Kind, e.PC)
}

// rmw emits a read-modify-write with constant operands that make it write what the
// execution wrote (a failed cmpxchg or add_unless gets operands that make it fail).
func (b *patternBuilder) rmw(i int, in *Instr, at Array, pair bool) (int, error) {
	rd := &b.evs[i]
	old := rd.Val
	var v, v2 Value
	var wdata DepSet
	if pair {
		wdata = b.evs[i+1].Data
	}
	nw := old
	if pair {
		nw = b.evs[i+1].Val
	}
	switch in.RMW {
	case RMWAdd:
		v = nw - old
	case RMWXchg:
		v = nw
	case RMWCmpxchg:
		if pair {
			v, v2 = old, nw
		} else {
			v, v2 = old+1, old
		}
	case RMWAnd, RMWOr:
		v = nw
	case RMWAddUnless:
		if pair {
			v, v2 = nw-old, old+1
		} else {
			v, v2 = 1, old
		}
	default:
		return 0, fmt.Errorf("rmw kind %d at %d", in.RMW, rd.PC)
	}
	var val2 any
	if in.RMW == RMWCmpxchg || in.RMW == RMWAddUnless {
		val2 = b.withData(v2, wdata)
	}
	r := b.t.Named(b.regName()).Site(in.Site).RMWOp(in.RMW, at, b.withData(v, wdata), val2, in.Ann&^AnnRMW, in.ReturnNew)
	if in.Ann&AnnNoReturn == 0 {
		b.regs[i] = r
	}
	if pair {
		return 2, nil
	}
	return 1, nil
}

// regName names the next register of the current thread, r0, r1, ...
func (b *patternBuilder) regName() string { return fmt.Sprintf("r%d", len(b.t.RegNames)) }

func (b *patternBuilder) depNames(d DepSet) string {
	var parts []string
	for _, r := range d.Members() {
		ev := &b.evs[r]
		parts = append(parts, "the read of "+b.src.Locs[ev.Loc].Name)
	}
	return strings.Join(parts, ", ")
}

// finishExpect records, once a thread is built, what its registers received.
func (b *patternBuilder) finishExpect(thread int) {
	for i, r := range b.regs {
		if r.ID >= 0 {
			b.expect = append(b.expect, Expected{Thread: thread, Name: b.t.RegNames[r.ID], Val: b.regValue(i)})
		}
	}
}

// RunThread interprets thread t of p on its own, taking the value of each read from
// read, and returns the events it produces until it ends or blocks, with its final
// status. It is how the same path through a differently annotated program is found:
// requirements replays a witness's read values through the program as written.
func (p *Program) RunThread(t int, read func(ev *Event) (Value, error)) ([]Event, Status, error) {
	code := p.Seal().Threads[t]
	var st ThreadState
	st.reset(code)
	var pr proposal
	var evs []Event
	for code.next(&st, &pr) {
		ev := pr.ev
		if ev.Kind == KindRead {
			v, err := read(&ev)
			if err != nil {
				return nil, st.Status, err
			}
			ev.Val = v
		}
		code.apply(&st, &ev)
		evs = append(evs, ev)
		if len(evs) > MaxThreadEvents {
			return nil, st.Status, fmt.Errorf("model: thread %s produces more than %d events", code.Name, MaxThreadEvents)
		}
	}
	return evs, st.Status, nil
}

// Satisfied reports whether g, an execution of the pattern's program, reaches the
// outcome Expect describes.
func (pt *Pattern) Satisfied(g *ExecutionGraph) bool {
	for _, x := range pt.Expect {
		if x.Thread < 0 {
			l, ok := pt.Program.LocByName(x.Name)
			if !ok || g.FinalValue(l) != x.Val {
				return false
			}
			continue
		}
		th := pt.Program.Threads[x.Thread]
		found := false
		for id, n := range th.RegNames {
			if n == x.Name {
				found = g.Threads[x.Thread].State.Regs[id] == x.Val
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
