package model

// Status is where a thread's interpreter stands.
type Status uint8

// Thread statuses.
const (
	Running    Status = iota // has a next event
	Done                     // ran to its end
	Blocked                  // in a spin-wait (or lock) whose final iteration failed
	OutOfBound               // a bounded loop ran out of iterations
	Fault                    // computed an address outside its array
)

func (s Status) String() string {
	return [...]string{"running", "done", "blocked", "out-of-bound", "fault"}[s]
}

// ThreadState is the interpreter state of one thread between two events.
type ThreadState struct {
	PC         int32
	Status     Status
	AwaitStart int32 // index of the first event of the current spin-wait iteration, or -1
	AwaitPC    int32 // the instruction that began it
	NEvents    int32 // events produced so far
	rmwPending bool  // the read half of an RMW happened; the write half is next
	rmwOld     Value
	Regs       []Value
	Deps       []DepSet
	Ctrl       DepSet // the reads the enclosing ifs tested (part of Event.Ctrl)
	CtrlLoop   DepSet // the reads every earlier loop exit tested (part of Event.Ctrl)
	CtrlAll    DepSet // the reads every earlier branch tested (Event.CtrlAll)
	scopes     []ctrlScope
}

// ctrlScope is an if statement (or unrolled loop) the thread is inside: where it ends
// and the control dependency in force before it began.
type ctrlScope struct {
	join  int32
	outer DepSet
}

func (st *ThreadState) reset(t *Thread) {
	st.PC, st.Status, st.AwaitStart, st.NEvents, st.rmwPending, st.rmwOld = 0, Running, -1, 0, false, 0
	n := len(t.RegNames)
	if cap(st.Regs) < n {
		st.Regs = make([]Value, n)
		st.Deps = make([]DepSet, n)
	}
	st.Regs, st.Deps = st.Regs[:n], st.Deps[:n]
	for i := range st.Regs {
		st.Regs[i] = 0
		st.Deps[i] = DepSet{}
	}
	st.Ctrl, st.CtrlLoop, st.CtrlAll = DepSet{}, DepSet{}, DepSet{}
	st.scopes = st.scopes[:0]
}

func (st *ThreadState) copyFrom(o *ThreadState) {
	regs, deps, scopes := st.Regs[:0], st.Deps[:0], st.scopes[:0]
	*st = *o
	st.Regs = append(regs, o.Regs...)
	st.Deps = append(deps, o.Deps...)
	st.scopes = append(scopes, o.scopes...)
}

// proposal is the next event a thread wants to perform.
type proposal struct {
	ev Event
}

func (t *Thread) locOf(st *ThreadState, in *Instr, ev *Event) bool {
	idx := Value(0)
	if in.Loc.Index != nil {
		idx = in.Loc.Index.eval(st.Regs)
		in.Loc.Index.deps(st.Deps, &ev.Addr)
	}
	if idx < 0 || idx >= Value(in.Loc.A.Len) {
		st.Status = Fault
		return false
	}
	ev.Loc = in.Loc.A.Base + LocID(idx)
	return true
}

// next runs thread-local instructions up to the next event and describes that event.
// It returns false when the thread has no next event (done, blocked, out of bound or
// faulted). Calling it again without apply returns the same event.
func (t *Thread) next(st *ThreadState, p *proposal) bool {
	for st.Status == Running {
		if int(st.PC) >= len(t.Code) {
			st.Status = Done
			return false
		}
		for n := len(st.scopes); n > 0 && st.PC >= st.scopes[n-1].join; n-- {
			st.Ctrl = st.scopes[n-1].outer
			st.scopes = st.scopes[:n-1]
		}
		in := &t.Code[st.PC]
		if st.NEvents >= MaxThreadEvents {
			st.Status = OutOfBound
			return false
		}
		ev := &p.ev
		*ev = Event{PC: st.PC, Ctrl: st.Ctrl, CtrlAll: st.CtrlAll, InAwait: st.AwaitStart >= 0}
		ev.Ctrl.Union(st.CtrlLoop)
		switch in.Op {
		case OpAssign:
			st.Regs[in.Dst] = in.Val.eval(st.Regs)
			var d DepSet
			in.Val.deps(st.Deps, &d)
			st.Deps[in.Dst] = d
			st.PC++
			continue
		case OpBranchFalse:
			switch {
			case in.Loop:
				in.Cond.deps(st.Deps, &st.CtrlLoop)
			case int(st.PC)+1 < in.Join:
				st.scopes = append(st.scopes, ctrlScope{join: int32(in.Join), outer: st.Ctrl})
				in.Cond.deps(st.Deps, &st.Ctrl)
			}
			in.Cond.deps(st.Deps, &st.CtrlAll)
			if in.Cond.eval(st.Regs) == 0 {
				st.PC = int32(in.Target)
			} else {
				st.PC++
			}
			continue
		case OpJump:
			st.PC = int32(in.Target)
			continue
		case OpAwaitBegin:
			st.AwaitStart = st.NEvents
			st.AwaitPC = st.PC
			st.PC++
			continue
		case OpAwaitCheck:
			in.Cond.deps(st.Deps, &st.CtrlLoop)
			in.Cond.deps(st.Deps, &st.CtrlAll)
			if in.Cond.eval(st.Regs) == 0 {
				st.Status = Blocked
				return false
			}
			st.AwaitStart = -1
			st.PC++
			continue
		case OpBound:
			st.Status = OutOfBound
			return false
		case OpLoad:
			ev.Kind, ev.Ann = KindRead, in.Ann
			if !t.locOf(st, in, ev) {
				return false
			}
		case OpStore, OpUnlock:
			ev.Kind, ev.Ann = KindWrite, in.Ann
			if !t.locOf(st, in, ev) {
				return false
			}
			ev.Val = in.Val.eval(st.Regs)
			in.Val.deps(st.Deps, &ev.Data)
		case OpRMW, OpLock, OpTrylock:
			ev.Ann = in.Ann
			if !t.locOf(st, in, ev) {
				return false
			}
			if in.Op == OpLock {
				ev.InAwait = true
			}
			if !st.rmwPending {
				ev.Kind = KindRead
				break
			}
			ev.Kind = KindWrite
			old := st.rmwOld
			var v Value
			switch {
			case in.Op != OpRMW:
				v = 1
			case in.RMW == RMWAdd:
				v = old + in.Val.eval(st.Regs)
			case in.RMW == RMWXchg:
				v = in.Val.eval(st.Regs)
			case in.RMW == RMWCmpxchg:
				v = in.Val2.eval(st.Regs)
			case in.RMW == RMWAnd:
				v = old & in.Val.eval(st.Regs)
			case in.RMW == RMWOr:
				v = old | in.Val.eval(st.Regs)
			case in.RMW == RMWAddUnless:
				v = old + in.Val.eval(st.Regs)
			}
			ev.Val = v
			if in.Val != nil {
				in.Val.deps(st.Deps, &ev.Data)
			}
			if in.Val2 != nil {
				in.Val2.deps(st.Deps, &ev.Data)
			}
			ev.Data.Add(int(st.NEvents - 1)) // the value written depends on the read half
		case OpFence:
			ev.Kind, ev.Fence = KindFence, in.Fence
			if in.Fence.HasLoc() && !t.locOf(st, in, ev) {
				return false
			}
		case OpMark:
			ev.Kind, ev.Marker = KindMarker, in.Marker
			for i, a := range in.Args {
				ev.Args[i] = a.eval(st.Regs)
			}
		}
		return true
	}
	return false
}

// apply advances the thread past the event next described; for a read, val is the
// value it read. The event's index in the thread is st.NEvents before the call.
func (t *Thread) apply(st *ThreadState, ev *Event) {
	in := &t.Code[st.PC]
	idx := int(st.NEvents)
	st.NEvents++
	switch in.Op {
	case OpLoad:
		st.Regs[in.Dst] = ev.Val
		st.Deps[in.Dst] = DepSet{}
		st.Deps[in.Dst].Add(idx)
		st.PC++
	case OpStore, OpUnlock, OpFence, OpMark:
		st.PC++
	case OpRMW, OpLock, OpTrylock:
		if ev.Kind == KindWrite {
			st.rmwPending = false
			if in.Dst >= 0 {
				switch {
				case in.Op == OpTrylock:
					st.Regs[in.Dst] = 1
				case in.ReturnNew:
					st.Regs[in.Dst] = ev.Val
				default:
					st.Regs[in.Dst] = st.rmwOld
				}
				st.Deps[in.Dst] = DepSet{}
				st.Deps[in.Dst].Add(idx - 1)
			}
			st.PC++
			return
		}
		old := ev.Val
		st.rmwOld = old
		fails := false
		switch {
		case in.Op == OpLock:
			if old != 0 {
				st.AwaitStart = int32(idx)
				st.AwaitPC = st.PC
				st.Status = Blocked
				return
			}
		case in.Op == OpTrylock:
			fails = old != 0
		case in.RMW == RMWCmpxchg:
			fails = old != in.Val.eval(st.Regs)
		case in.RMW == RMWAddUnless:
			fails = old == in.Val2.eval(st.Regs)
		}
		if fails {
			// A failed cmpxchg, add_unless or trylock is a plain marked read: it orders nothing.
			ev.Ann = ev.Ann&^(AnnRMW|AnnMb|AnnAcquire|AnnRelease) | AnnOnce
			if in.Dst >= 0 {
				if in.Op == OpTrylock {
					st.Regs[in.Dst] = 0
				} else {
					st.Regs[in.Dst] = old
				}
				st.Deps[in.Dst] = DepSet{}
				st.Deps[in.Dst].Add(idx)
			}
			st.PC++
			return
		}
		st.rmwPending = true
	default:
		panic("model: apply on a thread-local instruction")
	}
}
