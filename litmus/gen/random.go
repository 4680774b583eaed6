package gen

import (
	"math/rand/v2"

	"github.com/steercheck/steercheck/litmus"
)

// random.go makes the random family: 2–4 threads of 1–4 random statements each over
// the int locations x, y, z, the atomic_t a, the spinlock l and the srcu_structs s and
// s2 — ONCE, acquire, release and plain accesses; fences; xchg/cmpxchg and atomic_t
// operations with every ordering suffix; control, data and address dependencies;
// spin_lock sections; RCU read sections and synchronize_rcu(); SRCU read sections,
// synchronize_srcu() and smp_mb__after_srcu_read_unlock(). The final condition asks
// for 1–3 values of registers read or locations written.

// stmtKind is one entry of the statement menu.
type stmtKind int

const (
	sReadOnce stmtKind = iota
	sWriteOnce
	sReadPlain
	sWritePlain
	sAcquire
	sRelease
	sFence
	sXchg
	sAtomic
	sCtrl
	sData
	sAddr
	sLock
	sRCU
	sSyncRCU
	sSRCU
	sSyncSRCU
	sSRCUIndex // srcu_read_unlock given a computed or foreign index, or no unlock
	nStmtKinds
)

// weights gives each statement kind its relative frequency.
type weights [nStmtKinds]int

// randomWeights is the mix of the random family.
var randomWeights = weights{
	sReadOnce: 10, sWriteOnce: 10, sReadPlain: 4, sWritePlain: 4, sAcquire: 4, sRelease: 4,
	sFence: 6, sXchg: 4, sAtomic: 6, sCtrl: 5, sData: 4, sAddr: 3, sLock: 3, sRCU: 2,
	sSyncRCU: 1, sSRCU: 1, sSyncSRCU: 1,
}

var intLocs = []string{"x", "y", "z"}

// maxWrites bounds the writes to one location: the coherence orders of its writes,
// and so the executions, grow with their factorial.
const maxWrites = 3

// maxStmts bounds the top-level statements of a thread by the number of threads, and
// a compound statement (an if, a section) holds one or two statements, no compound
// one: the tests stay small enough for herd7 and the runner to enumerate in about a
// second at most.
var maxStmts = [5]int{2: 5, 3: 4, 4: 3}

// randomGen builds one random test.
type randomGen struct {
	r       *rand.Rand
	w       weights
	th      *thread
	threads []*thread
	regs    []regRef       // registers that hold a value read from memory
	written map[string]int // int locations some thread writes: how many writes
	depth   int            // nesting of ifs and sections
}

type regRef struct {
	thread int
	name   string
}

// Random returns the random test called name, drawn from r with the statement mix w.
func randomTest(r *rand.Rand, name string, w weights) *litmus.Test {
	g := &randomGen{r: r, w: w, written: map[string]int{}}
	n := 2 + r.IntN(3)
	for i := 0; i < n; i++ {
		g.th = newThread(i)
		g.threads = append(g.threads, g.th)
		for k := 1 + r.IntN(maxStmts[n]); k > 0; k-- {
			g.stmt()
		}
	}
	return newTest(name, "", g.threads, g.condition())
}

// pick draws a statement kind by weight.
func (g *randomGen) pick() stmtKind {
	total := 0
	for _, w := range g.w {
		total += w
	}
	n := g.r.IntN(total)
	for k, w := range g.w {
		if n < w {
			return stmtKind(k)
		}
		n -= w
	}
	return sReadOnce
}

func (g *randomGen) intLoc() string { return intLocs[g.r.IntN(len(intLocs))] }
func (g *randomGen) value() int64   { return 1 + g.r.Int64N(2) }

// read records a register that holds a value read from memory.
func (g *randomGen) read(reg string) string {
	g.regs = append(g.regs, regRef{g.th.id, reg})
	return reg
}

// ownReg is a register of the current thread that holds a read value, or "".
func (g *randomGen) ownReg() string {
	var own []string
	for _, rr := range g.regs {
		if rr.thread == g.th.id {
			own = append(own, rr.name)
		}
	}
	if len(own) == 0 {
		return ""
	}
	return own[g.r.IntN(len(own))]
}

// nested emits the statements inside a block (an if branch or a section).
func (g *randomGen) nested() {
	g.depth++
	for k := 1 + g.r.IntN(2); k > 0; k-- {
		g.stmt()
	}
	g.depth--
}

// stmt emits one random statement.
func (g *randomGen) stmt() {
	t := g.th
	k := g.pick()
	if g.depth > 0 && (k == sCtrl || k == sLock || k == sRCU || k == sSRCU || k == sSRCUIndex) {
		k = sReadOnce
	}
	switch k {
	case sReadOnce:
		g.readOnce()
	case sWriteOnce:
		g.write("WRITE_ONCE", lit(g.value()))
	case sReadPlain:
		g.read(t.load(t.at(g.intLoc())))
	case sWritePlain:
		g.write("", lit(g.value()))
	case sAcquire:
		g.read(t.load(call("smp_load_acquire", t.loc(g.intLoc(), typeInt))))
	case sRelease:
		g.write("smp_store_release", lit(g.value()))
	case sFence:
		t.do(pickStr(g.r, "smp_mb", "smp_rmb", "smp_wmb", "smp_mb__before_atomic", "smp_mb__after_atomic", "barrier"))
	case sXchg:
		g.xchg()
	case sAtomic:
		g.atomic()
	case sCtrl:
		g.ctrl()
	case sData:
		g.data()
	case sAddr:
		g.addr()
	case sLock:
		l := t.loc("l", typeSpinlock)
		t.do("spin_lock", l)
		g.nested()
		t.do("spin_unlock", l)
	case sRCU:
		t.do("rcu_read_lock")
		g.nested()
		t.do("rcu_read_unlock")
	case sSyncRCU:
		t.do("synchronize_rcu")
	case sSRCU:
		g.srcuSection()
	case sSyncSRCU:
		t.do(pickStr(g.r, "synchronize_srcu", "synchronize_srcu", "synchronize_srcu_expedited"), g.srcuStruct())
	case sSRCUIndex:
		g.srcuIndex()
	}
}

// readOnce emits a READ_ONCE of a random int location.
func (g *randomGen) readOnce() string {
	return g.read(g.th.load(call("READ_ONCE", g.th.at(g.intLoc()))))
}

// target picks an int location to write and counts the write; "" when every
// location has its maxWrites.
func (g *randomGen) target() string {
	var open []string
	for _, x := range intLocs {
		if g.written[x] < maxWrites {
			open = append(open, x)
		}
	}
	if len(open) == 0 {
		return ""
	}
	x := open[g.r.IntN(len(open))]
	g.written[x]++
	return x
}

// write emits a write of v to a target location: fn(*x, v) for WRITE_ONCE, fn(x, v)
// for the other store primitives, "*x = v" for fn "". With no target left it emits a
// read instead.
func (g *randomGen) write(fn string, v litmus.Expr) {
	x := g.target()
	if x == "" {
		g.readOnce()
		return
	}
	g.writeTo(fn, x, v)
}

func (g *randomGen) writeTo(fn, x string, v litmus.Expr) {
	t := g.th
	switch fn {
	case "":
		t.store(t.at(x), v)
	case "WRITE_ONCE":
		t.do(fn, t.at(x), v)
	default:
		t.do(fn, t.loc(x, typeInt), v)
	}
}

var suffixes = []string{"", "_relaxed", "_acquire", "_release"}

// xchg emits xchg or cmpxchg on an int location, any ordering suffix.
func (g *randomGen) xchg() {
	t := g.th
	x := g.target()
	if x == "" {
		g.readOnce()
		return
	}
	sfx := pickStr(g.r, suffixes...)
	if g.r.IntN(2) == 0 {
		g.read(t.load(call("xchg"+sfx, t.loc(x, typeInt), lit(g.value()))))
		return
	}
	g.read(t.load(call("cmpxchg"+sfx, t.loc(x, typeInt), lit(g.r.Int64N(2)), lit(g.value()))))
}

// atomic emits an atomic_t operation on a.
func (g *randomGen) atomic() {
	t := g.th
	a := t.loc("a", typeAtomic)
	sfx := pickStr(g.r, suffixes...)
	op := pickStr(g.r, "add", "sub", "inc", "dec")
	args := func() []litmus.Expr {
		if op == "add" || op == "sub" {
			return []litmus.Expr{lit(g.value()), a}
		}
		return []litmus.Expr{a}
	}
	switch g.r.IntN(9) {
	case 0:
		t.do("atomic_"+op, args()...)
	case 1:
		g.read(t.load(call("atomic_"+op+"_return"+sfx, args()...)))
	case 2:
		g.read(t.load(call("atomic_fetch_"+op+sfx, args()...)))
	case 3:
		g.read(t.load(call(pickStr(g.r, "atomic_read", "atomic_read_acquire"), a)))
	case 4:
		t.do(pickStr(g.r, "atomic_set", "atomic_set_release"), a, lit(g.value()))
	case 5:
		g.read(t.load(call("atomic_xchg"+sfx, a, lit(g.value()))))
	case 6:
		g.read(t.load(call("atomic_cmpxchg"+sfx, a, lit(g.r.Int64N(2)), lit(g.value()))))
	case 7:
		g.read(t.load(call("atomic_add_unless", a, lit(1), lit(g.r.Int64N(2)))))
	default:
		switch g.r.IntN(4) {
		case 0:
			g.read(t.load(call("atomic_inc_and_test", a)))
		case 1:
			g.read(t.load(call("atomic_dec_and_test", a)))
		case 2:
			g.read(t.load(call("atomic_sub_and_test", lit(1), a)))
		default:
			g.read(t.load(call("atomic_add_negative", lit(-1), a)))
		}
	}
}

// branchCond is a condition on reg that some of its values make true.
func branchCond(r *rand.Rand, reg string) litmus.Expr {
	switch r.IntN(5) {
	case 0:
		return ident(reg)
	case 1:
		return bin(litmus.OpNe, ident(reg), lit(0))
	case 2:
		return bin(litmus.OpEq, ident(reg), lit(1+r.Int64N(2)))
	case 3:
		return bin(litmus.OpGe, ident(reg), lit(0))
	}
	return bin(litmus.OpEq, ident(reg), lit(0))
}

// ctrl emits an if on a read value, with statements inside (control dependency) and
// sometimes an else branch.
func (g *randomGen) ctrl() {
	reg := g.ownReg()
	if reg == "" {
		reg = g.readOnce()
	}
	var els func()
	if g.r.IntN(3) == 0 {
		els = g.nested
	}
	g.th.ifThen(branchCond(g.r, reg), g.nested, els)
}

// data emits a store whose value depends on a read value.
func (g *randomGen) data() {
	reg := g.ownReg()
	if reg == "" {
		reg = g.readOnce()
	}
	switch g.r.IntN(3) {
	case 0:
		g.write("", ident(reg))
	case 1:
		g.write("WRITE_ONCE", dataValue(reg, g.value()))
	default:
		g.write("smp_store_release", dataValue(reg, g.value()))
	}
}

// addr emits an access through a pointer computed from a read value.
func (g *randomGen) addr() {
	t := g.th
	reg := g.ownReg()
	if reg == "" {
		reg = g.readOnce()
	}
	write := g.r.IntN(2) == 0
	x := g.intLoc()
	if write {
		if x = g.target(); x == "" {
			x, write = g.intLoc(), false
		}
	}
	p := t.ptr()
	t.set(p, bin(litmus.OpAdd, t.loc(x, typeInt), zeroOf(reg)))
	if write {
		t.do("WRITE_ONCE", deref(ident(p)), lit(g.value()))
		return
	}
	g.read(t.load(call("READ_ONCE", deref(ident(p)))))
}

// srcuStruct is s, sometimes s2.
func (g *randomGen) srcuStruct() litmus.Expr {
	return g.th.loc(g.srcuName(), typeSrcu)
}

func (g *randomGen) srcuName() string {
	if g.r.IntN(4) == 0 {
		return "s2"
	}
	return "s"
}

// unlockable counts an srcu_read_unlock of srcu_struct name (a write of it, as the
// kernel's .def has it) and reports whether it is within maxWrites; past it the
// caller emits a read instead.
func (g *randomGen) unlockable(name string) bool {
	if g.written[name] >= maxWrites {
		return false
	}
	g.written[name]++
	return true
}

// srcuSection emits an SRCU read-side critical section, sometimes followed by
// smp_mb__after_srcu_read_unlock().
func (g *randomGen) srcuSection() {
	t := g.th
	name := g.srcuName()
	if !g.unlockable(name) {
		g.readOnce()
		return
	}
	s := t.loc(name, typeSrcu)
	lock, unlock := "srcu_read_lock", "srcu_read_unlock"
	if g.r.IntN(3) == 0 {
		lock, unlock = "srcu_down_read", "srcu_up_read"
	}
	idx := t.load(call(lock, s))
	g.nested()
	t.do(unlock, s, ident(idx))
	if g.r.IntN(3) == 0 {
		t.do("smp_mb__after_srcu_read_unlock")
	}
}

// srcuIndex emits the SRCU misuses and hand-overs the kernel's model flags or
// matches by value: an unlock given a computed index, an index handed to another
// thread through memory, a lock never released, synchronize_srcu() inside an RCU
// read-side critical section.
func (g *randomGen) srcuIndex() {
	t := g.th
	s := t.loc("s", typeSrcu)
	k := g.r.IntN(4)
	if (k == 0 || k == 2) && !g.unlockable("s") {
		k = 3
	}
	switch k {
	case 0: // a computed index
		idx := t.load(call("srcu_read_lock", s))
		g.nested()
		t.do("srcu_read_unlock", s, bin(litmus.OpAdd, ident(idx), lit(g.r.Int64N(2))))
	case 1: // hand the index over through memory; a later thread may release it
		idx := t.load(call("srcu_down_read", s))
		g.written["ip"]++
		g.writeTo(pickStr(g.r, "WRITE_ONCE", "smp_store_release"), "ip", ident(idx))
		g.nested()
	case 2: // release an index read from memory (another thread's, or 0)
		ip := t.at("ip")
		if g.r.IntN(2) == 0 {
			ip = call("smp_load_acquire", t.loc("ip", typeInt))
		} else {
			ip = call("READ_ONCE", ip)
		}
		i := g.read(t.load(ip))
		g.nested()
		t.do("srcu_up_read", s, ident(i))
	default: // a grace period inside an RCU read-side critical section
		t.do("rcu_read_lock")
		t.do("synchronize_srcu", s)
		g.nested()
		t.do("rcu_read_unlock")
	}
}

// condition draws 1–3 atoms: registers that read memory and int locations that some
// thread writes, each with a value 0–2.
func (g *randomGen) condition() []litmus.Prop {
	var cands []litmus.Prop
	for _, rr := range g.regs {
		cands = append(cands, regIs(rr.thread, rr.name, g.r.Int64N(3)))
	}
	for _, x := range append(intLocs, "ip") {
		if g.written[x] > 0 {
			cands = append(cands, locIs(x, g.r.Int64N(3)))
		}
	}
	if len(cands) == 0 {
		// Nothing read or written: ask about a location every test can name.
		g.threads[0].loc("x", typeInt)
		return []litmus.Prop{locIs("x", 0)}
	}
	g.r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	n := 1 + g.r.IntN(3)
	if n > len(cands) {
		n = len(cands)
	}
	return cands[:n]
}

func pickStr(r *rand.Rand, opts ...string) string { return opts[r.IntN(len(opts))] }
