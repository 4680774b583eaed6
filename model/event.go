package model

import (
	"fmt"
	"math/bits"
	"strings"
)

// EventKind says what an event does to memory.
type EventKind uint8

// Event kinds.
const (
	KindRead   EventKind = iota + 1 // a load (also the read half of an RMW or a lock acquire)
	KindWrite                       // a store (also the write half of an RMW, a lock acquire or an unlock)
	KindFence                       // a barrier
	KindMarker                      // a logical action (submit, consume, complete): no memory effect
)

func (k EventKind) String() string {
	switch k {
	case KindRead:
		return "R"
	case KindWrite:
		return "W"
	case KindFence:
		return "F"
	case KindMarker:
		return "M"
	}
	return "?"
}

// Ann is the set of annotations of an access: how the kernel code spells it, which
// weak memory models use to decide what it orders.
type Ann uint16

// Access annotations.
const (
	AnnPlain      Ann = 1 << iota // a plain C access
	AnnOnce                       // READ_ONCE / WRITE_ONCE / ACCESS_ONCE / atomic_read / atomic_set
	AnnAcquire                    // smp_load_acquire, *_acquire RMWs, the read of a lock acquire
	AnnRelease                    // smp_store_release, *_release RMWs, spin_unlock
	AnnRelaxed                    // a *_relaxed RMW, or a void atomic (atomic_inc)
	AnnMb                         // a fully ordered value-returning RMW (atomic_inc_return, xchg)
	AnnRMW                        // the two halves of a read-modify-write
	AnnLock                       // the read and write of spin_lock
	AnnUnlock                     // the write of spin_unlock
	AnnDeref                      // rcu_dereference (a READ_ONCE with dependency ordering)
	AnnNoReturn                   // a void atomic whose value is unused
	AnnIsLocked                   // spin_is_locked: a read of a lock word that orders nothing (lock.cat's RL/RU)
	AnnSrcuLock                   // srcu_read_lock, srcu_down_read: a marked read of the srcu_struct (Srcu-lock)
	AnnSrcuUnlock                 // srcu_read_unlock, srcu_up_read: a marked write of the index (Srcu-unlock)
)

var annNames = []string{"plain", "once", "acquire", "release", "relaxed", "mb", "rmw", "lock", "unlock", "deref", "noreturn", "is_locked",
	"srcu_lock", "srcu_unlock"}

func (a Ann) String() string {
	var parts []string
	for i, n := range annNames {
		if a&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

// Has reports whether every bit of b is set in a.
func (a Ann) Has(b Ann) bool { return a&b == b }

// FenceKind is the kind of a barrier event.
type FenceKind uint8

// Fences of the Linux kernel.
const (
	FenceNone                FenceKind = iota
	FenceMb                            // smp_mb()
	FenceWmb                           // smp_wmb()
	FenceRmb                           // smp_rmb()
	FenceReadBarrierDepend             // smp_read_barrier_depends()
	FenceBeforeAtomic                  // smp_mb__before_atomic()
	FenceAfterAtomic                   // smp_mb__after_atomic()
	FenceAfterSpinlock                 // smp_mb__after_spinlock()
	FenceAfterUnlockLock               // smp_mb__after_unlock_lock()
	FenceBarrier                       // barrier(): a compiler barrier
	FenceRcuLock                       // rcu_read_lock()
	FenceRcuUnlock                     // rcu_read_unlock()
	FenceSyncRcu                       // synchronize_rcu()
	FenceSyncSrcu                      // synchronize_srcu(s): a grace period of one srcu_struct, the event's Loc
	FenceAfterSrcuReadUnlock           // smp_mb__after_srcu_read_unlock()
)

var fenceNames = [...]string{"none", "smp_mb", "smp_wmb", "smp_rmb", "smp_read_barrier_depends",
	"smp_mb__before_atomic", "smp_mb__after_atomic", "smp_mb__after_spinlock",
	"smp_mb__after_unlock_lock", "barrier", "rcu_read_lock", "rcu_read_unlock", "synchronize_rcu",
	"synchronize_srcu", "smp_mb__after_srcu_read_unlock"}

// HasLoc reports whether fences of kind f name a location (the event's Loc):
// synchronize_srcu names its srcu_struct. herd7 gives such an event a location but no
// memory access (it is in the .cat's loc relation, not in M).
func (f FenceKind) HasLoc() bool { return f == FenceSyncSrcu }

func (f FenceKind) String() string {
	if int(f) < len(fenceNames) {
		return fenceNames[f]
	}
	return "fence?"
}

// DepSet is a set of events of one thread, by their index in the thread (up to
// MaxThreadEvents). Registers carry the set of reads their value depends on.
type DepSet [2]uint64

// MaxThreadEvents bounds the number of events one thread may produce.
const MaxThreadEvents = 128

// Add puts event index i into the set.
func (d *DepSet) Add(i int) { d[i>>6] |= 1 << (uint(i) & 63) }

// Has reports whether event index i is in the set.
func (d DepSet) Has(i int) bool { return d[i>>6]&(1<<(uint(i)&63)) != 0 }

// Union adds every member of o.
func (d *DepSet) Union(o DepSet) { d[0] |= o[0]; d[1] |= o[1] }

// Minus removes every member of o.
func (d *DepSet) Minus(o DepSet) { d[0] &^= o[0]; d[1] &^= o[1] }

// Contains reports whether every member of o is in d.
func (d DepSet) Contains(o DepSet) bool { return o[0]&^d[0] == 0 && o[1]&^d[1] == 0 }

// Empty reports whether the set is empty.
func (d DepSet) Empty() bool { return d[0]|d[1] == 0 }

// Members lists the indices in increasing order.
func (d DepSet) Members() []int {
	var out []int
	for w := 0; w < 2; w++ {
		x := d[w]
		for x != 0 {
			b := bits.TrailingZeros64(x)
			out = append(out, w*64+b)
			x &^= 1 << uint(b)
		}
	}
	return out
}

// EventRef names an event: its thread and its index in the thread's program order.
// The initial writes have Thread == InitThread and Index == the location.
type EventRef struct {
	Thread int32
	Index  int32
}

// InitThread is the Thread of an initial write.
const InitThread = -1

// InitRef returns the reference of the initial write to location l.
func InitRef(l LocID) EventRef { return EventRef{Thread: InitThread, Index: int32(l)} }

// IsInit reports whether r names an initial write.
func (r EventRef) IsInit() bool { return r.Thread == InitThread }

// SpeculatedThread is the Thread of Speculated.
const SpeculatedThread = -2

// Speculated is the RF of a speculated read: one whose value is fixed but whose write
// is not chosen yet, so it has no reads-from edge (and no from-read edges). Graphs with
// such reads exist only inside the second phase of Explore (speculate.go), which hands
// them to memory models while it builds them; a visitor never sees one. Models treat
// such a read as reading from no write.
func Speculated() EventRef { return EventRef{Thread: SpeculatedThread} }

// IsSpeculated reports whether r is Speculated.
func (r EventRef) IsSpeculated() bool { return r.Thread == SpeculatedThread }

// IsThreadEvent reports whether r names an event of a thread: neither an initial
// write nor Speculated.
func (r EventRef) IsThreadEvent() bool { return r.Thread >= 0 }

func (r EventRef) String() string {
	if r.IsInit() {
		return fmt.Sprintf("init(%d)", r.Index)
	}
	if r.IsSpeculated() {
		return "speculated"
	}
	return fmt.Sprintf("P%d:%d", r.Thread, r.Index)
}

// Event is one node of an execution graph.
type Event struct {
	Kind  EventKind
	Ann   Ann
	Fence FenceKind
	Loc   LocID // for reads and writes, and fences whose kind HasLoc
	Val   Value // the value written, or the value read
	RF    EventRef
	// Addr, Data and Ctrl are the reads of the same thread (by index) this event depends
	// on. Ctrl is the control dependency as herd7's C front end (and so LKMM) has it:
	// the reads tested by the ifs whose blocks enclose the event (it ends at the join)
	// and by every earlier loop exit and spin-wait (Thread.While, Thread.Await).
	// CtrlAll is the control dependency as the hardware has it: the reads tested by
	// every branch of the thread before the event, enclosing or not. Ctrl ⊆ CtrlAll.
	Addr, Data, Ctrl, CtrlAll DepSet
	PC                        int32 // the instruction that produced it
	Stamp                     int32 // the order in which the explorer added it
	// AddedMax is true when the event was added reading from (or, for a write, placed as)
	// the coherence-latest write of its location; Revisitable is false once the event is
	// part of the prefix of a write that revisited a read. Both drive the explorer's
	// maximality check and mean nothing to memory models.
	AddedMax    bool
	Revisitable bool
	InAwait     bool // a read of the final iteration of a spin-wait
	// Open marks, in the second phase's exit mode (exitcut.go), a write that ends an
	// open pair of its thread: no read of another thread reads it except speculated.
	Open   bool
	Marker string // for KindMarker: the action's tag
	Args   [3]Value
	// occ counts the earlier events of the thread with the same instruction and kind:
	// with PC and Kind it names the event across re-runs of its thread (hmc.go).
	occ int32
	// markedAt is, for an event that is not Revisitable under ExploreHMC, the stamp
	// the revisited read took in the revisit that marked it (hmcmax.go).
	markedAt int32
}

// IsRead reports whether the event reads memory.
func (e *Event) IsRead() bool { return e.Kind == KindRead }

// IsWrite reports whether the event writes memory.
func (e *Event) IsWrite() bool { return e.Kind == KindWrite }

// HasLoc reports whether the event names a location: a read, a write, or a fence
// whose kind HasLoc (synchronize_srcu).
func (e *Event) HasLoc() bool {
	return e.Kind == KindRead || e.Kind == KindWrite || e.Kind == KindFence && e.Fence.HasLoc()
}

// IsRMW reports whether the event is half of a read-modify-write.
func (e *Event) IsRMW() bool { return e.Ann&AnnRMW != 0 }
