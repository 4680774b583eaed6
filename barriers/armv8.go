package barriers

import "github.com/steercheck/steercheck/model"

func init() {
	register("armv8", "ARMv8 AArch64 (multi-copy atomic, Pulte et al. 2018) with the kernel's arm64 mapping",
		func() Model { return &ARMv8{} })
}

// ARMv8 is the AArch64 memory model of Pulte, Flur, Deacon, French, Sarkar and Sewell,
// "Simplifying ARM concurrency: multicopy-atomic axiomatic and operational models for
// ARMv8" (POPL 2018), the "external" model the ARM ARM adopted (herd7's aarch64.cat).
// An execution is allowed when:
//
//   - internal: acyclic(po-loc ∪ co ∪ fr ∪ rf): each location is sequentially consistent.
//   - atomic: empty(rmw ∩ (fre ; coe)): no other write between a LDXR and its STXR.
//   - external: acyclic(ob), ob = (obs ∪ dob ∪ aob ∪ bob)⁺, where
//     obs = rfe ∪ fre ∪ coe (what other CPUs observe; stores are multi-copy atomic),
//     dob = addr ∪ data ∪ (ctrl ; [W]) ∪ (addr ; po ; [W]) ∪ ((ctrl ∪ data) ; coi)
//     ∪ ((addr ∪ data) ; rfi)   (dependency-ordered-before; no ISB is ever emitted),
//     aob = rmw ∪ ([range(rmw)] ; rfi ; [A])   (atomic-ordered-before),
//     bob = (po ; [dmb.full] ; po) ∪ ([L] ; po ; [A]) ∪ ([R] ; po ; [dmb.ld] ; po)
//     ∪ ([A] ; po) ∪ ([W] ; po ; [dmb.st] ; po ; [W]) ∪ (po ; [L]) ∪ (po ; [L] ; coi)
//     (barrier-ordered-before), A the load-acquires, L the store-releases.
//
// Fence events stand between the accesses they order; ob is taken over memory events
// only, which loses no cycle (every ob path through a fence event has a direct ob edge
// between its ends).
//
// Kernel primitives under the arm64 mapping (arch/arm64/include/asm/barrier.h,
// atomic_ll_sc.h / atomic_lse.h, cmpxchg.h, qspinlock):
//
//	primitive (model.Ann / FenceKind)                 arm64                       here
//	plain access (AnnPlain)                           LDR / STR                   plain ¹
//	READ_ONCE/WRITE_ONCE/atomic_read/set (AnnOnce)    LDR / STR                   plain
//	rcu_dereference (AnnOnce|AnnDeref)                LDR                         plain (address deps hold)
//	smp_load_acquire (AnnAcquire)                     LDAR                        A
//	smp_store_release (AnnRelease)                    STLR                        L
//	fully ordered RMW (AnnRMW|AnnMb): xchg, cmpxchg,  LDAXR/STLXR + DMB ISH       read A, write L, and a
//	  atomic_*_return, atomic_fetch_*                   (LSE: …AL forms)            dmb.full after the write
//	*_acquire RMW (AnnRMW|AnnAcquire)                 LDAXR / STXR                read A
//	*_release RMW (AnnRMW|AnnRelease)                 LDXR / STLXR                write L
//	*_relaxed RMW, void atomic_inc/add (AnnRelaxed)   LDXR / STXR (LSE: STADD)    rmw only
//	failed cmpxchg (read, AnnRMW stripped)            LDXR, branch out            plain read ²
//	spin_lock, successful spin_trylock                acquire cmpxchg (LDAXR/STXR) read A, write plain
//	  (AnnLock|AnnRMW|AnnAcquire)
//	failed spin_trylock (AnnLock read, no AnnRMW)     LDR (sees it locked)        plain read
//	spin_lock that waits forever (lock read ≠ 0)      the spin's load             plain read
//	spin_unlock (AnnUnlock|AnnRelease)                STLR                        L
//	smp_mb (FenceMb)                                  DMB ISH                     dmb.full
//	smp_wmb (FenceWmb)                                DMB ISHST                   dmb.st
//	smp_rmb (FenceRmb)                                DMB ISHLD                   dmb.ld
//	smp_read_barrier_depends (FenceReadBarrierDepend) nothing                     none
//	smp_mb__before_atomic, __after_atomic             DMB ISH (asm-generic)       dmb.full
//	  (FenceBeforeAtomic, FenceAfterAtomic)
//	smp_mb__after_spinlock (FenceAfterSpinlock)       DMB ISH                     dmb.full
//	smp_mb__after_unlock_lock (FenceAfterUnlockLock)  nothing (RCsc release/acquire) none
//	barrier() (FenceBarrier)                          compiler only               none
//	rcu_read_lock/unlock (FenceRcuLock/Unlock)        preempt count only          none
//	synchronize_rcu (FenceSyncRcu)                    —                           unsupported (Supports)
//	srcu_read_lock, srcu_down_read (AnnSrcuLock)      LDR of the srcu_struct ³    plain
//	srcu_read_unlock, srcu_up_read (AnnSrcuUnlock)    STR of the index ³          plain
//	smp_mb__after_srcu_read_unlock                    the DMB in srcu_read_unlock dmb.full after an unlock
//	  (FenceAfterSrcuReadUnlock)
//	synchronize_srcu (FenceSyncSrcu)                  —                           unsupported (Supports)
//
// ¹ Compiler reordering of plain C accesses is not modelled: each is one LDR/STR in
// program order. ² The LL/SC cmpxchg skips its store and its trailing DMB on failure;
// the LSE CASAL would still be an acquire, so the plain read is the weaker, sound choice.
// ³ As the kernel's .def spells them; the implementation (a per-CPU counter and a full
// barrier) orders more, so this allows more, never less.
//
// ARMv8 allows load buffering (a po ∪ rf cycle: PorfCycles). The explorer asks it
// about the prefixes of graphs whose po ∪ rf is acyclic, and, in its second phase,
// about graphs whose speculated reads have no write yet (model.Speculated): like every
// model here it is monotone in reads-from, so a graph with fewer rf edges is judged
// no more strictly (monotone_test.go).
type ARMv8 struct {
	x execution
	// The incremental check (armv8_incremental.go).
	checks orderChecks
}

// Name implements Model.
func (*ARMv8) Name() string { return "armv8" }

// Doc implements Model.
func (*ARMv8) Doc() string { return registry["armv8"].doc }

// PorfCycles tells the explorer to enumerate executions with po ∪ rf cycles too.
func (*ARMv8) PorfCycles() bool { return true }

func (*ARMv8) unsupportedFence(k model.FenceKind) bool { return hardwareLimits{}.unsupportedFence(k) }

// Consistent implements Model: on a mirror of g (armv8_incremental.go) when g has no
// po ∪ rf cycle, else by the relations (Violation).
func (m *ARMv8) Consistent(g *model.ExecutionGraph) bool {
	return m.orderChecks().consistent(g, func() bool { return m.Violation(g) == "" })
}

// Violation implements Checker.
func (m *ARMv8) Violation(g *model.ExecutionGraph) string {
	refuseUnsupported("armv8", m, g)
	x := &m.x
	x.build(g, hwDeps)
	a := &x.a
	if !x.uniproc() {
		return "internal"
	}
	if !x.atomic() {
		return "atomic"
	}
	if !a.acyclic(m.ob()) {
		return "external"
	}
	return ""
}

// ob is the relation of the external axiom, restricted to memory events, on the
// execution built last (with dependencies): what other CPUs observe, the local order,
// and the parts of dob, aob and bob that go through an internal rf or co edge.
func (m *ARMv8) ob() *rel {
	x := &m.x
	a := &x.a
	c := m.classes()
	rfi, coi := a.inter(x.rf, x.intr), a.inter(x.co, x.intr)
	obs := a.minus(a.union(x.rf, x.fr, x.co), x.intr)
	throughInternal := a.union(
		a.seq(a.union(x.ctrl, x.data), coi),
		a.seq(a.union(x.addr, x.data), rfi),
		a.restrict(a.rangeOf(x.rmw), rfi, c.A),
		a.seq(a.restrict(nil, x.po, c.L), coi))
	return a.restrict(c.M, a.union(obs, m.localOrder(c), throughInternal), c.M)
}

// armv8Classes are the event sets ob is written in.
type armv8Classes struct{ R, W, M, A, L set }

func (m *ARMv8) classes() armv8Classes {
	x := &m.x
	a := &x.a
	var c armv8Classes
	c.R, c.W = x.setOf(cRead, 0), x.setOf(cWrite, 0)
	c.M = a.setUnion(c.R, c.W)
	c.A = a.setUnion(x.setOf(cAcquire, 0), x.setOf(cRead|cMb, 0))
	c.L = a.setUnion(x.setOf(cRelease, 0), x.setOf(cWrite|cMb, 0))
	return c
}

// localOrder is the part of dob ∪ aob ∪ bob that program order, dependencies,
// annotations and fences decide alone: no rf, no co.
func (m *ARMv8) localOrder(c armv8Classes) *rel {
	x := &m.x
	a := &x.a
	po := x.po
	dob := a.union(x.addr, x.data,
		a.restrict(nil, x.ctrl, c.W),
		a.restrict(nil, a.seq(x.addr, po), c.W))
	full := x.fences(model.FenceMb, model.FenceBeforeAtomic, model.FenceAfterAtomic, model.FenceAfterSpinlock)
	// The DMB ISH after a fully ordered RMW orders the RMW and everything before it
	// before everything after it.
	mbRMW := a.seq(a.opt(po), a.id(x.setOf(cWrite|cMb, 0)), po)
	bob := a.union(x.fencerel(full), mbRMW, x.afterSrcuUnlock(),
		a.restrict(c.L, po, c.A),
		a.restrict(c.R, x.fencerel(x.fences(model.FenceRmb)), nil),
		a.restrict(c.A, po, nil),
		a.restrict(c.W, x.fencerel(x.fences(model.FenceWmb)), c.W),
		a.restrict(nil, po, c.L))
	return a.restrict(c.M, a.union(dob, x.rmw, bob), c.M)
}
