package litmus

import (
	"fmt"
	"strings"
)

// Pos is a position in the source: 1-based line and byte column.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// ParseError is the error returned for every problem found in a litmus
// file. Error() is a single line "FILE:LINE:COL: msg".
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Test is one parsed litmus test.
type Test struct {
	File      string      // name given to Parse, used in error messages
	Arch      string      // architecture; always "C"
	Name      string      // test name from the first line
	Doc       string      // optional quoted doc string of the header, unquoted
	Info      []Info      // optional "Key=Value" header lines
	Init      []*InitDecl // initial state: the { ... } block
	Threads   []*Thread   // P0, P1, ... in order; Threads[i].ID == i
	Locations []Loc       // optional "locations [...]": extra things to print
	LocsPos   Pos         // the "locations" keyword, when there is one
	Filter    Prop        // optional "filter" proposition; nil when absent
	Cond      *Condition  // the final condition
}

// Info is a "Key=Value" line of the header (diy-generated tests have them).
type Info struct {
	Key, Value string
}

// Shared is the Thread of a Loc naming a shared memory location.
const Shared = -1

// Loc names a shared location (Thread == Shared) or a register of a thread
// ("0:r1" is Loc{Thread: 0, Name: "r1"}).
type Loc struct {
	Thread int
	Name   string
}

// IsReg reports whether l names a thread's register.
func (l Loc) IsReg() bool { return l.Thread != Shared }

func (l Loc) String() string {
	if l.IsReg() {
		return fmt.Sprintf("%d:%s", l.Thread, l.Name)
	}
	return l.Name
}

// ValueKind says what a Value holds.
type ValueKind int

const (
	ValueInt  ValueKind = iota // an integer: 1, -2
	ValueAddr                  // the address of a shared location: "x" or "&x"
	ValueLoc                   // the contents of another location: "1:r0" or "[x]" (conditions only)
)

// Value is a constant of the initial state or of a condition atom.
type Value struct {
	Kind ValueKind
	Int  int64  // ValueInt
	Sym  string // ValueAddr: the location whose address this is
	Loc  Loc    // ValueLoc
}

// Type is a C type: base type words ("int", "atomic_t", "unsigned long")
// and a number of pointer stars. The zero Type means "no type written".
type Type struct {
	Name string
	Ptr  int
}

func (t Type) String() string {
	if t.Ptr == 0 {
		return t.Name
	}
	return t.Name + " " + strings.Repeat("*", t.Ptr)
}

// InitDecl is one entry of the initial-state block, such as "int x = 1;",
// "int *p = &x;", "p=x;", "atomic_t v = ATOMIC_INIT(0);", "spinlock_t l;"
// or "0:r1=1;".
type InitDecl struct {
	Pos   Pos
	Type  Type   // zero when untyped ("x=0;")
	Loc   Loc    // what is initialised: a shared location or a register
	Value *Value // nil when there is no initialiser (the value is 0)
	Wrap  string // initialiser macro around the value, e.g. "ATOMIC_INIT"; "" if none
}

// Thread is one process "Pn(params) { body }".
type Thread struct {
	Pos    Pos
	ID     int
	Params []*Param
	Body   []Stmt
}

// Param is a typed thread parameter such as "int *x".
type Param struct {
	Pos  Pos
	Type Type
	Name string
}

// Node is any statement, expression or proposition.
type Node interface {
	Position() Pos
}

// Stmt is a statement of a thread body: *DeclStmt, *AssignStmt, *ExprStmt,
// *IfStmt, *WhileStmt or *BlockStmt.
type Stmt interface {
	Node
	stmtNode()
}

// DeclStmt declares a local: "int r0;", "int *r1 = &x;".
type DeclStmt struct {
	Pos  Pos
	Type Type
	Name string
	Init Expr // nil when absent
}

// AssignStmt is "LHS = RHS;". LHS is an *Ident (a register) or a *Deref.
type AssignStmt struct {
	Pos      Pos
	LHS, RHS Expr
}

// ExprStmt is an expression evaluated for effect: "smp_mb();".
type ExprStmt struct {
	Pos Pos
	X   Expr
}

// IfStmt is "if (Cond) Then else Else". A branch written without braces is
// held in an implicit block, so Then is always a block and Else is nil, a
// *BlockStmt, or an *IfStmt ("else if").
type IfStmt struct {
	Pos  Pos
	Cond Expr
	Then *BlockStmt
	Else Stmt
}

// WhileStmt is "while (Cond) Body" (herd7 accepts loops; the kernel tests
// do not use them).
type WhileStmt struct {
	Pos  Pos
	Cond Expr
	Body *BlockStmt
}

// BlockStmt is a brace-enclosed statement list.
type BlockStmt struct {
	Pos   Pos
	Stmts []Stmt
}

// Expr is an expression: *IntLit, *Ident, *Deref, *AddrOf, *UnaryExpr,
// *BinaryExpr, *CallExpr or *CastExpr.
type Expr interface {
	Node
	exprNode()
}

// IntLit is an integer literal. A negative number is a UnaryExpr "-".
type IntLit struct {
	Pos   Pos
	Value int64
}

// Ident is a name: a register, local, or parameter.
type Ident struct {
	Pos  Pos
	Name string
}

// Deref is "*X".
type Deref struct {
	Pos Pos
	X   Expr
}

// AddrOf is "&X".
type AddrOf struct {
	Pos Pos
	X   Expr
}

// UnaryOp is a unary operator other than * and &.
type UnaryOp string

// The unary operators.
const (
	OpNot    UnaryOp = "!"
	OpNeg    UnaryOp = "-"
	OpBitNot UnaryOp = "~"
)

// UnaryExpr is "Op X".
type UnaryExpr struct {
	Pos Pos
	Op  UnaryOp
	X   Expr
}

// BinaryOp is a binary operator, spelled as in C.
type BinaryOp string

// The binary operators.
const (
	OpMul    BinaryOp = "*"
	OpDiv    BinaryOp = "/"
	OpMod    BinaryOp = "%"
	OpAdd    BinaryOp = "+"
	OpSub    BinaryOp = "-"
	OpShl    BinaryOp = "<<"
	OpShr    BinaryOp = ">>"
	OpLt     BinaryOp = "<"
	OpLe     BinaryOp = "<="
	OpGt     BinaryOp = ">"
	OpGe     BinaryOp = ">="
	OpEq     BinaryOp = "=="
	OpNe     BinaryOp = "!="
	OpBitAnd BinaryOp = "&"
	OpXor    BinaryOp = "^"
	OpBitOr  BinaryOp = "|"
	OpAnd    BinaryOp = "&&"
	OpOr     BinaryOp = "||"
)

// binaryPrec gives C precedence; higher binds tighter.
var binaryPrec = map[BinaryOp]int{
	OpMul: 10, OpDiv: 10, OpMod: 10,
	OpAdd: 9, OpSub: 9,
	OpShl: 8, OpShr: 8,
	OpLt: 7, OpLe: 7, OpGt: 7, OpGe: 7,
	OpEq: 6, OpNe: 6,
	OpBitAnd: 5, OpXor: 4, OpBitOr: 3, OpAnd: 2, OpOr: 1,
}

// BinaryExpr is "X Op Y".
type BinaryExpr struct {
	Pos  Pos
	Op   BinaryOp
	X, Y Expr
}

// CallExpr is a call "Func(Args)". The parser accepts any name; see
// LookupPrimitive for the known kernel primitives.
type CallExpr struct {
	Pos  Pos
	Func string
	Args []Expr
}

// CastExpr is "(Type)X", as in "(void)atomic_add_unless(v, 1, 0)".
type CastExpr struct {
	Pos  Pos
	Type Type
	X    Expr
}

// Quantifier is the kind of the final condition.
type Quantifier int

// The quantifiers.
const (
	Exists    Quantifier = iota // exists (P): some execution satisfies P
	NotExists                   // ~exists (P): no execution satisfies P
	Forall                      // forall (P): every execution satisfies P
)

func (q Quantifier) String() string {
	switch q {
	case Exists:
		return "exists"
	case NotExists:
		return "~exists"
	case Forall:
		return "forall"
	}
	return fmt.Sprintf("Quantifier(%d)", int(q))
}

// Condition is the final condition of a test.
type Condition struct {
	Pos   Pos
	Quant Quantifier
	Prop  Prop
}

// Prop is a proposition of a condition or filter: *BoolProp, *AtomProp,
// *NotProp or *BinaryProp.
type Prop interface {
	Node
	propNode()
}

// BoolProp is "true" or "false".
type BoolProp struct {
	Pos   Pos
	Value bool
}

// AtomProp compares a location with a value: "0:r0=1", "x=2", "0:r0=x",
// "x!=1".
type AtomProp struct {
	Pos   Pos
	Loc   Loc
	Neg   bool // written with "!="
	Value Value
}

// NotProp is "~P" or "not P".
type NotProp struct {
	Pos Pos
	X   Prop
}

// PropOp is a connective of propositions.
type PropOp string

// The connectives, weakest first: \/ binds loosest, => tightest.
const (
	PropOr      PropOp = `\/`
	PropAnd     PropOp = `/\`
	PropImplies PropOp = "=>"
)

// BinaryProp is "X Op Y".
type BinaryProp struct {
	Pos  Pos
	Op   PropOp
	X, Y Prop
}

func (n *DeclStmt) Position() Pos   { return n.Pos }
func (n *AssignStmt) Position() Pos { return n.Pos }
func (n *ExprStmt) Position() Pos   { return n.Pos }
func (n *IfStmt) Position() Pos     { return n.Pos }
func (n *WhileStmt) Position() Pos  { return n.Pos }
func (n *BlockStmt) Position() Pos  { return n.Pos }
func (n *IntLit) Position() Pos     { return n.Pos }
func (n *Ident) Position() Pos      { return n.Pos }
func (n *Deref) Position() Pos      { return n.Pos }
func (n *AddrOf) Position() Pos     { return n.Pos }
func (n *UnaryExpr) Position() Pos  { return n.Pos }
func (n *BinaryExpr) Position() Pos { return n.Pos }
func (n *CallExpr) Position() Pos   { return n.Pos }
func (n *CastExpr) Position() Pos   { return n.Pos }
func (n *BoolProp) Position() Pos   { return n.Pos }
func (n *AtomProp) Position() Pos   { return n.Pos }
func (n *NotProp) Position() Pos    { return n.Pos }
func (n *BinaryProp) Position() Pos { return n.Pos }

func (*DeclStmt) stmtNode()   {}
func (*AssignStmt) stmtNode() {}
func (*ExprStmt) stmtNode()   {}
func (*IfStmt) stmtNode()     {}
func (*WhileStmt) stmtNode()  {}
func (*BlockStmt) stmtNode()  {}
func (*IntLit) exprNode()     {}
func (*Ident) exprNode()      {}
func (*Deref) exprNode()      {}
func (*AddrOf) exprNode()     {}
func (*UnaryExpr) exprNode()  {}
func (*BinaryExpr) exprNode() {}
func (*CallExpr) exprNode()   {}
func (*CastExpr) exprNode()   {}
func (*BoolProp) propNode()   {}
func (*AtomProp) propNode()   {}
func (*NotProp) propNode()    {}
func (*BinaryProp) propNode() {}

// Inspect walks the tree rooted at n depth-first, children in source
// order, calling f for each node; when f returns false the node's children
// are skipped. Nil nodes are not visited.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch n := n.(type) {
	case *DeclStmt:
		inspectExpr(n.Init, f)
	case *AssignStmt:
		Inspect(n.LHS, f)
		Inspect(n.RHS, f)
	case *ExprStmt:
		Inspect(n.X, f)
	case *IfStmt:
		Inspect(n.Cond, f)
		Inspect(n.Then, f)
		if n.Else != nil {
			Inspect(n.Else, f)
		}
	case *WhileStmt:
		Inspect(n.Cond, f)
		Inspect(n.Body, f)
	case *BlockStmt:
		for _, s := range n.Stmts {
			Inspect(s, f)
		}
	case *Deref:
		Inspect(n.X, f)
	case *AddrOf:
		Inspect(n.X, f)
	case *UnaryExpr:
		Inspect(n.X, f)
	case *BinaryExpr:
		Inspect(n.X, f)
		Inspect(n.Y, f)
	case *CallExpr:
		for _, a := range n.Args {
			Inspect(a, f)
		}
	case *CastExpr:
		Inspect(n.X, f)
	case *NotProp:
		Inspect(n.X, f)
	case *BinaryProp:
		Inspect(n.X, f)
		Inspect(n.Y, f)
	}
}

// inspectExpr guards against a nil Expr stored in the Node interface.
func inspectExpr(e Expr, f func(Node) bool) {
	if e != nil {
		Inspect(e, f)
	}
}
