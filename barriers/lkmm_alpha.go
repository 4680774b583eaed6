package barriers

import "github.com/steercheck/steercheck/model"

func init() {
	register("lkmm-alpha", "lkmm before Linux 4.15: address-dependent loads need smp_read_barrier_depends",
		func() Model { return &LKMM{alpha: true} })
}

// lkmm-alpha is the Linux-kernel memory model with the dependency rule in force before
// Linux 4.15 (the change "locking/barriers: Add implicit smp_read_barrier_depends() to
// READ_ONCE()"), which the 2012 code was written against.
// DEC Alpha can satisfy a load from a stale cache bank even when its address was
// computed from an earlier load, so a READ_ONCE/ACCESS_ONCE load does not order the
// loads whose address depends on it unless smp_read_barrier_depends() lies between them
// in program order. rcu_dereference had that barrier built in, so a load whose address
// comes from an rcu_dereference is ordered.
//
// Axioms: exactly those of lkmm (lkmm.go), with one change in the .bell's address
// dependency relation once dependencies carried through memory have been folded in:
//
//	addr := (addr ; [W])                                 stores: Alpha never speculates them
//	      ∪ ((addr ; [R]) ∩ (po ; [Rb-dep] ; po))        a smp_read_barrier_depends between
//	      ∪ ([Deref] ; addr ; [R])                       the source is rcu_dereference
//
// This addr is the one every later relation uses (to-r, to-w, and the pre-bounds of the
// plain-coherence axiom). smp_rmb and smp_mb between the two loads order them anyway,
// through rmb and mb, as in lkmm; the other fences only order what they order in lkmm.
//
// Primitives, the events the program DSL gives them, and what they order under
// lkmm-alpha (rows marked * differ from lkmm):
//
//	primitive                              events (model.Ann)                orders
//	plain C access                         R/W AnnPlain                      nothing; plain-coherence
//	READ_ONCE, ACCESS_ONCE, atomic_read    R AnnOnce                       * source of addr into stores,
//	                                                                           data, ctrl; NOT of addr into loads
//	WRITE_ONCE, atomic_set                 W AnnOnce                         —
//	rcu_dereference                        R AnnOnce|AnnDeref              * also orders address-dependent loads
//	smp_load_acquire                       R AnnAcquire                      itself → every later access
//	smp_store_release                      W AnnRelease                      every earlier access → itself, A-cumulative
//	AnnAcquire on a store, AnnRelease on a load                              ignored (the .bell filters them)
//	xchg, cmpxchg, *_return, fetch_*       R,W AnnRMW|AnnMb                  as smp_mb() before and after
//	*_acquire RMW                          R,W AnnRMW|AnnAcquire             read half acquire
//	*_release RMW                          R,W AnnRMW|AnnRelease             write half release
//	*_relaxed RMW                          R,W AnnRMW|AnnRelaxed             atomicity only
//	atomic_inc/add/… (void)                R,W AnnRMW|AnnRelaxed|AnnNoReturn atomicity; smp_rmb skips its read
//	failed cmpxchg                         R AnnOnce (RMW bits stripped)     nothing alone; an RMW for
//	                                                                           smp_mb__{before,after}_atomic
//	spin_lock, spin_trylock success        R,W AnnLock|AnnRMW|AnnAcquire     lock read acquire
//	spin_trylock failure                   R AnnLock|AnnOnce                 nothing
//	spin_unlock                            W AnnUnlock|AnnRelease            release
//	spin_lock that waits forever           R AnnLock (value ≠ 0)             nothing
//	smp_mb                                 F FenceMb                         all → all, strong
//	smp_wmb                                F FenceWmb                        W → W, cumulative
//	smp_rmb                                F FenceRmb                        R → R (not void-atomic reads)
//	smp_read_barrier_depends               F FenceReadBarrierDepend        * load → address-dependent load across it
//	smp_mb__before_atomic                  F FenceBeforeAtomic               earlier → next RMW and after
//	smp_mb__after_atomic                   F FenceAfterAtomic                previous RMW and before → later
//	smp_mb__after_spinlock                 F FenceAfterSpinlock              lock and before → later
//	smp_mb__after_unlock_lock              F FenceAfterUnlockLock            unlock+lock → full
//	barrier()                              F FenceBarrier                    nothing
//	rcu_read_lock/unlock                   F FenceRcuLock/Unlock             read-side critical section
//	synchronize_rcu                        F FenceSyncRcu                    strong fence; grace period
//
// Every execution lkmm allows, lkmm-alpha allows too (its addr is a subset of lkmm's,
// and every lkmm relation is monotone in addr except through the plain-coherence
// pre-bounds, which only grow the allowed set when they shrink).
func (m *LKMM) alphaAddr(s *lkmmSets, addr *rel) *rel {
	x := &m.x
	a := &x.a
	toW := a.restrict(nil, addr, s.W)
	toR := a.restrict(nil, addr, s.R)
	kept := a.union(
		a.inter(toR, x.fencerel(x.fences(model.FenceReadBarrierDepend))),
		a.restrict(x.setOf(cDeref, 0), toR, nil))
	return a.union(toW, kept)
}
