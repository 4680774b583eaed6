package model

// lockguard.go refines porfcycle.go's test of an open pair for memory models in which a
// lock orders the accesses of its critical sections: above all the Linux-kernel memory
// model, whose local order relates marked accesses only (its happens-before is
// confined to them), and, for locations only ever accessed under a lock, armv8.
//
// Without the refinement, every read → write pair of a thread with a plain end is open
// under such a model, and so is every read of a lock-protected variable in a kernel
// critical section: the steering scenarios keep three speculated reads per submitting
// CPU, and the second phase does not finish. The refinement closes the pairs whose
// plain accesses a lock guards.
//
// The argument, for the Linux-kernel memory model (linux-kernel.cat, lock.cat). Say a
// location x is guarded by a lock l when every access to x that can be one end of a
// reads-from edge with a plain end holds l: if x has plain reads, every write of x and
// every plain read; if it has plain writes, every read and every plain write. Then:
//
//  1. The critical sections of l are totally ordered: in coherence order of l, each
//     lock write (LKW) immediately follows an unlock (UL) or the initial write, which
//     its lock read (LKR) reads, so locks and unlocks alternate, and each LKR reads the
//     UL of the critical section before its own. Following unlocks from one critical
//     section to a later one is a happens-before (hb) path: UL -po-rel-> UL in one
//     thread, UL -rfe-> LKR -acq-po-> UL across threads.
//  2. If W -rfe-> R on a guarded x, with W or R plain, W's critical section precedes
//     R's. Otherwise R -po-rel-> UL(R), UL(R) hb* UL′, UL′ -rfe-> LKR₁ -acq-po-> W,
//     where LKR₁ acquires the first of the run of critical sections of W's thread that
//     ends with W's, and UL′ releases the one before that run: R rw-xbstar W, and the
//     rf edge is wr-incoh, which plain-coherence forbids. (A critical section never
//     released comes last, so the unlocks named exist.) By 1, UL(W) hb* UL′ -rfe-> LKR₁
//     where LKR₁ now begins the run of R's thread that ends with R's critical section:
//     the plain edge is replaced by an hb path from an event after W (in po) to an event
//     before R.
//  3. Now take a po ∪ rf cycle in a consistent graph, split as porfcycle.go splits it:
//     external rf edges, and segments R → W′ inside a thread. Give each rf edge an exit
//     and an entry point: W and R themselves when both are marked (rfe ⊆ hb), UL(W) and
//     that LKR₁ when one is plain (step 2). Each segment then needs an hb path from its
//     entry point to its exit point, and one exists by the model's ordering alone when
//     the entry is an LKR (acq-po orders it before every later event) or the exit is an
//     UL and R is marked (po-rel). Only a segment entered and left through marked-only
//     rf edges needs the local order between R and W′.
//
// The replacement in step 2 holds for an rf edge between two marked accesses too,
// and under armv8 for every rf edge, when both hold the lock: if R's critical section
// came first, R would be ordered before W (by hb, or armv8's ob, which the release
// and acquire of the lock hand over), and W -rf-> R closes a cycle of hb (ob) that
// the model forbids. So a location all of whose accesses hold one lock (fullGuard)
// replaces every rf edge on it, under lkmm and armv8 alike (LockOrdered).
//
// One more case closes pairs under every model: a write of spin_lock (LKW) writes a
// taken lock, and a spin_lock that reads it waits forever, so a segment left through
// an rf edge from an LKW needs another thread to read the lock word otherwise
// (spin_trylock, or an ordinary read).
//
// So, under such a model, a read R and a later write W′ that the local order leaves
// unordered are open only if the segment may be entered through a plain rf edge on an
// unguarded location, or left through one, or entered and left through marked-only rf
// edges on locations no lock fully guards. If no segment of a cycle is open, the cycle
// is an hb (ob) cycle, which the model forbids. Which of these can happen is judged
// from every path of every other thread, as porfcycle.go does (summarizeAccesses).

// PlainOrderedByLocks is implemented by a LocalOrder that relates marked accesses only,
// for a model in which a lock orders the plain accesses it guards as the file comment
// says: the critical sections of a lock are totally ordered by lock and unlock events,
// an acquire orders every later access and a release every earlier one, and a plain
// read may not read a write whose critical section comes after its own.
type PlainOrderedByLocks interface {
	LocalOrder
	PlainOrderedByLocks() bool
}

// LockOrdered is implemented by a LocalOrder for a model in which the critical sections
// of a lock are totally ordered by its lock and unlock events, a lock acquire orders
// every later event of its thread and an unlock every earlier one, and a read may not
// read a write whose critical section of a lock both hold comes after its own
// (lkmm: hb, and plain-coherence for plain accesses; armv8: ob, with acquire loads
// and release stores). Then every rf edge between threads on a location all of whose
// accesses hold one lock is replaced as the file comment says, marked or not.
type LockOrdered interface {
	LocalOrder
	LocksOrderCriticalSections() bool
}

// noGuard marks a location that no lock guards.
const noGuard LocID = -1

// accessSummary says, for each location, which threads may access it and how, on any
// path, and which lock guards it.
type accessSummary struct {
	plainR, plainW, markedR, markedW [][]bool // per location, per thread
	// resumingR is markedR without spin_lock's reads: one that reads a lock write
	// (LKW) waits forever, so no segment of a cycle starts there.
	resumingR [][]bool
	guard     []LocID // per location: a lock guarding its plain rf edges, or noGuard
	// fullGuard is, per location, a lock held at every access to it, or noGuard:
	// then every rf edge between two threads on it is replaced (LockOrdered).
	fullGuard []LocID
}

// summarizeAccesses builds the summary over every thread path. Guards are computed
// only when locks order plain accesses; otherwise every location is unguarded, and a
// pair is open whenever other threads may write its read's location and read its
// write's.
func summarizeAccesses(p *Program, traces [][]threadTrace, locksOrder, locksOrderPlain bool) *accessSummary {
	nl, nt := len(p.Locs), len(p.Threads)
	s := &accessSummary{guard: make([]LocID, nl), fullGuard: make([]LocID, nl)}
	for _, f := range []*[][]bool{&s.plainR, &s.plainW, &s.markedR, &s.markedW, &s.resumingR} {
		*f = make([][]bool, nl)
		for l := range *f {
			(*f)[l] = make([]bool, nt)
		}
	}
	for t, trs := range traces {
		for i := range trs {
			for k := range trs[i].events {
				if e := &trs[i].events[k]; e.Kind == KindRead || e.Kind == KindWrite {
					s.kind(e)[e.Loc][t] = true
					if e.Kind == KindRead && e.Ann&AnnPlain == 0 && p.Threads[t].Code[e.PC].Op != OpLock {
						s.resumingR[e.Loc][t] = true
					}
				}
			}
		}
	}
	for l := range s.guard {
		s.guard[l], s.fullGuard[l] = noGuard, noGuard
	}
	if locksOrder || locksOrderPlain {
		s.computeGuards(traces, locksOrder, locksOrderPlain)
	}
	return s
}

// kind returns the per-location table e belongs to.
func (s *accessSummary) kind(e *Event) [][]bool {
	plain := e.Ann&AnnPlain != 0
	switch {
	case e.Kind == KindRead && plain:
		return s.plainR
	case e.Kind == KindRead:
		return s.markedR
	case plain:
		return s.plainW
	}
	return s.markedW
}

// computeGuards intersects, per location, the locks held at each access (full) and
// at each access a plain rf edge may join (plain; see the file comment).
func (s *accessSummary) computeGuards(traces [][]threadTrace, full, plain bool) {
	var g, fg lockIntersection
	g.init(len(s.guard))
	fg.init(len(s.guard))
	var held []LocID
	for _, trs := range traces {
		for i := range trs {
			held = held[:0]
			for k := range trs[i].events {
				e := &trs[i].events[k]
				if e.Kind != KindRead && e.Kind != KindWrite {
					continue
				}
				if plain && s.plainEdgeEnd(e) {
					g.meet(e.Loc, held)
				}
				if full {
					fg.meet(e.Loc, held)
				}
				switch {
				case e.Kind == KindWrite && e.Ann&AnnLock != 0:
					held = append(held, e.Loc)
				case e.Kind == KindWrite && e.Ann&AnnUnlock != 0:
					for j, l := range held {
						if l == e.Loc {
							held = append(held[:j], held[j+1:]...)
							break
						}
					}
				}
			}
		}
	}
	g.result(s.guard)
	fg.result(s.fullGuard)
}

// lockIntersection is, per location, the locks held at every access met so far.
type lockIntersection struct {
	held [][]LocID
	seen []bool
}

func (li *lockIntersection) init(n int) {
	li.held, li.seen = make([][]LocID, n), make([]bool, n)
}

// meet intersects location l's locks with held.
func (li *lockIntersection) meet(l LocID, held []LocID) {
	if !li.seen[l] {
		li.seen[l] = true
		li.held[l] = append([]LocID(nil), held...)
		return
	}
	li.held[l] = intersectLocs(li.held[l], held)
}

// result sets out[l] to one of location l's locks, for the locations that have one.
func (li *lockIntersection) result(out []LocID) {
	for l := range out {
		if li.seen[l] && len(li.held[l]) > 0 {
			out[l] = li.held[l][0]
		}
	}
}

// plainEdgeEnd reports whether e may be one end of a reads-from edge with a plain end.
func (s *accessSummary) plainEdgeEnd(e *Event) bool {
	plain := e.Ann&AnnPlain != 0
	if anyThread(s.plainR[e.Loc]) && (e.Kind == KindWrite || plain) {
		return true
	}
	return anyThread(s.plainW[e.Loc]) && (e.Kind == KindRead || plain)
}

// intersectLocs keeps the members of a that are in b, in place.
func intersectLocs(a, b []LocID) []LocID {
	out := a[:0]
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// open reports whether r → w, a read and a later write of thread t that the local
// order leaves unordered, may be a segment of a consistent po ∪ rf cycle (see the file
// comment).
func (s *accessSummary) open(t int, r, w *Event) bool {
	x, y := r.Loc, w.Loc
	rPlain, wPlain := r.Ann&AnnPlain != 0, w.Ann&AnnPlain != 0
	// How the segment may be entered (an rf edge from another thread into r) and left
	// (an rf edge from w into another thread).
	inMarked := !rPlain && byOther(s.markedW[x], t)
	inPlain := byOther(s.plainW[x], t) || (rPlain && byOther(s.markedW[x], t))
	outMarked := !wPlain && byOther(s.markedR[y], t)
	if w.Ann&AnnLock != 0 {
		outMarked = byOther(s.resumingR[y], t) // lock words are never plain
	}
	outPlain := byOther(s.plainR[y], t) || (wPlain && byOther(s.markedR[y], t))
	inFull, outFull := s.fullGuard[x] != noGuard, s.fullGuard[y] != noGuard
	switch {
	case !(inMarked || inPlain) || !(outMarked || outPlain):
		return false // no cycle passes through it
	case inPlain && !inFull && s.guard[x] == noGuard, outPlain && !outFull && s.guard[y] == noGuard:
		return true // a plain rf edge that no lock orders
	case inFull || outFull:
		return false // entered after a lock acquire, or left before an unlock
	}
	return inMarked && outMarked
}

// byOther reports whether a thread other than t is marked in who.
func byOther(who []bool, t int) bool {
	for u, ok := range who {
		if ok && u != t {
			return true
		}
	}
	return false
}

// anyThread reports whether some thread is marked in who.
func anyThread(who []bool) bool {
	for _, ok := range who {
		if ok {
			return true
		}
	}
	return false
}
