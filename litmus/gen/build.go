package gen

import (
	"fmt"
	"sort"

	"github.com/steercheck/steercheck/litmus"
)

// build.go assembles litmus syntax trees: a test from its threads and condition, a
// thread from the statements the families emit, and the expressions they use. Empty
// lists are nil, as the parser leaves them, so that a tree survives Format and Parse
// unchanged (litmus.CheckRoundTrip).

// Shared location names and their C types. Every family draws from these, so a test
// never declares a location it does not use (parameters are added on first use).
const (
	typeInt      = "int"
	typeAtomic   = "atomic_t"
	typeSpinlock = "spinlock_t"
	typeSrcu     = "struct srcu_struct"
)

// thread builds one thread Pn: its parameters (added as locations are used), its
// registers and its body. Statements go to the innermost open block.
type thread struct {
	id     int
	params map[string]string // location name -> C type (the parameter is a pointer to it)
	locals []*litmus.DeclStmt
	nreg   int
	nptr   int
	blocks [][]litmus.Stmt // blocks[0] is the body; an open if's block is on top
}

func newThread(id int) *thread {
	return &thread{id: id, params: map[string]string{}, blocks: [][]litmus.Stmt{nil}}
}

// loc returns the parameter naming location name, of C type typ, adding it.
func (t *thread) loc(name, typ string) litmus.Expr {
	t.params[name] = typ
	return ident(name)
}

// at is the lvalue *name of an int location.
func (t *thread) at(name string) litmus.Expr { return deref(t.loc(name, typeInt)) }

// reg declares a fresh int register and returns its name.
func (t *thread) reg() string {
	name := fmt.Sprintf("r%d", t.nreg)
	t.nreg++
	t.locals = append(t.locals, &litmus.DeclStmt{Type: litmus.Type{Name: typeInt}, Name: name})
	return name
}

// ptr declares a fresh int pointer register and returns its name.
func (t *thread) ptr() string {
	name := fmt.Sprintf("p%d", t.nptr)
	t.nptr++
	t.locals = append(t.locals, &litmus.DeclStmt{Type: litmus.Type{Name: typeInt, Ptr: 1}, Name: name})
	return name
}

// emit appends a statement to the innermost open block.
func (t *thread) emit(s litmus.Stmt) {
	top := len(t.blocks) - 1
	t.blocks[top] = append(t.blocks[top], s)
}

// do emits a call for its effect: "smp_mb();".
func (t *thread) do(fn string, args ...litmus.Expr) { t.emit(&litmus.ExprStmt{X: call(fn, args...)}) }

// set emits "reg = e;".
func (t *thread) set(reg string, e litmus.Expr) {
	t.emit(&litmus.AssignStmt{LHS: ident(reg), RHS: e})
}

// load emits "rN = e;" into a fresh register and returns the register.
func (t *thread) load(e litmus.Expr) string {
	r := t.reg()
	t.set(r, e)
	return r
}

// store emits the plain C assignment "*x = e;".
func (t *thread) store(lhs, e litmus.Expr) { t.emit(&litmus.AssignStmt{LHS: lhs, RHS: e}) }

// ifThen emits "if (cond) { then } else { els }" (no else when els is nil).
func (t *thread) ifThen(cond litmus.Expr, then, els func()) {
	t.blocks = append(t.blocks, nil)
	then()
	thenStmts := t.pop()
	s := &litmus.IfStmt{Cond: cond, Then: &litmus.BlockStmt{Stmts: thenStmts}}
	if els != nil {
		t.blocks = append(t.blocks, nil)
		els()
		s.Else = &litmus.BlockStmt{Stmts: t.pop()}
	}
	t.emit(s)
}

func (t *thread) pop() []litmus.Stmt {
	top := len(t.blocks) - 1
	stmts := t.blocks[top]
	t.blocks = t.blocks[:top]
	return stmts
}

// paramOrder sorts parameters: int locations, then atomics, spinlocks and
// srcu_structs, each by name.
var paramOrder = map[string]int{typeInt: 0, typeAtomic: 1, typeSpinlock: 2, typeSrcu: 3}

// finish returns the thread as a syntax tree: parameters, declarations, body.
func (t *thread) finish() *litmus.Thread {
	names := make([]string, 0, len(t.params))
	for n := range t.params {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := paramOrder[t.params[names[i]]], paramOrder[t.params[names[j]]]
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	th := &litmus.Thread{ID: t.id}
	for _, n := range names {
		th.Params = append(th.Params, &litmus.Param{Type: litmus.Type{Name: t.params[n], Ptr: 1}, Name: n})
	}
	for _, d := range t.locals {
		th.Body = append(th.Body, d)
	}
	th.Body = append(th.Body, t.blocks[0]...)
	return th
}

// newTest assembles a test from its threads and the atoms of an "exists" condition
// (nil atoms: no final condition).
func newTest(name, doc string, threads []*thread, atoms []litmus.Prop) *litmus.Test {
	t := &litmus.Test{Arch: "C", Name: name, Doc: doc}
	for _, th := range threads {
		t.Threads = append(t.Threads, th.finish())
	}
	if len(atoms) > 0 {
		p := atoms[0]
		for _, a := range atoms[1:] {
			p = &litmus.BinaryProp{Op: litmus.PropAnd, X: p, Y: a}
		}
		t.Cond = &litmus.Condition{Quant: litmus.Exists, Prop: p}
	}
	return t
}

// regIs is the atom "T:reg=v".
func regIs(thread int, reg string, v int64) litmus.Prop {
	return &litmus.AtomProp{Loc: litmus.Loc{Thread: thread, Name: reg}, Value: litmus.Value{Kind: litmus.ValueInt, Int: v}}
}

// locIs is the atom "x=v".
func locIs(name string, v int64) litmus.Prop {
	return &litmus.AtomProp{Loc: litmus.Loc{Thread: litmus.Shared, Name: name}, Value: litmus.Value{Kind: litmus.ValueInt, Int: v}}
}

func ident(name string) *litmus.Ident   { return &litmus.Ident{Name: name} }
func deref(x litmus.Expr) *litmus.Deref { return &litmus.Deref{X: x} }

// lit is an integer constant; a negative one is "-n", as C (and the parser) has it.
func lit(v int64) litmus.Expr {
	if v < 0 {
		return &litmus.UnaryExpr{Op: litmus.OpNeg, X: &litmus.IntLit{Value: -v}}
	}
	return &litmus.IntLit{Value: v}
}

func call(fn string, args ...litmus.Expr) *litmus.CallExpr {
	return &litmus.CallExpr{Func: fn, Args: args}
}

func bin(op litmus.BinaryOp, x, y litmus.Expr) *litmus.BinaryExpr {
	return &litmus.BinaryExpr{Op: op, X: x, Y: y}
}

// zeroOf is "(reg & 8)": a value that depends on reg and is 0 for the values the
// tests write (0, 1, 2), the classic way to build a dependency that does not change
// what is written or where.
func zeroOf(reg string) litmus.Expr { return bin(litmus.OpBitAnd, ident(reg), lit(8)) }

// dataValue is "(reg & 8) + v": v, with a data dependency on reg.
func dataValue(reg string, v int64) litmus.Expr { return bin(litmus.OpAdd, zeroOf(reg), lit(v)) }
