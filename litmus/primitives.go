package litmus

import (
	"fmt"
	"sort"
)

// PrimKind classifies a kernel primitive.
type PrimKind int

// The primitive kinds.
const (
	KindLoad  PrimKind = iota + 1 // reads a location
	KindStore                     // writes a location
	KindRMW                       // atomic read-modify-write
	KindFence                     // memory barrier
	KindLock                      // spinlock operation
	KindRCU                       // RCU / SRCU read-side marker or grace period
)

func (k PrimKind) String() string {
	switch k {
	case KindLoad:
		return "load"
	case KindStore:
		return "store"
	case KindRMW:
		return "rmw"
	case KindFence:
		return "fence"
	case KindLock:
		return "lock"
	case KindRCU:
		return "rcu"
	}
	return fmt.Sprintf("PrimKind(%d)", int(k))
}

// Ordering is the ordering strength of a primitive.
type Ordering int

// The orderings.
const (
	OrderNone    Ordering = iota // no ordering of its own (barrier(), rcu_read_lock(), ...)
	OrderOnce                    // a marked access: READ_ONCE, WRITE_ONCE, atomic_read
	OrderRelaxed                 // an unordered atomic: atomic_inc, *_relaxed
	OrderAcquire                 // acquire: smp_load_acquire, *_acquire, spin_lock
	OrderRelease                 // release: smp_store_release, *_release, spin_unlock
	OrderMB                      // full barrier: smp_mb, value-returning RMWs, smp_mb__*
	OrderRMB                     // read barrier: smp_rmb
	OrderWMB                     // write barrier: smp_wmb
)

func (o Ordering) String() string {
	switch o {
	case OrderNone:
		return "none"
	case OrderOnce:
		return "once"
	case OrderRelaxed:
		return "relaxed"
	case OrderAcquire:
		return "acquire"
	case OrderRelease:
		return "release"
	case OrderMB:
		return "mb"
	case OrderRMB:
		return "rmb"
	case OrderWMB:
		return "wmb"
	}
	return fmt.Sprintf("Ordering(%d)", int(o))
}

// Primitive describes one kernel primitive that litmus tests may call.
type Primitive struct {
	Name    string
	Kind    PrimKind
	Order   Ordering
	Returns bool // the call yields a value
	Arity   int  // number of arguments
	// LocArg is the index of the argument naming the location operated
	// on, or -1. atomic_add(i, v) has LocArg 1.
	LocArg int
	// Lvalue is true when the location argument is written as an lvalue
	// ("READ_ONCE(*x)") rather than as a pointer ("smp_load_acquire(x)").
	Lvalue bool
	// Op is the operation within the kind. RMW: "add", "sub", "inc",
	// "dec", "xchg", "cmpxchg", "add_unless", "sub_and_test",
	// "dec_and_test", "inc_and_test", "add_negative". Lock: "lock",
	// "unlock", "trylock", "is_locked". Fence and RCU: the herd7 event
	// name, e.g. "rmb", "after-atomic", "rcu-lock", "sync-rcu".
	Op string
	// Fetch is true for an RMW returning the old value (atomic_fetch_*,
	// xchg, cmpxchg); a returning RMW without Fetch yields the new value
	// (*_return) or a boolean (add_unless, *_and_test, add_negative).
	Fetch bool
}

var primitives = map[string]Primitive{}

func addPrim(p Primitive) { primitives[p.Name] = p }

func init() {
	type simple struct {
		name    string
		kind    PrimKind
		order   Ordering
		returns bool
		arity   int
		locArg  int
		lvalue  bool
		op      string
	}
	for _, s := range []simple{
		{"READ_ONCE", KindLoad, OrderOnce, true, 1, 0, true, ""},
		{"WRITE_ONCE", KindStore, OrderOnce, false, 2, 0, true, ""},
		{"smp_load_acquire", KindLoad, OrderAcquire, true, 1, 0, false, ""},
		{"smp_store_release", KindStore, OrderRelease, false, 2, 0, false, ""},
		{"rcu_dereference", KindLoad, OrderOnce, true, 1, 0, true, ""},
		{"rcu_assign_pointer", KindStore, OrderRelease, false, 2, 0, true, ""},
		{"smp_store_mb", KindStore, OrderMB, false, 2, 0, true, ""},
		{"atomic_read", KindLoad, OrderOnce, true, 1, 0, false, ""},
		{"atomic_set", KindStore, OrderOnce, false, 2, 0, false, ""},
		{"atomic_read_acquire", KindLoad, OrderAcquire, true, 1, 0, false, ""},
		{"atomic_set_release", KindStore, OrderRelease, false, 2, 0, false, ""},

		{"smp_mb", KindFence, OrderMB, false, 0, -1, false, "mb"},
		{"smp_rmb", KindFence, OrderRMB, false, 0, -1, false, "rmb"},
		{"smp_wmb", KindFence, OrderWMB, false, 0, -1, false, "wmb"},
		{"smp_read_barrier_depends", KindFence, OrderNone, false, 0, -1, false, "rb-dep"},
		{"smp_mb__before_atomic", KindFence, OrderMB, false, 0, -1, false, "before-atomic"},
		{"smp_mb__after_atomic", KindFence, OrderMB, false, 0, -1, false, "after-atomic"},
		{"smp_mb__after_spinlock", KindFence, OrderMB, false, 0, -1, false, "after-spinlock"},
		{"smp_mb__after_unlock_lock", KindFence, OrderMB, false, 0, -1, false, "after-unlock-lock"},
		{"smp_mb__after_srcu_read_unlock", KindFence, OrderMB, false, 0, -1, false, "after-srcu-read-unlock"},
		{"barrier", KindFence, OrderNone, false, 0, -1, false, "barrier"},

		{"spin_lock", KindLock, OrderAcquire, false, 1, 0, false, "lock"},
		{"spin_unlock", KindLock, OrderRelease, false, 1, 0, false, "unlock"},
		{"spin_trylock", KindLock, OrderAcquire, true, 1, 0, false, "trylock"},
		{"spin_is_locked", KindLock, OrderNone, true, 1, 0, false, "is_locked"},

		{"rcu_read_lock", KindRCU, OrderNone, false, 0, -1, false, "rcu-lock"},
		{"rcu_read_unlock", KindRCU, OrderNone, false, 0, -1, false, "rcu-unlock"},
		{"synchronize_rcu", KindRCU, OrderMB, false, 0, -1, false, "sync-rcu"},
		{"synchronize_rcu_expedited", KindRCU, OrderMB, false, 0, -1, false, "sync-rcu"},
		{"srcu_read_lock", KindRCU, OrderNone, true, 1, 0, false, "srcu-lock"},
		{"srcu_read_unlock", KindRCU, OrderNone, false, 2, 0, false, "srcu-unlock"},
		{"srcu_down_read", KindRCU, OrderNone, true, 1, 0, false, "srcu-lock"},
		{"srcu_up_read", KindRCU, OrderNone, false, 2, 0, false, "srcu-unlock"},
		{"synchronize_srcu", KindRCU, OrderMB, false, 1, 0, false, "sync-srcu"},
		{"synchronize_srcu_expedited", KindRCU, OrderMB, false, 1, 0, false, "sync-srcu"},
	} {
		addPrim(Primitive{Name: s.name, Kind: s.kind, Order: s.order, Returns: s.returns,
			Arity: s.arity, LocArg: s.locArg, Lvalue: s.lvalue, Op: s.op})
	}

	// Ordering variants of value-returning RMWs: the plain name is fully
	// ordered.
	variants := []struct {
		suffix string
		order  Ordering
	}{{"", OrderMB}, {"_relaxed", OrderRelaxed}, {"_acquire", OrderAcquire}, {"_release", OrderRelease}}
	rmw := func(name, op string, arity, locArg int, returns, fetch bool, order Ordering) {
		addPrim(Primitive{Name: name, Kind: KindRMW, Order: order, Returns: returns,
			Arity: arity, LocArg: locArg, Op: op, Fetch: fetch})
	}
	// atomic_add(i, v) and atomic_sub(i, v) take the operand first;
	// atomic_inc(v) and atomic_dec(v) have none.
	for _, a := range []struct {
		op     string
		arity  int
		locArg int
	}{{"add", 2, 1}, {"sub", 2, 1}, {"inc", 1, 0}, {"dec", 1, 0}} {
		rmw("atomic_"+a.op, a.op, a.arity, a.locArg, false, false, OrderRelaxed)
		for _, v := range variants {
			rmw("atomic_"+a.op+"_return"+v.suffix, a.op, a.arity, a.locArg, true, false, v.order)
			rmw("atomic_fetch_"+a.op+v.suffix, a.op, a.arity, a.locArg, true, true, v.order)
		}
	}
	for _, v := range variants {
		rmw("xchg"+v.suffix, "xchg", 2, 0, true, true, v.order)
		rmw("cmpxchg"+v.suffix, "cmpxchg", 3, 0, true, true, v.order)
		rmw("atomic_xchg"+v.suffix, "xchg", 2, 0, true, true, v.order)
		rmw("atomic_cmpxchg"+v.suffix, "cmpxchg", 3, 0, true, true, v.order)
	}
	rmw("atomic_add_unless", "add_unless", 3, 0, true, false, OrderMB)
	rmw("atomic_sub_and_test", "sub_and_test", 2, 1, true, false, OrderMB)
	rmw("atomic_dec_and_test", "dec_and_test", 1, 0, true, false, OrderMB)
	rmw("atomic_inc_and_test", "inc_and_test", 1, 0, true, false, OrderMB)
	rmw("atomic_add_negative", "add_negative", 2, 1, true, false, OrderMB)
}

// herdOnly are the primitives the kernel's linux-kernel.def defines (so herd7 runs
// them) that steercheck does not translate: the bitwise atomics and the ordering
// variants of atomic_add_negative. A test calling one is refused by name
// (*UnsupportedError); a test calling a name neither defines is ill-formed
// (*ParseError), as herd7 stops on it ("Unknown macro").
var herdOnly = map[string]bool{}

func init() {
	for _, op := range []string{"and", "andnot", "or", "xor"} {
		herdOnly["atomic_"+op] = true
		for _, v := range []string{"", "_relaxed", "_acquire", "_release"} {
			herdOnly["atomic_fetch_"+op+v] = true
		}
	}
	for _, v := range []string{"_relaxed", "_acquire", "_release"} {
		herdOnly["atomic_add_negative"+v] = true
	}
}

// HerdOnlyPrimitive reports whether name is a primitive of the kernel's
// linux-kernel.def (herd7 knows it) that steercheck does not support.
func HerdOnlyPrimitive(name string) bool { return herdOnly[name] }

// unsupportedCall is the reason given for a call of a herd-only primitive.
const unsupportedCall = "defined by the kernel's linux-kernel.def, but not supported by steercheck"

// unknownCall is the message for a call of a name no table defines.
func unknownCall(name string) string {
	return fmt.Sprintf("unknown primitive %q: neither the kernel's linux-kernel.def nor steercheck defines it", name)
}

// LookupPrimitive returns the description of the primitive called name.
func LookupPrimitive(name string) (Primitive, bool) {
	p, ok := primitives[name]
	return p, ok
}

// Primitives returns every known primitive, sorted by name.
func Primitives() []Primitive {
	out := make([]Primitive, 0, len(primitives))
	for _, p := range primitives {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CheckPrimitives reports the first call in t's threads that names no
// known primitive or passes the wrong number of arguments, as a
// *ParseError at the call: "unknown primitive \"foo\": ..." for a name no table
// defines, "unsupported primitive \"atomic_xor\": ..." for one that only herd7's
// .def defines. It returns nil when every call is known.
func CheckPrimitives(t *Test) error {
	var err *ParseError
	for _, th := range t.Threads {
		for _, s := range th.Body {
			Inspect(s, func(n Node) bool {
				c, ok := n.(*CallExpr)
				if !ok || err != nil {
					return err == nil
				}
				prim, known := LookupPrimitive(c.Func)
				switch {
				case !known && herdOnly[c.Func]:
					err = &ParseError{File: t.File, Line: c.Pos.Line, Col: c.Pos.Col,
						Msg: fmt.Sprintf("unsupported primitive %q: %s", c.Func, unsupportedCall)}
				case !known:
					err = &ParseError{File: t.File, Line: c.Pos.Line, Col: c.Pos.Col, Msg: unknownCall(c.Func)}
				case len(c.Args) != prim.Arity:
					err = &ParseError{File: t.File, Line: c.Pos.Line, Col: c.Pos.Col,
						Msg: fmt.Sprintf("%s takes %d argument(s), got %d", c.Func, prim.Arity, len(c.Args))}
				}
				return err == nil
			})
		}
	}
	if err != nil {
		return err
	}
	return nil
}
