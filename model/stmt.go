package model

import "fmt"

// Thread is one thread of a Program under construction. Its methods are the statements
// of the DSL; each appends instructions, and the value-returning ones return a fresh
// register holding the result, so a model reads like the C it mirrors:
//
//	cpu.SpinLock(tgtLock)
//	reqs := cpu.AtomicIncReturn(tgtReqs)
//	cpu.If(model.Eq(reqs, 1), func() { ... })
type Thread struct {
	ID       int
	Name     string
	Kind     string
	Code     []Instr
	RegNames []string
	prog     *Program
	site     string
	regName  string
	src      string
}

// NumRegs is the number of registers the thread uses.
func (t *Thread) NumRegs() int { return len(t.RegNames) }

// Reg declares a named register.
func (t *Thread) Reg(name string) Reg {
	t.RegNames = append(t.RegNames, name)
	return Reg{ID: len(t.RegNames) - 1, t: t}
}

// Source says which kernel code the statements that follow model, as
// "function (file:line)" or "function", until the next call; "" stops it. Traces print
// it beside each event, so a reader can find the line without the model's source.
func (t *Thread) Source(src string) *Thread { t.src = src; return t }

// Named gives the register returned by the next value-returning statement a name.
func (t *Thread) Named(name string) *Thread { t.regName = name; return t }

// Site names the ordering annotation made by the next statement (a fence, a ONCE
// access, an acquire or release, a lock), so it can be listed, removed or weakened.
func (t *Thread) Site(name string) *Thread { t.site = name; return t }

func (t *Thread) fresh() Reg {
	name := t.regName
	t.regName = ""
	if name == "" {
		name = fmt.Sprintf("r%d", len(t.RegNames))
	}
	return t.Reg(name)
}

func (t *Thread) emit(in Instr) int {
	if t.prog.sealed {
		panic("model: program is sealed")
	}
	if in.Site == "" {
		in.Site = t.site
	}
	if in.Src == "" {
		in.Src = t.src
	}
	t.site = ""
	t.Code = append(t.Code, in)
	return len(t.Code) - 1
}

// Let assigns an expression to a fresh register.
func (t *Thread) Let(e any) Reg {
	r := t.fresh()
	t.emit(Instr{Op: OpAssign, Dst: r.ID, Val: E(e)})
	return r
}

// Set assigns an expression to an existing register.
func (t *Thread) Set(r Reg, e any) { t.emit(Instr{Op: OpAssign, Dst: r.ID, Val: E(e)}) }

// Load reads a location with the given annotations into a fresh register.
func (t *Thread) Load(a Addr, ann Ann) Reg {
	r := t.fresh()
	t.emit(Instr{Op: OpLoad, Dst: r.ID, Loc: a.address(), Ann: ann})
	return r
}

// Store writes a location with the given annotations.
func (t *Thread) Store(a Addr, v any, ann Ann) {
	t.emit(Instr{Op: OpStore, Dst: -1, Loc: a.address(), Val: E(v), Ann: ann})
}

// ReadOnce is READ_ONCE(*a) (also ACCESS_ONCE).
func (t *Thread) ReadOnce(a Addr) Reg { return t.Load(a, AnnOnce) }

// WriteOnce is WRITE_ONCE(*a, v).
func (t *Thread) WriteOnce(a Addr, v any) { t.Store(a, v, AnnOnce) }

// Read is a plain C read of *a.
func (t *Thread) Read(a Addr) Reg { return t.Load(a, AnnPlain) }

// Write is a plain C assignment *a = v.
func (t *Thread) Write(a Addr, v any) { t.Store(a, v, AnnPlain) }

// LoadAcquire is smp_load_acquire(a).
func (t *Thread) LoadAcquire(a Addr) Reg { return t.Load(a, AnnAcquire) }

// StoreRelease is smp_store_release(a, v).
func (t *Thread) StoreRelease(a Addr, v any) { t.Store(a, v, AnnRelease) }

// RcuDereference is rcu_dereference(*a).
func (t *Thread) RcuDereference(a Addr) Reg { return t.Load(a, AnnOnce|AnnDeref) }

// AtomicRead is atomic_read(a).
func (t *Thread) AtomicRead(a Addr) Reg { return t.Load(a, AnnOnce) }

// AtomicSet is atomic_set(a, v).
func (t *Thread) AtomicSet(a Addr, v any) { t.Store(a, v, AnnOnce) }

// RMWOp appends a general read-modify-write; ann holds its ordering (AnnMb, AnnAcquire,
// AnnRelease or AnnRelaxed). It returns the register receiving the old value, or the
// new one when returnNew is set.
func (t *Thread) RMWOp(kind RMWKind, a Addr, v, v2 any, ann Ann, returnNew bool) Reg {
	r := t.fresh()
	in := Instr{Op: OpRMW, Dst: r.ID, Loc: a.address(), Val: E(v), RMW: kind, Ann: ann | AnnRMW, ReturnNew: returnNew}
	if v2 != nil {
		in.Val2 = E(v2)
	}
	t.emit(in)
	return r
}

// AtomicAdd is atomic_add(v, a): relaxed, no value returned.
func (t *Thread) AtomicAdd(a Addr, v any) { t.RMWOp(RMWAdd, a, v, nil, AnnRelaxed|AnnNoReturn, true) }

// AtomicSub is atomic_sub(v, a).
func (t *Thread) AtomicSub(a Addr, v any) {
	t.RMWOp(RMWAdd, a, Sub(0, v), nil, AnnRelaxed|AnnNoReturn, true)
}

// AtomicInc is atomic_inc(a): relaxed, no value returned, no ordering.
func (t *Thread) AtomicInc(a Addr) { t.AtomicAdd(a, 1) }

// AtomicDec is atomic_dec(a).
func (t *Thread) AtomicDec(a Addr) { t.AtomicAdd(a, -1) }

// AtomicAddReturn is atomic_add_return(v, a): fully ordered, returns the new value.
func (t *Thread) AtomicAddReturn(a Addr, v any) Reg { return t.RMWOp(RMWAdd, a, v, nil, AnnMb, true) }

// AtomicIncReturn is atomic_inc_return(a).
func (t *Thread) AtomicIncReturn(a Addr) Reg { return t.AtomicAddReturn(a, 1) }

// AtomicDecReturn is atomic_dec_return(a).
func (t *Thread) AtomicDecReturn(a Addr) Reg { return t.AtomicAddReturn(a, -1) }

// AtomicFetchAdd is atomic_fetch_add(v, a): fully ordered, returns the old value.
func (t *Thread) AtomicFetchAdd(a Addr, v any) Reg { return t.RMWOp(RMWAdd, a, v, nil, AnnMb, false) }

// Xchg is xchg(a, v): fully ordered, returns the old value.
func (t *Thread) Xchg(a Addr, v any) Reg { return t.RMWOp(RMWXchg, a, v, nil, AnnMb, false) }

// Cmpxchg is cmpxchg(a, old, new): fully ordered when it succeeds, returns the old value.
func (t *Thread) Cmpxchg(a Addr, old, new any) Reg {
	return t.RMWOp(RMWCmpxchg, a, old, new, AnnMb, false)
}

// SpinLock is spin_lock(a): wait until the lock is free, then take it (an acquire RMW).
func (t *Thread) SpinLock(a Addr) {
	t.emit(Instr{Op: OpLock, Dst: -1, Loc: a.address(), Ann: AnnLock | AnnRMW | AnnAcquire})
}

// SpinUnlock is spin_unlock(a): a release store of 0.
func (t *Thread) SpinUnlock(a Addr) {
	t.emit(Instr{Op: OpUnlock, Dst: -1, Loc: a.address(), Val: Const(0), Ann: AnnUnlock | AnnRelease})
}

// SpinTrylock is spin_trylock(a): 1 and the lock taken if it was free, else 0.
func (t *Thread) SpinTrylock(a Addr) Reg {
	r := t.fresh()
	t.emit(Instr{Op: OpTrylock, Dst: r.ID, Loc: a.address(), Ann: AnnLock | AnnRMW | AnnAcquire})
	return r
}

// Fence appends a barrier. A fence that names a location (synchronize_srcu) has its
// own statement.
func (t *Thread) Fence(k FenceKind) {
	if k.HasLoc() {
		panic("model: " + k.String() + " names a location: use its own statement")
	}
	t.emit(Instr{Op: OpFence, Dst: -1, Fence: k})
}

// SmpMb is smp_mb().
func (t *Thread) SmpMb() { t.Fence(FenceMb) }

// SmpWmb is smp_wmb().
func (t *Thread) SmpWmb() { t.Fence(FenceWmb) }

// SmpRmb is smp_rmb().
func (t *Thread) SmpRmb() { t.Fence(FenceRmb) }

// SmpReadBarrierDepends is smp_read_barrier_depends().
func (t *Thread) SmpReadBarrierDepends() { t.Fence(FenceReadBarrierDepend) }

// SmpMbBeforeAtomic is smp_mb__before_atomic().
func (t *Thread) SmpMbBeforeAtomic() { t.Fence(FenceBeforeAtomic) }

// SmpMbAfterAtomic is smp_mb__after_atomic().
func (t *Thread) SmpMbAfterAtomic() { t.Fence(FenceAfterAtomic) }

// SrcuReadLock is srcu_read_lock(a): the kernel's model reads it as a marked load of
// the srcu_struct *a (herd7's Srcu-lock event) and returns the value read, the index
// that the matching srcu_read_unlock must be given.
func (t *Thread) SrcuReadLock(a Addr) Reg { return t.Load(a, AnnSrcuLock) }

// SrcuReadUnlock is srcu_read_unlock(a, idx): a marked store of idx to the
// srcu_struct *a (Srcu-unlock). It ends the read-side critical section of the
// srcu_read_lock whose value idx carries, through data dependencies (the .bell's
// srcu-rscs).
func (t *Thread) SrcuReadUnlock(a Addr, idx any) { t.Store(a, idx, AnnSrcuUnlock) }

// SrcuDownRead is srcu_down_read(a): srcu_read_lock that may be ended by another task
// (srcu_up_read); the same event.
func (t *Thread) SrcuDownRead(a Addr) Reg { return t.SrcuReadLock(a) }

// SrcuUpRead is srcu_up_read(a, idx): srcu_read_unlock from any task; the same event.
func (t *Thread) SrcuUpRead(a Addr, idx any) { t.SrcuReadUnlock(a, idx) }

// SynchronizeSrcu is synchronize_srcu(a): a grace period of the srcu_struct *a, a fence
// event that names a (herd7's Sync-srcu, which has a location but touches no memory).
func (t *Thread) SynchronizeSrcu(a Addr) {
	t.emit(Instr{Op: OpFence, Dst: -1, Fence: FenceSyncSrcu, Loc: a.address()})
}

// SmpMbAfterSrcuReadUnlock is smp_mb__after_srcu_read_unlock(): a full barrier between
// a preceding srcu_read_unlock (and what precedes it) and what follows.
func (t *Thread) SmpMbAfterSrcuReadUnlock() { t.Fence(FenceAfterSrcuReadUnlock) }

// Mark records a logical action (a submission beginning, a buffer consumed) as a
// marker event, with up to three values, for the properties to read.
func (t *Thread) Mark(tag string, args ...any) {
	if len(args) > 3 {
		panic("model: a marker has at most three arguments")
	}
	in := Instr{Op: OpMark, Dst: -1, Marker: tag}
	for _, a := range args {
		in.Args = append(in.Args, E(a))
	}
	t.emit(in)
}

// If runs then when cond is non-zero, otherwise els (which may be nil). The events of
// both blocks carry a control dependency on the reads cond depends on (Event.Ctrl, as
// herd7's C front end has it: it ends at the join, because a compiler may turn a
// short if into a conditional move, after which a weakly ordered CPU orders only the
// code inside it); every later event of the thread carries it as the hardware has it
// (Event.CtrlAll).
func (t *Thread) If(cond any, then func(), els ...func()) {
	br := t.emit(Instr{Op: OpBranchFalse, Dst: -1, Cond: E(cond)})
	then()
	if len(els) > 0 && els[0] != nil {
		j := t.emit(Instr{Op: OpJump, Dst: -1})
		t.Code[br].Target = len(t.Code)
		els[0]()
		t.Code[j].Target = len(t.Code)
	} else {
		t.Code[br].Target = len(t.Code)
	}
	t.Code[br].Join = len(t.Code)
}

// While runs body while cond (re-evaluated by calling condFn, which may read memory)
// holds, at most bound times. If the condition still holds after bound iterations the
// execution is cut and reported as out of bound, never as passing. Every event after
// a loop test depends on it, under every model (Event.Ctrl and Event.CtrlAll): a loop
// cannot become a conditional move, and a compiler may not hoist a store above a loop
// whose accesses are volatile (READ_ONCE), which it cannot assume terminates. herd7's
// C litmus tests have no loops, so nothing there says otherwise.
func (t *Thread) While(bound int, condFn func() Expr, body func()) {
	var exits []int
	for i := 0; i < bound; i++ {
		exits = append(exits, t.emit(Instr{Op: OpBranchFalse, Dst: -1, Cond: condFn(), Loop: true}))
		body()
	}
	exits = append(exits, t.emit(Instr{Op: OpBranchFalse, Dst: -1, Cond: condFn(), Loop: true}))
	t.emit(Instr{Op: OpBound, Dst: -1})
	for _, e := range exits {
		t.Code[e].Target = len(t.Code)
		t.Code[e].Join = len(t.Code)
	}
}

// Await is a spin-wait: body emits the reads of one iteration and returns the exit
// condition. Only the final iteration appears in an execution; if its reads do not
// satisfy the condition the thread is blocked there. Every event after it carries a
// control dependency on the condition's reads under every model (Event.Ctrl and
// Event.CtrlAll), as after any loop (see While): the code after a spin-wait runs only
// once the wait has seen what it waited for.
func (t *Thread) Await(body func() Expr) {
	t.emit(Instr{Op: OpAwaitBegin, Dst: -1})
	cond := body()
	t.emit(Instr{Op: OpAwaitCheck, Dst: -1, Cond: cond})
}
