// Package litmus parses the C litmus tests of the Linux kernel memory model
// (tools/memory-model, run by herd7) into a syntax tree, and prints the
// tree back as litmus text.
//
// A test looks like this:
//
//	C MP+pooncerelease+poacquireonce
//	"optional doc string"
//
//	(* comment; (* nested *) comments allowed *)
//
//	{
//		int x = 1;            // typed shared location
//		y=0;                  // untyped
//		int *p = &x;          // pointer; herd also accepts "p=x"
//		atomic_t v = ATOMIC_INIT(0);
//		spinlock_t l;         // no initialiser: zero
//		0:r1=1;               // a register of thread 0
//	}
//
//	P0(int *x, int *y)
//	{
//		int r0;
//		r0 = READ_ONCE(*x);
//		if (r0 == 0) {
//			smp_store_release(y, 1);
//		} else
//			WRITE_ONCE(*y, 2);
//	}
//
//	locations [x; 0:r1;]
//	filter (0:r0=0 \/ 0:r0=1)
//	exists (0:r0=1 /\ y=1)
//
// # Grammar
//
// The header is the architecture (only "C" is supported), the test name on
// the same line, an optional quoted doc string, and optional "Key=Value"
// lines (written by diy). The initial state follows in braces; entries are
// separated by ";". The threads P0, P1, ... follow in order, with typed
// parameters and C bodies: declarations with optional initialisers,
// assignments to registers or through pointers, expression statements,
// if/else, while, and blocks. Expressions are integers, names, *e, &e,
// casts such as (void)e, the C unary operators ! - ~, the C binary
// operators from * to || with C precedence, and calls name(args).
//
// Calls are not interpreted by the parser: any name may be called. The
// table in primitives.go (LookupPrimitive, CheckPrimitives) says which
// names are known kernel primitives, their kind, ordering and arity. The
// translator rejects a name that neither that table nor the kernel's
// linux-kernel.def defines as ill-formed (*ParseError: herd7 stops on it
// too), and one that only linux-kernel.def defines (HerdOnlyPrimitive: the
// bitwise atomics) as unsupported (*UnsupportedError), by name and position.
//
// After the threads come an optional "locations [...]" list, an optional
// "filter" proposition, and the final condition, which may be left out
// (herd7 then reads "forall (true)"): "exists", "~exists" (or
// "not exists") or "forall" followed by a proposition built from atoms
// "loc=value" (also "==" and "!="), "true", "false", "~" or "not",
// "/\", "\/", "=>" and parentheses. An atom's location is a shared
// location "x" (or "[x]") or a register "0:r0"; its value is an integer,
// the address of a location written as its bare name ("0:r0=x"), or the
// contents of another location ("1:r0", "[y]").
//
// # Comments
//
// "//" and "/* */" comments are allowed everywhere. OCaml-style "(* *)"
// comments, which nest, are allowed everywhere except inside thread
// bodies, where "(*p)" is C syntax; herd7 draws the same line.
//
// # The tree
//
// Parse returns a *Test:
//
//	Test
//	├── Name, Doc, Info             header
//	├── Init []*InitDecl            {Type, Loc, Value, Wrap}
//	├── Threads []*Thread           {ID, Params []*Param, Body []Stmt}
//	├── Locations []Loc             nil when absent
//	├── Filter Prop                 nil when absent
//	└── Cond *Condition             {Quant, Prop}; nil when absent
//
// Statements are *DeclStmt, *AssignStmt, *ExprStmt, *IfStmt, *WhileStmt
// and *BlockStmt. The branches of if and while are always blocks: a
// branch written without braces is wrapped in a block, so the tree does
// not depend on brace style and the dangling else cannot be misprinted.
// Expressions are *IntLit, *Ident, *Deref, *AddrOf, *UnaryExpr,
// *BinaryExpr, *CallExpr and *CastExpr; parentheses leave no trace.
// Propositions are *BoolProp, *AtomProp, *NotProp and *BinaryProp. Every
// node records the position of its first token (for a binary operator,
// the operator); Inspect walks statements, expressions and propositions.
//
// A Loc is either a shared location (Thread == Shared) or a register of a
// thread. A Value is an integer, the address of a shared location, or
// (in conditions only) the contents of another location. herd7 reads a
// bare name on the right of "=" as an address: "p=x" in the initial state
// and "0:r0=x" in a condition both mean "the address of x"; the tree keeps
// that reading (ValueAddr) and the printer writes "&x" in the initial
// state and "x" in conditions.
//
// # Printing
//
// Format writes a tree back as litmus text in one canonical layout: tabs,
// braces on every branch, declarations first, the doc string and Info
// lines in the header, and only the parentheses that precedence needs.
// Comments are not kept. For every tree that Parse returns,
// Parse(Format(t)) returns an equal tree (positions aside), and Format is
// stable under that round trip; the fuzz target checks both.
//
// # Differences from herd7
//
// The parser covers the part of herd7's C dialect that the kernel's tests
// use, plus some room. It does not accept: other architectures; arrays
// and structs; ternary, comma, increment and compound assignment
// operators; "final", "observed", "cases" and "with" clauses; the
// "(texname)" after a test name; typed entries in "locations". Octal
// literals are rejected instead of being read as decimal. The translator
// is stricter than herd7 in two more ways: a shared location that the
// "locations" list, the filter or the final condition names must be
// declared in the initial state or be a thread parameter, and a register
// they name must exist (herd7 reads an unknown one as 0, which hides a
// misspelt name).
//
// # Errors
//
// Every error is a *ParseError whose Error method returns one line
// "FILE:LINE:COL: message"; columns count bytes from 1. Parse never
// panics, whatever the input, and bounds the nesting of blocks,
// expressions and propositions (200 levels) so that hostile input cannot
// exhaust the stack.
//
// Index:
//   - ast.go, lexer.go, parser.go, format.go  the syntax tree, parser and printer
//   - roundtrip.go      CheckRoundTrip: Format and Parse give the same tree back
//   - primitives.go     the kernel primitives the format knows, by name
//   - translate.go, translate_expr.go  a parsed test as a model.Program
//   - cond.go           the final condition and filter
//   - run.go            running a test under a memory model; herd7-style output
//   - export.go, export_expr.go  a model.Program written back as a litmus test herd7 runs
//   - herd7.go          what herd7 with the kernel's current model accepts (CheckHerd7)
//     and the declarations an exported test keeps (CheckDeclarations)
package litmus
