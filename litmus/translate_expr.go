package litmus

import (
	"fmt"

	"github.com/steercheck/steercheck/model"
)

// translate_expr.go translates expressions and primitive calls. An expression's memory
// accesses are emitted as instructions, left to right, before the statement that uses
// it; what remains is a side-effect-free model.Expr over registers and constants.

var binOps = map[BinaryOp]model.BinOp{
	OpMul: model.OpMul, OpDiv: model.OpDiv, OpMod: model.OpMod, OpAdd: model.OpAdd,
	OpSub: model.OpSub, OpShl: model.OpShl, OpShr: model.OpShr, OpLt: model.OpLt,
	OpLe: model.OpLe, OpGt: model.OpGt, OpGe: model.OpGe, OpEq: model.OpEq,
	OpNe: model.OpNe, OpBitAnd: model.OpAnd, OpXor: model.OpXor, OpBitOr: model.OpOr,
	OpAnd: model.OpLAnd, OpOr: model.OpLOr,
}

// value translates e, which must yield a value.
func (tr *threadTr) value(e Expr) model.Expr {
	v := tr.expr(e)
	if v == nil {
		tr.p.failf(e.Position(), "%s yields no value", FormatExpr(e))
	}
	return v
}

// effect translates e for its side effects only.
func (tr *threadTr) effect(e Expr) { tr.expr(e) }

// expr translates e; it returns nil for a call that yields nothing.
func (tr *threadTr) expr(e Expr) model.Expr {
	switch e := e.(type) {
	case *IntLit:
		return model.Const(e.Value)
	case *Ident:
		if r, ok := tr.regs.Regs[e.Name]; ok {
			return r
		}
		if i, ok := tr.params[e.Name]; ok {
			return model.Const(AddrBase + model.Value(i))
		}
		tr.p.failf(e.Pos, "undeclared name %s in P%d", e.Name, tr.src.ID)
	case *Deref:
		return tr.load(tr.address(e.X), model.AnnPlain)
	case *AddrOf:
		if d, ok := e.X.(*Deref); ok {
			return tr.value(d.X)
		}
		tr.p.unsupported(e.Pos, "&", "taking the address of "+FormatExpr(e.X))
	case *UnaryExpr:
		x := tr.value(e.X)
		switch e.Op {
		case OpNot:
			return model.Not(x)
		case OpNeg:
			return model.Sub(0, x)
		case OpBitNot:
			return model.Bin(model.OpXor, x, -1)
		}
	case *BinaryExpr:
		if (e.Op == OpAnd || e.Op == OpOr) && hasEffects(e.Y) {
			return tr.shortCircuit(e)
		}
		x := tr.value(e.X)
		y := tr.value(e.Y)
		return model.Bin(binOps[e.Op], x, y)
	case *CastExpr:
		if e.Type.Name == "void" && e.Type.Ptr == 0 {
			tr.effect(e.X)
			return nil
		}
		return tr.value(e.X)
	case *CallExpr:
		return tr.call(e)
	}
	if e == nil {
		tr.p.failf(Pos{}, "missing expression")
	}
	tr.p.failf(e.Position(), "cannot translate %s", FormatExpr(e))
	return nil
}

// shortCircuit translates "x && y" or "x || y" when y reads memory: y's accesses
// happen only when C evaluates y.
func (tr *threadTr) shortCircuit(e *BinaryExpr) model.Expr {
	t := tr.th()
	res := tr.declare(tr.temp())
	t.Set(res, model.Ne(tr.value(e.X), 0))
	run := model.Expr(res)
	if e.Op == OpOr {
		run = model.Not(res)
	}
	t.If(run, func() { t.Set(res, model.Ne(tr.value(e.Y), 0)) })
	return res
}

// hasEffects reports whether evaluating e reads or writes memory.
func hasEffects(e Expr) bool {
	found := false
	Inspect(e, func(n Node) bool {
		switch n.(type) {
		case *Deref, *CallExpr:
			found = true
		}
		return !found
	})
	return found
}

// address translates a pointer-valued expression into the location it points to.
func (tr *threadTr) address(e Expr) model.LocExpr {
	if tr.p.Mem.Len == 0 {
		tr.p.failf(e.Position(), "%s dereferences a pointer, but the test has no shared location", FormatExpr(e))
	}
	v := tr.value(e)
	if c, ok := v.(model.Const); ok {
		i := model.Value(c) - AddrBase
		if i < 0 || i >= model.Value(tr.p.Mem.Len) {
			tr.p.failf(e.Position(), "%s is not the address of a shared location", FormatExpr(e))
		}
		return tr.p.Mem.At(int(i))
	}
	return tr.p.Mem.Idx(model.Sub(v, model.Const(AddrBase)))
}

// load emits a load into a scratch register and returns it.
func (tr *threadTr) load(loc model.LocExpr, ann model.Ann) model.Expr {
	t := tr.th()
	r := t.Named(tr.temp()).Load(loc, ann)
	return r
}

// locArg translates the location argument of a primitive: "*x" for those written
// with an lvalue (READ_ONCE), "x" for those taking a pointer (smp_load_acquire).
func (tr *threadTr) locArg(c *CallExpr, prim Primitive) model.LocExpr {
	arg := c.Args[prim.LocArg]
	if prim.Lvalue {
		d, ok := arg.(*Deref)
		if !ok {
			tr.p.failf(arg.Position(), "%s wants an lvalue such as *x, got %s", c.Func, FormatExpr(arg))
		}
		return tr.address(d.X)
	}
	return tr.address(arg)
}

var fenceOps = map[string]model.FenceKind{
	"mb": model.FenceMb, "rmb": model.FenceRmb, "wmb": model.FenceWmb,
	"rb-dep": model.FenceReadBarrierDepend, "before-atomic": model.FenceBeforeAtomic,
	"after-atomic": model.FenceAfterAtomic, "after-spinlock": model.FenceAfterSpinlock,
	"after-unlock-lock": model.FenceAfterUnlockLock, "barrier": model.FenceBarrier,
	"rcu-lock": model.FenceRcuLock, "rcu-unlock": model.FenceRcuUnlock, "sync-rcu": model.FenceSyncRcu,
	"after-srcu-read-unlock": model.FenceAfterSrcuReadUnlock,
}

// fence emits a barrier and remembers which litmus call it came from.
func (tr *threadTr) fence(c *CallExpr, k model.FenceKind) {
	tr.noteFence(c, k)
	tr.th().Fence(k)
}

// noteFence remembers the first litmus call behind a fence kind, to name it when a
// model refuses the kind.
func (tr *threadTr) noteFence(c *CallExpr, k model.FenceKind) {
	if _, ok := tr.p.fences[k]; !ok {
		tr.p.fences[k] = srcPrim{c.Func, c.Pos}
	}
}

// srcu translates the SRCU primitives as the kernel's .def spells them:
// srcu_read_lock(X) and srcu_down_read(X) are __load{srcu-lock}(*X),
// srcu_read_unlock(X,Y) and srcu_up_read(X,Y) are __store{srcu-unlock}(*X,Y), and
// synchronize_srcu(X) is __srcu{sync-srcu}(X), an event that names X.
func (tr *threadTr) srcu(c *CallExpr, prim Primitive) model.Expr {
	t := tr.th()
	loc := tr.locArg(c, prim)
	switch prim.Op {
	case "srcu-lock":
		return t.Named(tr.temp()).SrcuReadLock(loc)
	case "srcu-unlock":
		t.SrcuReadUnlock(loc, tr.value(c.Args[1]))
	case "sync-srcu":
		tr.noteFence(c, model.FenceSyncSrcu)
		t.SynchronizeSrcu(loc)
	}
	return nil
}

// call translates a primitive call; it returns nil when the primitive yields nothing.
func (tr *threadTr) call(c *CallExpr) model.Expr {
	prim, ok := LookupPrimitive(c.Func)
	switch {
	case !ok && herdOnly[c.Func]:
		tr.p.unsupported(c.Pos, c.Func, unsupportedCall)
	case !ok:
		tr.p.failf(c.Pos, "%s", unknownCall(c.Func))
	}
	if len(c.Args) != prim.Arity {
		tr.p.failf(c.Pos, "%s takes %d argument(s), got %d", c.Func, prim.Arity, len(c.Args))
	}
	t := tr.th()
	switch prim.Kind {
	case KindLoad:
		loc := tr.locArg(c, prim)
		ann := model.AnnOnce
		switch {
		case prim.Order == OrderAcquire:
			ann = model.AnnAcquire
		case c.Func == "rcu_dereference":
			ann = model.AnnOnce | model.AnnDeref
		}
		return tr.load(loc, ann)
	case KindStore:
		loc := tr.locArg(c, prim)
		v := tr.value(c.Args[1])
		switch prim.Order {
		case OrderRelease:
			t.Store(loc, v, model.AnnRelease)
		case OrderMB: // smp_store_mb: WRITE_ONCE then smp_mb
			t.Store(loc, v, model.AnnOnce)
			tr.fence(c, model.FenceMb)
		default:
			t.Store(loc, v, model.AnnOnce)
		}
		return nil
	case KindFence, KindRCU:
		if k, ok := fenceOps[prim.Op]; ok {
			tr.fence(c, k)
			return nil
		}
		return tr.srcu(c, prim)
	case KindLock:
		loc := tr.locArg(c, prim)
		switch prim.Op {
		case "lock":
			t.SpinLock(loc)
			return nil
		case "unlock":
			t.SpinUnlock(loc)
			return nil
		case "trylock":
			return t.Named(tr.temp()).SpinTrylock(loc)
		case "is_locked":
			// lock.cat's RL/RU: a marked read of the lock word with no ordering of
			// its own, true when it reads a lock acquisition.
			return model.Ne(tr.load(loc, model.AnnOnce|model.AnnIsLocked), 0)
		}
	case KindRMW:
		return tr.rmw(c, prim)
	}
	tr.p.unsupported(c.Pos, c.Func, "")
	return nil
}

// rmwAnn is the annotation of a value-returning RMW of the given ordering.
var rmwAnn = map[Ordering]model.Ann{
	OrderMB: model.AnnMb, OrderRelaxed: model.AnnRelaxed,
	OrderAcquire: model.AnnAcquire, OrderRelease: model.AnnRelease,
}

// rmw translates the atomic_*, xchg and cmpxchg families.
func (tr *threadTr) rmw(c *CallExpr, prim Primitive) model.Expr {
	t := tr.th()
	// The operand is the argument that is not the location (the first one after it
	// for xchg and cmpxchg).
	var operands []model.Expr
	var loc model.LocExpr
	for i, a := range c.Args {
		if i == prim.LocArg {
			loc = tr.locArg(c, prim)
			continue
		}
		operands = append(operands, tr.value(a))
	}
	ann := rmwAnn[prim.Order]
	if !prim.Returns {
		ann = model.AnnRelaxed | model.AnnNoReturn
	}
	kind, v := model.RMWAdd, model.Expr(nil)
	var v2 any
	var post func(model.Reg) model.Expr
	switch prim.Op {
	case "add":
		v = operands[0]
	case "sub":
		v = model.Sub(0, operands[0])
	case "inc":
		v = model.Const(1)
	case "dec":
		v = model.Const(-1)
	case "xchg":
		kind, v = model.RMWXchg, operands[0]
	case "cmpxchg":
		kind, v, v2 = model.RMWCmpxchg, operands[0], operands[1]
	case "sub_and_test":
		v = model.Sub(0, operands[0])
		post = func(r model.Reg) model.Expr { return model.Eq(r, 0) }
	case "dec_and_test":
		v = model.Const(-1)
		post = func(r model.Reg) model.Expr { return model.Eq(r, 0) }
	case "inc_and_test":
		v = model.Const(1)
		post = func(r model.Reg) model.Expr { return model.Eq(r, 0) }
	case "add_negative":
		v = operands[0]
		post = func(r model.Reg) model.Expr { return model.Lt(r, 0) }
	case "add_unless":
		// atomic_add_unless(v, a, u) adds a unless the old value is u, and returns
		// whether it added.
		u := operands[1]
		kind, v, v2 = model.RMWAddUnless, operands[0], u
		r := t.Named(tr.temp()).RMWOp(kind, loc, v, v2, ann, false)
		if !prim.Returns {
			return nil
		}
		return model.Ne(r, u)
	default:
		tr.p.unsupported(c.Pos, c.Func, fmt.Sprintf("no model RMW kind for %q", prim.Op))
	}
	r := t.Named(tr.temp()).RMWOp(kind, loc, v, v2, ann, !prim.Fetch)
	if !prim.Returns {
		return nil
	}
	if post != nil {
		return post(r)
	}
	return r
}
