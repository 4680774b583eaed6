package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/steercheck/steercheck/litmus"
)

// cycles.go makes the cycle family: n = 2–4 threads in a ring, thread i accessing
// location L(i) then L(i+1) (x, y, z, w), each consecutive pair of threads linked by
// a communication edge: rf (a write the next thread's first access reads), fr (a read
// that misses the next thread's write) or co (a write the next thread's write
// overwrites). With two threads these are LB (rf rf), MP (rf fr), SB (fr fr), S (rf
// co), R (co fr) and 2+2W (co co), up to rotation. Each thread orders its two
// accesses by one method (ordering below), and the final condition is the cycle's
// outcome: every rf read sees 1, every fr read sees 0, every co location ends with
// the second write's 2.

// edge is a communication edge from one thread's second access to the next thread's
// first.
type edge int

const (
	edgeRF edge = iota
	edgeFR
	edgeCO
)

var edgeNames = [...]string{"rf", "fr", "co"}

// shapeName names the two-thread shapes (by their edges, from P0's second access).
var shapeName = map[[2]edge]string{
	{edgeRF, edgeRF}: "LB", {edgeRF, edgeFR}: "MP", {edgeFR, edgeRF}: "MP",
	{edgeFR, edgeFR}: "SB", {edgeRF, edgeCO}: "S", {edgeCO, edgeRF}: "S",
	{edgeCO, edgeFR}: "R", {edgeFR, edgeCO}: "R", {edgeCO, edgeCO}: "2+2W",
}

// method is how a thread orders its two accesses.
type method int

const (
	mNone          method = iota // nothing
	mFence                       // smp_mb(), or smp_wmb()/smp_rmb() where they apply
	mData                        // the write's value depends on the read
	mAddr                        // the second access's address depends on the read
	mCtrl                        // the second access inside an if on the read
	mJoin                        // the second access after the join of an if on the read
	mLock                        // both inside spin_lock(l)
	mRCU                         // both inside rcu_read_lock()
	mSyncRCU                     // synchronize_rcu() between them
	mAtomic                      // atomic_inc(a); smp_mb__after_atomic() between them
	mSRCU                        // both inside an SRCU read-side critical section of s
	mSRCUOther                   // ... of s2
	mSyncSRCU                    // synchronize_srcu(s) between them
	mSyncSRCUOther               // synchronize_srcu(s2) between them
	mAfterSRCU                   // an empty SRCU section and smp_mb__after_srcu_read_unlock()
	mDownUp                      // both between srcu_down_read(s) and srcu_up_read(s, idx)
	nMethods
)

var methodNames = [...]string{"none", "fence", "data", "addr", "ctrl", "join", "lock", "rcu",
	"sync-rcu", "atomic", "srcu", "srcu-s2", "sync-srcu", "sync-srcu-s2", "after-srcu-unlock", "down-up"}

// cycleMethods and srcuMethods are the methods of the cycle and SRCU families.
var (
	cycleMethods = []method{mNone, mFence, mData, mAddr, mCtrl, mJoin, mLock, mRCU, mSyncRCU, mAtomic}
	srcuMethods  = []method{mSRCU, mSRCUOther, mSyncSRCU, mSyncSRCUOther, mAfterSRCU, mDownUp, mRCU, mSyncRCU}
)

var ringLocs = []string{"x", "y", "z", "w"}

// access is one of a thread's two accesses in the ring.
type access struct {
	loc   string
	write bool
	val   int64 // the value a write writes; the value a read must see
	reg   string
}

// cycleTest returns the cycle test called name: each thread's method is drawn from
// methods; with srcu set, at least one thread uses an SRCU method.
func cycleTest(r *rand.Rand, name string, methods []method, srcu bool) *litmus.Test {
	n := 2 + r.IntN(3)
	edges := make([]edge, n)
	for i := range edges {
		edges[i] = edge(r.IntN(3))
	}
	firsts, seconds := make([]access, n), make([]access, n)
	var atoms []litmus.Prop
	for i, e := range edges {
		loc := ringLocs[(i+1)%n]
		second, first := &seconds[i], &firsts[(i+1)%n]
		second.loc, first.loc = loc, loc
		switch e {
		case edgeRF:
			second.write, second.val, first.val = true, 1, 1
		case edgeFR:
			second.val, first.write, first.val = 0, true, 1
		case edgeCO:
			second.write, second.val, first.write, first.val = true, 1, true, 2
			atoms = append(atoms, locIs(loc, 2))
		}
	}
	ms := make([]method, n)
	for i := range ms {
		ms[i] = pickMethod(r, methods, firsts[i], seconds[i])
	}
	if srcu && !anySRCU(ms) {
		i := r.IntN(n)
		ms[i] = pickMethod(r, srcuMethods[:6], firsts[i], seconds[i])
	}
	var threads []*thread
	var desc []string
	for i := 0; i < n; i++ {
		c := &cycleThread{r: r, t: newThread(i)}
		c.emit(ms[i], &firsts[i], &seconds[i])
		threads = append(threads, c.t)
		desc = append(desc, methodNames[ms[i]])
	}
	// The reads' atoms, in thread order: a read's register is known once emitted.
	var regAtoms []litmus.Prop
	for i := 0; i < n; i++ {
		for _, a := range []access{firsts[i], seconds[i]} {
			if !a.write {
				regAtoms = append(regAtoms, regIs(i, a.reg, a.val))
			}
		}
	}
	return newTest(name, describe(edges, desc), threads, append(regAtoms, atoms...))
}

// describe is the doc string: the shape (its name for two threads), the edges and
// each thread's method.
func describe(edges []edge, methods []string) string {
	var es []string
	for _, e := range edges {
		es = append(es, edgeNames[e])
	}
	shape := fmt.Sprintf("%d-thread cycle", len(edges))
	if len(edges) == 2 {
		shape = shapeName[[2]edge{edges[0], edges[1]}]
	}
	return fmt.Sprintf("%s: %s; ordered by %s", shape, strings.Join(es, " "), strings.Join(methods, ", "))
}

func anySRCU(ms []method) bool {
	for _, m := range ms {
		if m >= mSRCU {
			return true
		}
	}
	return false
}

// pickMethod draws a method that applies to the pair (a, b): dependencies need a
// read first, a data dependency a write second.
func pickMethod(r *rand.Rand, methods []method, a, b access) method {
	for {
		m := methods[r.IntN(len(methods))]
		switch m {
		case mData:
			if a.write || !b.write {
				continue
			}
		case mAddr, mCtrl, mJoin:
			if a.write {
				continue
			}
		}
		return m
	}
}

// cycleThread emits one thread of a ring.
type cycleThread struct {
	r *rand.Rand
	t *thread
}

// emit writes the two accesses ordered by m.
func (c *cycleThread) emit(m method, a, b *access) {
	t := c.t
	switch m {
	case mNone:
		c.access(a)
		c.access(b)
	case mFence:
		c.access(a)
		switch {
		case a.write && b.write && c.r.IntN(2) == 0:
			t.do("smp_wmb")
		case !a.write && !b.write && c.r.IntN(2) == 0:
			t.do("smp_rmb")
		default:
			t.do("smp_mb")
		}
		c.access(b)
	case mData:
		c.access(a)
		c.write(b, dataValue(a.reg, b.val))
	case mAddr:
		c.access(a)
		p := t.ptr()
		t.set(p, bin(litmus.OpAdd, t.loc(b.loc, typeInt), zeroOf(a.reg)))
		c.through(deref(ident(p)), b)
	case mCtrl:
		c.access(a)
		t.ifThen(c.trueOf(a), func() { c.access(b) }, nil)
	case mJoin:
		c.access(a)
		z := t.at("z9")
		var els func()
		if c.r.IntN(2) == 0 {
			els = func() { t.do("WRITE_ONCE", z, lit(2)) }
		}
		t.ifThen(branchCond(c.r, a.reg), func() { t.do("WRITE_ONCE", z, lit(1)) }, els)
		c.access(b)
	case mLock:
		c.around(func() { t.do("spin_lock", t.loc("l", typeSpinlock)) }, a, b,
			func() { t.do("spin_unlock", t.loc("l", typeSpinlock)) })
	case mRCU:
		c.around(func() { t.do("rcu_read_lock") }, a, b, func() { t.do("rcu_read_unlock") })
	case mSyncRCU:
		c.between(a, b, func() { t.do(pickStr(c.r, "synchronize_rcu", "synchronize_rcu_expedited")) })
	case mAtomic:
		c.between(a, b, func() {
			at := t.loc("a", typeAtomic)
			if c.r.IntN(2) == 0 {
				t.do("atomic_inc", at)
			} else {
				t.do("atomic_add", lit(2), at)
			}
			t.do("smp_mb__after_atomic")
		})
	case mSRCU, mSRCUOther, mDownUp:
		s := c.srcu(m == mSRCUOther)
		lock, unlock := "srcu_read_lock", "srcu_read_unlock"
		if m == mDownUp {
			lock, unlock = "srcu_down_read", "srcu_up_read"
		}
		var idx string
		c.around(func() { idx = t.load(call(lock, s)) }, a, b, func() { t.do(unlock, s, ident(idx)) })
	case mSyncSRCU, mSyncSRCUOther:
		c.between(a, b, func() { t.do("synchronize_srcu", c.srcu(m == mSyncSRCUOther)) })
	case mAfterSRCU:
		c.between(a, b, func() {
			s := c.srcu(false)
			idx := t.load(call("srcu_read_lock", s))
			t.do("srcu_read_unlock", s, ident(idx))
			t.do("smp_mb__after_srcu_read_unlock")
		})
	}
}

func (c *cycleThread) srcu(other bool) litmus.Expr {
	if other {
		return c.t.loc("s2", typeSrcu)
	}
	return c.t.loc("s", typeSrcu)
}

// around emits open; a; b; close.
func (c *cycleThread) around(open func(), a, b *access, close func()) {
	open()
	c.access(a)
	c.access(b)
	close()
}

// between emits a; mid; b.
func (c *cycleThread) between(a, b *access, mid func()) {
	c.access(a)
	mid()
	c.access(b)
}

// trueOf is a branch condition that holds when a's read sees the value it must see
// in the cycle.
func (c *cycleThread) trueOf(a *access) litmus.Expr {
	switch c.r.IntN(4) {
	case 0:
		return ident(a.reg)
	case 1:
		return bin(litmus.OpNe, ident(a.reg), lit(0))
	case 2:
		return bin(litmus.OpEq, ident(a.reg), lit(a.val))
	}
	return bin(litmus.OpGe, ident(a.reg), lit(0))
}

// access emits a read or write of its location in a random flavour.
func (c *cycleThread) access(a *access) {
	if a.write {
		c.write(a, lit(a.val))
		return
	}
	t := c.t
	switch n := c.r.IntN(20); {
	case n < 11:
		a.reg = t.load(call("READ_ONCE", t.at(a.loc)))
	case n < 15:
		a.reg = t.load(call("smp_load_acquire", t.loc(a.loc, typeInt)))
	default:
		a.reg = t.load(t.at(a.loc))
	}
}

// write emits a write of v to a's location in a random flavour.
func (c *cycleThread) write(a *access, v litmus.Expr) {
	t := c.t
	switch n := c.r.IntN(20); {
	case n < 11:
		t.do("WRITE_ONCE", t.at(a.loc), v)
	case n < 15:
		t.do("smp_store_release", t.loc(a.loc, typeInt), v)
	case n < 18:
		t.store(t.at(a.loc), v)
	default:
		t.load(call("xchg"+pickStr(c.r, suffixes...), t.loc(a.loc, typeInt), v))
	}
}

// through emits a's access through the lvalue lv (an address dependency).
func (c *cycleThread) through(lv litmus.Expr, a *access) {
	t := c.t
	if a.write {
		if c.r.IntN(4) == 0 {
			t.store(lv, lit(a.val))
		} else {
			t.do("WRITE_ONCE", lv, lit(a.val))
		}
		return
	}
	if c.r.IntN(4) == 0 {
		a.reg = t.load(lv)
	} else {
		a.reg = t.load(call("READ_ONCE", lv))
	}
}
