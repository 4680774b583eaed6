package barriers

import "github.com/steercheck/steercheck/model"

func init() {
	register("lkmm", "the Linux-kernel memory model (tools/memory-model, lkmmv2)",
		func() Model { return &LKMM{} })
}

// LKMM is the Linux-kernel memory model of Alglave, Maranget, McKenney, Parri and Stern,
// "Frightening small children and disconcerting grown-ups: concurrency in the Linux
// kernel" (ASPLOS 2018), as the kernel's tools/memory-model defines it today:
// linux-kernel.bell, linux-kernel.cat and lock.cat, herd7 variant lkmmv2 (a copy is in
// the project's reference folder litmus/lkmm-model). This file restates that definition
// in Go, relation by relation; the names are the .cat file's.
//
// Axioms. An execution is allowed when all of these hold:
//
//   - coherence: acyclic(po-loc ∪ rf ∪ co ∪ fr).
//   - atomic: empty(rmw ∩ (fre ; coe)).
//   - value-cycle: acyclic(rf ∪ data). Not an axiom of the .cat but of herd7 itself:
//     herd7 computes an execution's values by solving the equations its reads-from
//     edges (a read's value is its write's) and data dependencies (a write's value is
//     a function of earlier reads) set up, and an execution in which a value depends
//     on itself leaves them unsolved, so herd7 builds no such execution. Addresses
//     are not part of it: a location equation is checked once the values are known,
//     so a cycle through address dependencies whose values are constants is an
//     execution (generated/random G00804). Only plain accesses can close such a cycle
//     under the .cat (a marked read's data dependency is in hb), e.g. a plain read
//     whose value a WRITE_ONCE stores, read back in a load-buffering cycle
//     (generated/cycles C00262). One difference remains: when the cycle only copies
//     the value (a plain read stored unchanged, or through an operation herd7's
//     solver simplifies away, such as r0 + 0), the equations reduce to v = v and
//     herd7 keeps the execution with an undetermined symbolic value (its states
//     print S8, S10, …); steercheck has no symbolic values and forbids it as well
//     (generated2/random R00242; litmus' herdSymbolic checks that this is the whole
//     difference there).
//   - lock-nest: no spin_lock in a critical section of the same lock (lock.cat).
//   - unmatched-locks: at most one never-released lock acquisition per lock (lock.cat);
//     on a graph still being built, a running thread's acquisition is not counted.
//   - happens-before: acyclic(hb), hb = [Marked] ; (ppo ∪ rfe ∪ ((prop \ id) ∩ int)) ; [Marked].
//     ppo (preserved program order) is: dependencies into writes (addr, data, ctrl), a
//     write or read followed by an overwrite of the same location, address dependencies
//     into reads, dependencies into a write that a later read of the same thread reads
//     from (to-r), every fence order inside a thread, and unlock-then-lock sequences.
//   - propagation: acyclic(pb), pb = prop ; strong-fence ; hb* ; [Marked]. prop says
//     which writes a CPU must have seen before its own events: a coherence or from-read
//     link, then cumulative fences (strong fences and releases A-cumulative over what was
//     read before them, wmb, unlock-lock), then possibly an rfe.
//   - rcu: irreflexive(rb), rb = prop ; rcu-fence ; hb* ; pb* ; [Marked], where rcu-fence
//     relates events separated by a chain with at least as many grace periods
//     (synchronize_rcu, synchronize_srcu) as read-side critical sections (rcu-order);
//     an SRCU grace period pairs only with critical sections of its own srcu_struct.
//   - plain-coherence: a plain access racing with another access (pre-race) must not
//     see or overwrite values against the order the marked accesses around it force
//     (wr-incoh, rw-incoh, ww-incoh).
//
// The flags (data-race, mixed-accesses, unmatched-rcu-lock, …) do not change which
// executions are allowed; lkmm_flags.go computes them. Everything of the three files is
// here, SRCU included (lkmm_srcu.go).
//
// Kernel primitives, the events the program DSL gives them, the herd7 tags those
// correspond to (herd-representation.txt), and what they order:
//
//	primitive                              events (model.Ann)                herd7            orders
//	plain C access                         R/W AnnPlain                      Plain            nothing; plain-coherence
//	READ_ONCE, atomic_read                 R AnnOnce                         R[ONCE]          dependency source
//	WRITE_ONCE, atomic_set                 W AnnOnce                         W[ONCE]          —
//	rcu_dereference                        R AnnOnce|AnnDeref                R[ONCE]          as READ_ONCE ¹
//	smp_load_acquire                       R AnnAcquire                      R[ACQUIRE]       itself → later (acq-po)
//	smp_store_release                      W AnnRelease                      W[RELEASE]       earlier → itself, A-cumulative
//	AnnAcquire on a store / AnnRelease on a load                             W[ACQUIRE]…      ignored: the .bell filters them
//	xchg, cmpxchg, *_return, fetch_*       R,W AnnRMW|AnnMb                  R*[MB] W*[MB]    as smp_mb() before and after
//	*_acquire RMW                          R,W AnnRMW|AnnAcquire             R*[ACQUIRE]      read half is acquire
//	*_release RMW                          R,W AnnRMW|AnnRelease             W*[RELEASE]      write half is release
//	*_relaxed RMW                          R,W AnnRMW|AnnRelaxed             R*,W*[ONCE]      atomicity only
//	atomic_inc/add/… (void)                R,W AnnRMW|AnnRelaxed|AnnNoReturn R*[NORETURN]     atomicity; smp_rmb skips its read
//	failed cmpxchg                         R AnnOnce (RMW bits stripped)     FailedRMW        nothing, but is an RMW for
//	                                                                                          smp_mb__{before,after}_atomic
//	spin_lock, spin_trylock success        R,W AnnLock|AnnRMW|AnnAcquire     LKR ->rmw LKW    LKR acquire; LKW nothing
//	spin_trylock failure                   R AnnLock|AnnOnce                 LF               nothing
//	spin_unlock                            W AnnUnlock|AnnRelease            UL               release
//	spin_lock that waits forever           R AnnLock (value ≠ 0)             — ²              nothing
//	smp_mb                                 F FenceMb                         F[MB]            all → all, strong (pb)
//	smp_wmb                                F FenceWmb                        F[wmb]           W → W, cumulative
//	smp_rmb                                F FenceRmb                        F[rmb]           R → R (not NORETURN reads)
//	smp_read_barrier_depends               F FenceReadBarrierDepend          — ³              nothing (lkmm-alpha: see there)
//	smp_mb__before_atomic                  F FenceBeforeAtomic               F[before-atomic] earlier → next RMW and after
//	smp_mb__after_atomic                   F FenceAfterAtomic                F[after-atomic]  previous RMW and before → later
//	smp_mb__after_spinlock                 F FenceAfterSpinlock              F[after-spinlock] lock and before → later
//	smp_mb__after_unlock_lock              F FenceAfterUnlockLock            F[after-unlock-lock] unlock+lock → full
//	barrier()                              F FenceBarrier                    F[barrier]       nothing (data-race flag only)
//	rcu_read_lock/unlock                   F FenceRcuLock/Unlock             F[rcu-lock/unlock] read-side critical section
//	synchronize_rcu                        F FenceSyncRcu                    F[sync-rcu]      strong fence; grace period
//	srcu_read_lock, srcu_down_read         R AnnSrcuLock                     R[srcu-lock]     marked read; starts an SRCU
//	                                                                                          read-side section (srcu-rscs)
//	srcu_read_unlock, srcu_up_read         W AnnSrcuUnlock                   W[srcu-unlock]   marked write; ends it
//	synchronize_srcu(_expedited)           F FenceSyncSrcu, with Loc         Sync-srcu        strong fence; grace period
//	                                                                                          of its srcu_struct only
//	smp_mb__after_srcu_read_unlock         F FenceAfterSrcuReadUnlock        F[after-srcu-read-unlock] srcu-unlock
//	                                                                                          and before → later
//
// Dependencies carried through plain memory (the .bell's carry-dep: data ; rfi)* are
// folded into addr, data and ctrl, as the .bell does.
//
// ¹ The kernel has folded smp_read_barrier_depends into READ_ONCE since 4.15, so
// every READ_ONCE orders address-dependent loads; lkmm-alpha restores the older rule.
// ² herd7 has no execution in which spin_lock reads a taken lock; the explorer keeps
// that read to report the hang, and this model gives it no ordering (it is the last
// event of its thread, so it could only be ordered after others). ³ linux-kernel.def no
// longer defines smp_read_barrier_depends.
//
// The model allows po ∪ rf cycles (load buffering: PorfCycles). The explorer asks it
// about the prefixes of graphs whose po ∪ rf is acyclic, and, in its second phase,
// about graphs whose speculated reads have no write yet (model.Speculated): every
// relation above grows with rf, co and fr, and every axiom asks one to be acyclic,
// irreflexive or empty, so the model is monotone in reads-from (monotone_test.go).
type LKMM struct {
	alpha bool // lkmm-alpha: see lkmm_alpha.go
	x     execution
	stack []int // rcuReadSections scratch
	// raceMemo keeps, per node, the sets racesOf follows from it (rw-xbstar, wr-vis,
	// ww-vis), so that a node in several racing pairs has each followed once.
	raceMemo [3][]set
	// The incremental check (lkmm_incremental.go).
	inc    [mirrorPoolSize]lkmmInc
	pool   mirrorPool
	rcuUse struct {
		prog *model.Program // the program has is about
		has  bool           // it has an RCU primitive
	}
}

// Name implements Model.
func (m *LKMM) Name() string {
	if m.alpha {
		return "lkmm-alpha"
	}
	return "lkmm"
}

// Doc implements Model.
func (m *LKMM) Doc() string { return registry[m.Name()].doc }

// PorfCycles tells the explorer to enumerate executions with po ∪ rf cycles too.
func (*LKMM) PorfCycles() bool { return true }

// Consistent implements Model: on a mirror of g (lkmm_incremental.go) when g has no
// po ∪ rf cycle and the program no RCU primitive, else by the relations (Violation).
func (m *LKMM) Consistent(g *model.ExecutionGraph) bool {
	mi := m.mirrorOf(g)
	if mi == nil {
		return m.Violation(g) == ""
	}
	return mi.consistent(g)
}

// lkmmSets are the event sets of the .bell and lock.cat.
type lkmmSets struct {
	R, W, M, IW, Plain, Marked          set
	Acquire, Release, Mb, RMW, Noreturn set
	LKR, LKW, UL                        set
	SrcuLock, SrcuUnlock, SyncSrcu      set // Srcu-lock, Srcu-unlock, Sync-srcu
}

// lkmmRels are the relations the axioms after happens-before reuse.
type lkmmRels struct {
	addr, rfi, rfe, overwrite           *rel
	strongFence, nonrwFence, fence, rmb *rel
	cumulFence, rmwSeq, prop, hb, pb    *rel
	cumulStar                           *rel // cumul-fence*
}

// Violation implements Checker: the name of the first axiom g breaks, or "".
func (m *LKMM) Violation(g *model.ExecutionGraph) string {
	x := &m.x
	x.build(g, cDeps)
	a := &x.a
	if !x.uniproc() {
		return "coherence"
	}
	if !x.atomic() {
		return "atomic"
	}
	if !a.acyclic(a.union(x.rf, x.data)) {
		return "value-cycle"
	}
	s := m.sets()
	if v := m.lockAxioms(&s); v != "" {
		return v
	}
	var r lkmmRels
	if !m.happensBefore(&s, &r) {
		return "happens-before"
	}
	r.pb = a.restrict(nil, a.seq(r.prop, r.strongFence, a.star(r.hb)), s.Marked)
	if !a.acyclic(r.pb) {
		return "propagation"
	}
	rb, rcuFence := m.rcu(&s, &r)
	if rb != nil && !rb.irreflexive() {
		return "rcu"
	}
	if !s.Plain.empty() && !m.plainCoherence(&s, &r, rb, rcuFence) {
		return "plain-coherence"
	}
	return ""
}

func (m *LKMM) sets() lkmmSets {
	x := &m.x
	a := &x.a
	var s lkmmSets
	s.R, s.W = x.setOf(cRead, 0), x.setOf(cWrite, 0)
	s.M = a.setUnion(s.R, s.W)
	s.IW = x.setOf(cInit, 0)
	s.Plain = x.setOf(cPlain, 0)
	s.Marked = a.complement(s.Plain)
	s.Acquire = x.setOf(cAcquire, 0) // ACQUIRE reads and LKR; W[ACQUIRE] and failed RMWs never have it
	s.Release = x.setOf(cRelease, 0) // RELEASE writes and UL
	s.Mb = x.setOf(cMb, 0)
	s.RMW = x.setOf(cRMWInstr, 0)
	s.Noreturn = x.setOf(cNoReturn, 0)
	s.LKR = x.setOf(cLockRead, 0)
	s.LKW = x.setOf(cLockWrite, 0)
	s.UL = x.setOf(cUnlock, 0)
	s.SrcuLock = x.setOf(cSrcuLock, 0)
	s.SrcuUnlock = x.setOf(cSrcuUnlock, 0)
	s.SyncSrcu = x.fences(model.FenceSyncSrcu)
	return s
}

// lockAxioms checks lock.cat's lock-nest and unmatched-locks.
func (m *LKMM) lockAxioms(s *lkmmSets) string {
	x := &m.x
	a := &x.a
	if s.LKW.empty() {
		return ""
	}
	poloc := a.inter(x.po, x.loc)
	// A lock read after an acquisition of the same lock by the same thread needs an
	// unlock between them.
	released := a.seq(poloc, a.id(s.UL), poloc)
	if !a.minus(a.restrict(s.LKW, poloc, s.LKR), released).empty() {
		return "lock-nest"
	}
	// critical: each LKW to the first UL of the same lock after it in its thread.
	critical := a.minus(a.restrict(s.LKW, poloc, s.UL),
		a.seq(poloc, a.id(a.setUnion(s.LKW, s.UL)), poloc))
	unmatched := a.setMinus(s.LKW, a.domain(critical))
	// A thread that is still running may release its lock later: the axiom is about
	// complete executions, where every thread has stopped, and counting a running
	// thread's acquisition would make it reject prefixes of allowed graphs (the graph
	// explorer asks about every prefix it builds).
	for t := range x.g.Threads {
		if x.g.Status(t) == model.Running {
			for i := range x.g.Threads[t].Events {
				v := x.off[t] + i
				unmatched[v>>6] &^= 1 << (uint(v) & 63)
			}
		}
	}
	pairs := a.restrict(unmatched, x.loc, unmatched)
	for v := 0; v < x.n; v++ {
		if pairs.has(v, v) {
			pairs.b[v*pairs.w+v>>6] &^= 1 << (uint(v) & 63)
		}
	}
	if !pairs.empty() {
		return "unmatched-locks"
	}
	return ""
}

// happensBefore computes the fences, ppo, cumul-fence, prop and hb, and checks that hb
// is acyclic.
func (m *LKMM) happensBefore(s *lkmmSets, r *lkmmRels) bool {
	x := &m.x
	a := &x.a
	po := x.po
	r.rfi = a.inter(x.rf, x.intr)
	r.rfe = a.minus(x.rf, x.intr)

	// Dependencies carried through plain memory (the .bell's carry-dep):
	// carry-dep = (data ; [~Srcu-unlock] ; rfi)*.
	addr, data, ctrl := x.addr, x.data, x.ctrl
	if through := a.seq(a.restrict(nil, data, a.complement(s.SrcuUnlock)), r.rfi); !through.empty() {
		carry := a.star(through)
		addr, data, ctrl = a.seq(carry, addr), a.seq(carry, data), a.seq(carry, ctrl)
	}
	if m.alpha {
		addr = m.alphaAddr(s, addr)
	}
	r.addr = addr

	f := m.fenceRels(s, addr, data, ctrl, a.union(po, x.rf))
	r.strongFence, r.nonrwFence, r.fence, r.rmb = f.strongFence, f.nonrwFence, f.fence, f.rmb
	wmb, poRel, poUnlockLockPo := f.wmb, f.poRel, f.poUnlockLockPo

	// Preserved program order.
	r.overwrite = a.union(x.co, x.fr)
	toW := a.union(f.rwdep, a.inter(r.overwrite, x.intr), f.plainWmb)
	toR := a.union(f.addrR, a.seq(a.restrict(nil, f.dep, s.Marked), r.rfi))
	ppo := a.union(toR, toW, a.inter(r.fence, x.intr), a.inter(poUnlockLockPo, x.intr))

	// Propagation.
	rfeMarked := a.restrict(nil, r.rfe, s.Marked)
	aCumul := a.seq(a.opt(rfeMarked), a.union(r.strongFence, poRel))
	r.rmwSeq = a.star(a.seq(x.rf, x.rmw))
	r.cumulFence = a.seq(a.restrict(s.Marked, a.union(aCumul, wmb, poUnlockLockPo), s.Marked), r.rmwSeq)
	overwriteExt := a.minus(r.overwrite, x.intr)
	r.cumulStar = a.star(r.cumulFence)
	r.prop = a.restrict(s.Marked, a.seq(a.opt(overwriteExt), r.cumulStar,
		a.id(s.Marked), a.opt(r.rfe)), s.Marked)

	// Happens-before.
	propInt := a.inter(withoutID(a, r.prop), x.intr)
	r.hb = a.restrict(s.Marked, a.union(ppo, r.rfe, propInt), s.Marked)
	return a.acyclic(r.hb)
}

// lkmmFences are the fence and dependency relations of the .cat, computed from
// program order, dependencies and annotations, with unlock→lock links through ulLink.
type lkmmFences struct {
	acqPo, poRel, poUnlockLockPo, rmb, wmb *rel
	strongFence, nonrwFence, fence         *rel
	dep, rwdep, addrR, plainWmb            *rel
}

// fenceRels computes the fences of the .cat (with addr, data and ctrl the dependencies
// in force) and the dependency parts of ppo that need no rf. ulLink is what may lie between
// an unlock and a later lock in po-unlock-lock-po: po ∪ rf in the model, po alone when
// only one thread's events are known (localorder.go).
func (m *LKMM) fenceRels(s *lkmmSets, addr, data, ctrl, ulLink *rel) lkmmFences {
	x := &m.x
	a := &x.a
	po := x.po
	var f lkmmFences
	f.acqPo = a.restrict(s.Acquire, po, s.M)
	f.poRel = a.restrict(s.M, po, s.Release)
	f.poUnlockLockPo = a.seq(po, a.id(s.UL), ulLink, a.id(s.LKR), po)
	R4rmb := a.setMinus(s.R, s.Noreturn)
	f.rmb = a.restrict(R4rmb, x.fencerel(x.fences(model.FenceRmb)), R4rmb)
	f.wmb = a.restrict(s.W, x.fencerel(x.fences(model.FenceWmb)), s.W)
	poOpt := a.opt(po)
	mb := a.union(
		a.restrict(s.M, x.fencerel(x.fences(model.FenceMb)), s.M),
		a.restrict(s.M, po, a.setInter(s.Mb, s.R)),
		a.restrict(a.setInter(s.Mb, s.W), po, s.M),
		a.restrict(s.M, a.seq(x.fencerel(x.fences(model.FenceBeforeAtomic)), a.id(s.RMW), poOpt), s.M),
		a.restrict(s.M, a.seq(poOpt, a.id(s.RMW), x.fencerel(x.fences(model.FenceAfterAtomic))), s.M),
		a.restrict(s.M, a.seq(poOpt, a.id(s.LKW), x.fencerel(x.fences(model.FenceAfterSpinlock))), s.M),
		a.restrict(s.M, a.seq(f.poUnlockLockPo, a.id(x.fences(model.FenceAfterUnlockLock)), po), s.M),
		a.restrict(s.M, x.afterSrcuUnlock(), s.M),
	)
	gp := a.seq(po, a.id(x.fences(model.FenceSyncRcu, model.FenceSyncSrcu)), poOpt)
	f.strongFence = a.union(mb, gp)
	f.nonrwFence = a.union(f.strongFence, f.poRel, f.acqPo)
	f.fence = a.union(f.nonrwFence, f.wmb, f.rmb)
	f.dep = a.union(addr, data)
	f.rwdep = a.restrict(nil, a.union(f.dep, ctrl), s.W)
	f.addrR = a.restrict(nil, addr, s.R)
	f.plainWmb = a.seq(a.restrict(nil, addr, s.Plain), f.wmb)
	return f
}

// withoutID is x \ id.
func withoutID(a *algebra, x *rel) *rel {
	r := a.copyRel(x)
	for i := 0; i < a.n; i++ {
		r.b[i*r.w+i>>6] &^= 1 << (uint(i) & 63)
	}
	return r
}

// rcu computes rb and rcu-fence; both are nil when the graph has no RCU or SRCU
// grace period or read-side critical section. The SRCU terms of rcu-order count only
// when the grace period and the critical section name the same srcu_struct (& loc;
// synchronize_srcu's event has its srcu_struct as location).
func (m *LKMM) rcu(s *lkmmSets, r *lkmmRels) (rb, rcuFence *rel) {
	x := &m.x
	a := &x.a
	sync := x.fences(model.FenceSyncRcu)
	rscs := m.rcuReadSections()
	srscs := m.srcuReadSections(s)
	if sync.empty() && rscs.empty() && s.SyncSrcu.empty() && srscs.empty() {
		return nil, nil
	}
	po := x.po
	hbStar, pbStar := a.star(r.hb), a.star(r.pb)
	link := a.seq(a.opt(po), hbStar, pbStar, r.prop, po)
	gp, sgp := a.id(sync), a.id(s.SyncSrcu)
	rscsi, srscsi := a.inv(rscs), a.inv(srscs)
	sameLoc := func(y *rel) *rel { return a.inter(y, x.loc) }
	// rcu-order is the least fixpoint of its recursive definition.
	order := a.newRel()
	for {
		next := a.union(gp, sgp,
			a.seq(gp, link, rscsi),
			sameLoc(a.seq(sgp, link, srscsi)),
			a.seq(rscsi, link, gp),
			sameLoc(a.seq(srscsi, link, sgp)),
			a.seq(gp, link, order, link, rscsi),
			sameLoc(a.seq(sgp, link, order, link, srscsi)),
			a.seq(rscsi, link, order, link, gp),
			sameLoc(a.seq(srscsi, link, order, link, sgp)),
			a.seq(order, link, order))
		if sameRel(next, order) {
			break
		}
		order = next
	}
	rcuFence = a.seq(po, order, a.opt(po))
	rb = a.restrict(nil, a.seq(r.prop, rcuFence, hbStar, pbStar), s.Marked)
	return rb, rcuFence
}

func sameRel(x, y *rel) bool {
	for i, v := range x.b {
		if y.b[i] != v {
			return false
		}
	}
	return true
}

// rcuReadSections is rcu-rscs: each rcu_read_lock to its matching rcu_read_unlock,
// matched as nested brackets in program order (the .bell's recursive definition
// matches the innermost pair first, which is what a stack does). Unmatched ones are
// left out, as the .bell does (it only flags them).
func (m *LKMM) rcuReadSections() *rel {
	x := &m.x
	r := x.a.newRel()
	stack := m.stack
	for t := range x.g.Threads {
		stack = stack[:0]
		for i := range x.g.Threads[t].Events {
			e := &x.g.Threads[t].Events[i]
			if e.Kind != model.KindFence {
				continue
			}
			switch e.Fence {
			case model.FenceRcuLock:
				stack = append(stack, x.off[t]+i)
			case model.FenceRcuUnlock:
				if len(stack) > 0 {
					r.add(stack[len(stack)-1], x.off[t]+i)
					stack = stack[:len(stack)-1]
				}
			}
		}
	}
	m.stack = stack
	return r
}
