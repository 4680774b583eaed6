package model

import "fmt"

// Expr is a side-effect-free expression over registers and constants. Evaluating one
// never allocates; deps adds to d the dependency sets of the registers it reads.
type Expr interface {
	eval(regs []Value) Value
	deps(regDeps []DepSet, d *DepSet)
	fmt(t *Thread) string
	String() string
}

// Reg is a thread-local register. It is an Expr.
type Reg struct {
	ID int
	t  *Thread
}

func (r Reg) eval(regs []Value) Value          { return regs[r.ID] }
func (r Reg) deps(regDeps []DepSet, d *DepSet) { d.Union(regDeps[r.ID]) }
func (r Reg) fmt(t *Thread) string {
	if t != nil && r.ID < len(t.RegNames) {
		return t.RegNames[r.ID]
	}
	return fmt.Sprintf("r%d", r.ID)
}
func (r Reg) String() string { return r.fmt(r.t) }

// Const is a constant expression.
type Const Value

func (c Const) eval([]Value) Value     { return Value(c) }
func (c Const) deps([]DepSet, *DepSet) {}
func (c Const) fmt(*Thread) string     { return fmt.Sprint(Value(c)) }
func (c Const) String() string         { return fmt.Sprint(Value(c)) }

// BinOp is the operator of a binary expression.
type BinOp uint8

// Binary operators. Comparisons and logical operators yield 0 or 1.
const (
	OpAdd BinOp = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpAnd
	OpOr
	OpXor
	OpShl
	OpShr
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpLAnd
	OpLOr
)

var binOpNames = [...]string{"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", "<=", ">", ">=", "&&", "||"}

func (o BinOp) String() string { return binOpNames[o] }

type binary struct {
	op   BinOp
	a, b Expr
}

func b2v(b bool) Value {
	if b {
		return 1
	}
	return 0
}

func (e binary) eval(regs []Value) Value {
	a, b := e.a.eval(regs), e.b.eval(regs)
	switch e.op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		if b == 0 {
			return 0
		}
		return a / b
	case OpMod:
		if b == 0 {
			return 0
		}
		return a % b
	case OpAnd:
		return a & b
	case OpOr:
		return a | b
	case OpXor:
		return a ^ b
	case OpShl:
		return a << (uint64(b) & 63)
	case OpShr:
		return a >> (uint64(b) & 63)
	case OpEq:
		return b2v(a == b)
	case OpNe:
		return b2v(a != b)
	case OpLt:
		return b2v(a < b)
	case OpLe:
		return b2v(a <= b)
	case OpGt:
		return b2v(a > b)
	case OpGe:
		return b2v(a >= b)
	case OpLAnd:
		return b2v(a != 0 && b != 0)
	case OpLOr:
		return b2v(a != 0 || b != 0)
	}
	panic("model: bad operator")
}

func (e binary) deps(regDeps []DepSet, d *DepSet) {
	e.a.deps(regDeps, d)
	e.b.deps(regDeps, d)
}
func (e binary) fmt(t *Thread) string {
	return "(" + e.a.fmt(t) + " " + e.op.String() + " " + e.b.fmt(t) + ")"
}
func (e binary) String() string { return e.fmt(nil) }

type not struct{ a Expr }

func (e not) eval(regs []Value) Value          { return b2v(e.a.eval(regs) == 0) }
func (e not) deps(regDeps []DepSet, d *DepSet) { e.a.deps(regDeps, d) }
func (e not) fmt(t *Thread) string             { return "!" + e.a.fmt(t) }
func (e not) String() string                   { return e.fmt(nil) }

// E converts an int, an int64, a Value or an Expr into an Expr; the DSL accepts any of
// them wherever a value is expected.
func E(x any) Expr {
	switch v := x.(type) {
	case Expr:
		return v
	case int:
		return Const(Value(v))
	case int32:
		return Const(Value(v))
	case bool:
		return Const(b2v(v))
	case int64:
		return Const(v)
	}
	panic(fmt.Sprintf("model: %T is not an expression", x))
}

// Bin builds a binary expression.
func Bin(op BinOp, a, b any) Expr { return binary{op: op, a: E(a), b: E(b)} }

// Add returns a + b.
func Add(a, b any) Expr { return Bin(OpAdd, a, b) }

// Sub returns a - b.
func Sub(a, b any) Expr { return Bin(OpSub, a, b) }

// Mod returns a % b (0 when b is 0).
func Mod(a, b any) Expr { return Bin(OpMod, a, b) }

// Eq returns a == b.
func Eq(a, b any) Expr { return Bin(OpEq, a, b) }

// Ne returns a != b.
func Ne(a, b any) Expr { return Bin(OpNe, a, b) }

// Lt returns a < b.
func Lt(a, b any) Expr { return Bin(OpLt, a, b) }

// Le returns a <= b.
func Le(a, b any) Expr { return Bin(OpLe, a, b) }

// Gt returns a > b.
func Gt(a, b any) Expr { return Bin(OpGt, a, b) }

// Ge returns a >= b.
func Ge(a, b any) Expr { return Bin(OpGe, a, b) }

// And returns a && b.
func And(a, b any) Expr { return Bin(OpLAnd, a, b) }

// Or returns a || b.
func Or(a, b any) Expr { return Bin(OpLOr, a, b) }

// Not returns !a.
func Not(a any) Expr { return not{E(a)} }
