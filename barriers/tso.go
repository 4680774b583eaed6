package barriers

import "github.com/steercheck/steercheck/model"

func init() {
	register("tso", "x86-TSO with the kernel's x86 mapping (smp_mb and locked RMWs are full fences)",
		func() Model { return &TSO{} })
}

// TSO is x86-TSO, the model of Owens, Sarkar and Sewell, "A better x86 memory model:
// x86-TSO" (TPHOLs 2009), in the axiomatic form of herd7's x86tso.cat (Alglave,
// Maranget, Tautschnig, "Herding cats", TOPLAS 2014). Every CPU has a FIFO store
// buffer; loads may be satisfied from it before the stores in it reach memory. An
// execution is allowed when:
//
//   - uniproc: acyclic(po-loc ∪ rf ∪ co ∪ fr): each location is sequentially consistent.
//   - atomic: empty(rmw ∩ (fre ; coe)): nothing comes between a locked RMW's read and write.
//   - tso: acyclic(ppo ∪ mfence ∪ implied ∪ rfe ∪ co ∪ fr), the global happens-before,
//     where ppo is program order between accesses minus write→read pairs (the store
//     buffer), mfence the write→read pairs with an MFENCE between them, implied the
//     write→read pairs one of whose ends is part of a locked instruction (locked
//     instructions drain the store buffer), and rfe the external reads-from (a CPU
//     reading its own buffered store, rfi, is not a global event).
//
// Kernel primitives under the x86 mapping (arch/x86/include/asm/barrier.h, atomic.h,
// cmpxchg.h, qspinlock.h):
//
//	primitive (model.Ann / FenceKind)                  x86                   ordering here
//	plain access (AnnPlain)                            mov                   TSO only ¹
//	READ_ONCE/WRITE_ONCE/atomic_read/set (AnnOnce)     mov                   TSO only
//	rcu_dereference (AnnOnce|AnnDeref)                 mov                   TSO only
//	smp_load_acquire (AnnAcquire)                      mov                   TSO only (loads are acquire)
//	smp_store_release (AnnRelease)                     mov                   TSO only (stores are release)
//	fully ordered RMW (AnnRMW|AnnMb): xchg, cmpxchg,   lock xadd / xchg /    full fence
//	  atomic_*_return, atomic_fetch_*                    lock cmpxchg
//	*_acquire / *_release / *_relaxed RMW              lock-prefixed         full fence
//	  (AnnRMW|AnnAcquire, |AnnRelease, |AnnRelaxed)
//	void atomic_inc/add (AnnRMW|AnnRelaxed|AnnNoReturn) lock inc / lock add  full fence
//	failed cmpxchg (read, AnnRMW stripped)             lock cmpxchg          full fence ²
//	spin_lock, successful spin_trylock                 lock cmpxchg          full fence
//	  (AnnLock|AnnRMW|AnnAcquire)
//	failed spin_trylock (AnnLock read, no AnnRMW)      mov (sees it locked)  TSO only ³
//	spin_lock that waits forever (lock read ≠ 0)       mov (the spin)        TSO only
//	spin_unlock (AnnUnlock|AnnRelease)                 movb $0               TSO only
//	smp_mb (FenceMb)                                   mfence / lock add     full fence
//	smp_wmb, smp_rmb (FenceWmb, FenceRmb)              barrier()             none beyond TSO
//	smp_read_barrier_depends (FenceReadBarrierDepend)  nothing               none
//	smp_mb__before_atomic, __after_atomic,             barrier()             none (the RMW or
//	  __after_spinlock (FenceBeforeAtomic, …)                                  lock is the fence)
//	smp_mb__after_unlock_lock (FenceAfterUnlockLock)   nothing               none
//	barrier() (FenceBarrier)                           compiler only         none
//	rcu_read_lock/unlock (FenceRcuLock/Unlock)         preempt count only    none
//	synchronize_rcu (FenceSyncRcu)                     —                     unsupported (Supports)
//	srcu_read_lock/unlock, srcu_down/up_read           mov ⁴                 TSO only
//	  (AnnSrcuLock, AnnSrcuUnlock)
//	smp_mb__after_srcu_read_unlock                     the mfence in         full fence after an unlock
//	  (FenceAfterSrcuReadUnlock)                       srcu_read_unlock
//	synchronize_srcu (FenceSyncSrcu)                   —                     unsupported (Supports)
//
// ¹ The compiler is assumed to emit every C access as one mov, in program order:
// compiler reordering of plain accesses is not modelled here (lkmm is where plain
// accesses are judged). ² A failed lock cmpxchg still locks the cache line and drains
// the store buffer. ³ queued_spin_trylock reads the lock word first and gives up
// without a locked instruction when it is taken; the weaker choice is the sound one.
// ⁴ As the kernel's .def spells them; the implementation (a per-CPU counter and a full
// barrier) orders more, so this allows more, never less.
//
// TSO never needs a po ∪ rf cycle and every axiom is an acyclicity or emptiness
// condition over relations that only grow as events are added, so the model is
// prefix-closed and runs under the TruSt explorer (model.Explore). An RMW whose read is
// in the graph but whose write is not yet counts as locked already.
type TSO struct {
	x execution
	// The incremental check (incremental.go).
	checks orderChecks
}

// Name implements Model.
func (*TSO) Name() string { return "tso" }

// Doc implements Model.
func (*TSO) Doc() string { return registry["tso"].doc }

// PorfCoherent tells the explorer that no read reads from (and no write is placed
// coherence-before) a write older than one its po ∪ rf prefix wrote or read: along any
// po ∪ rf path between two threads the po steps are write→write, read→read or
// read→write (all in ppo) and the rf steps are rfe, or the path stays in one thread
// where uniproc applies, so such a choice always closes a cycle.
func (*TSO) PorfCoherent() bool { return true }

func (*TSO) unsupportedFence(k model.FenceKind) bool { return hardwareLimits{}.unsupportedFence(k) }

// Consistent implements Model: on a mirror of g (incremental.go) when g has no
// po ∪ rf cycle, else by the relations (Violation).
func (m *TSO) Consistent(g *model.ExecutionGraph) bool {
	return m.orderChecks().consistent(g, func() bool { return m.Violation(g) == "" })
}

// Violation implements Checker.
func (m *TSO) Violation(g *model.ExecutionGraph) string {
	refuseUnsupported("tso", m, g)
	x := &m.x
	x.build(g, noDeps)
	a := &x.a
	if !x.uniproc() {
		return "uniproc"
	}
	if !x.atomic() {
		return "atomic"
	}
	if !a.acyclic(m.ghb()) {
		return "tso"
	}
	return ""
}

// ghb is the relation of the tso axiom, ppo ∪ mfence ∪ implied ∪ rfe ∪ co ∪ fr, on the
// execution built last.
func (m *TSO) ghb() *rel {
	x := &m.x
	a := &x.a
	R, W := x.setOf(cRead, 0), x.setOf(cWrite, 0)
	M := a.setUnion(R, W)
	locked := x.setOf(0, cRMWRead|cRMWWrite|cFailedRMW)
	wr := a.restrict(W, x.po, R)
	ppo := a.minus(a.restrict(M, x.po, M), wr)
	mfence := a.inter(wr, a.union(x.fencerel(x.fences(model.FenceMb)), x.afterSrcuUnlock()))
	implied := a.inter(wr, a.union(a.restrict(locked, x.po, nil), a.restrict(nil, x.po, locked)))
	rfe := a.minus(x.rf, x.intr)
	return a.union(ppo, mfence, implied, rfe, x.co, x.fr)
}
