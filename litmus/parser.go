package litmus

import (
	"fmt"
	"os"
	"strings"
)

// maxDepth bounds the nesting of statements, expressions and propositions,
// so that hostile input cannot exhaust the stack.
const maxDepth = 200

// ParseFile reads and parses the litmus test at path.
func ParseFile(path string) (*Test, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &ParseError{File: path, Line: 1, Col: 1, Msg: err.Error()}
	}
	return Parse(path, src)
}

// Parse parses the litmus test src; name is used in error messages. Every
// error is a *ParseError.
func Parse(name string, src []byte) (t *Test, err error) {
	p := &parser{file: name, lx: newLexer(src)}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			t, err = nil, b.err
		}
	}()
	p.next()
	return p.test(), nil
}

// bailout carries a *ParseError up the parser's stack to Parse.
type bailout struct{ err *ParseError }

type parser struct {
	file  string
	lx    lexer
	tok   token
	depth int
}

func (p *parser) failf(pos Pos, format string, args ...any) {
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")
	panic(bailout{&ParseError{File: p.file, Line: pos.Line, Col: pos.Col, Msg: msg}})
}

func (p *parser) next() {
	p.tok = p.lx.next()
	if p.tok.kind == tError {
		p.failf(p.tok.pos, "%s", p.tok.text)
	}
}

// peek returns the token after the current one without consuming it.
func (p *parser) peek() token {
	l := p.lx
	return l.next()
}

// peekIs reports whether the token after the current one is the
// punctuation or word s.
func (p *parser) peekIs(s string) bool {
	t := p.peek()
	return (t.kind == tPunct || t.kind == tIdent) && t.text == s
}

func (p *parser) is(punct string) bool { return p.tok.kind == tPunct && p.tok.text == punct }
func (p *parser) isWord(w string) bool { return p.tok.kind == tIdent && p.tok.text == w }

func (p *parser) accept(punct string) bool {
	if p.is(punct) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(punct, where string) Pos {
	pos := p.tok.pos
	if !p.accept(punct) {
		p.failf(pos, "expected %q %s, found %s", punct, where, p.tok.describe())
	}
	return pos
}

func (p *parser) ident(what string) (string, Pos) {
	t := p.tok
	if t.kind != tIdent {
		p.failf(t.pos, "expected %s, found %s", what, t.describe())
	}
	p.next()
	return t.text, t.pos
}

// enter and leave bound the recursion depth.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.failf(p.tok.pos, "nesting deeper than %d", maxDepth)
	}
}
func (p *parser) leave() { p.depth-- }

// test = "C" NAME [DOC] {INFO} "{" init "}" {thread} [locations] [filter] cond.
func (p *parser) test() *Test {
	t := &Test{File: p.file}
	// The name is scanned right after the architecture, before the lexer
	// moves on: names such as "Z6.0+a-b" are not identifiers.
	if p.tok.kind != tIdent {
		p.failf(p.tok.pos, "expected architecture \"C\" at start of test, found %s", p.tok.describe())
	}
	arch := p.tok.text
	if arch != "C" {
		p.failf(p.tok.pos, "unsupported architecture %q (only C litmus tests are supported)", arch)
	}
	t.Arch = arch
	name, npos := p.lx.testName()
	if name == "" {
		p.failf(npos, "missing test name after %q", arch)
	}
	t.Name = name
	p.next()
header:
	for hasDoc := false; ; {
		switch {
		case p.tok.kind == tString && !hasDoc:
			t.Doc, hasDoc = p.tok.text, true
			p.next()
		case p.is(";"):
			p.next()
		case p.tok.kind == tIdent && p.peekIs("="):
			t.Info = append(t.Info, Info{Key: p.tok.text, Value: p.lx.infoValue()})
			p.next()
		default:
			break header
		}
	}
	p.expect("{", "to open the initial state")
	for !p.accept("}") {
		if p.accept(";") {
			continue
		}
		t.Init = append(t.Init, p.initDecl())
		if !p.is("}") {
			p.expect(";", "after initialiser")
		}
	}
	for threadNum(p.tok) >= 0 && p.peekIs("(") {
		t.Threads = append(t.Threads, p.thread(len(t.Threads)))
	}
	if len(t.Threads) == 0 {
		p.failf(p.tok.pos, "expected thread P0, found %s", p.tok.describe())
	}
	if p.isWord("locations") {
		t.LocsPos = p.tok.pos
		p.next()
		t.Locations = p.locations()
	}
	if p.isWord("filter") {
		p.next()
		t.Filter = p.prop()
	}
	if p.tok.kind == tEOF {
		return t // no final condition: herd7 reads forall (true)
	}
	t.Cond = p.condition()
	p.accept(";")
	if p.tok.kind != tEOF {
		p.failf(p.tok.pos, "unexpected %s after the final condition", p.tok.describe())
	}
	return t
}

// isRegStart reports whether a register location "N:r" or "PN:r" starts here.
func (p *parser) isRegStart() bool {
	return (p.tok.kind == tInt || threadNum(p.tok) >= 0) && p.peekIs(":")
}

// regLoc parses "N:name" or "PN:name".
func (p *parser) regLoc() Loc {
	n, pos := int(p.tok.val), p.tok.pos
	if p.tok.kind == tIdent {
		n = threadNum(p.tok)
	}
	if n > 1<<20 {
		p.failf(pos, "thread number %d too large", n)
	}
	p.next()
	p.expect(":", "after thread number")
	name, _ := p.ident("register name")
	return Loc{Thread: n, Name: name}
}

// initDecl = [TYPE] (NAME | N:REG) ["=" ["&"] VALUE | "=" WRAP "(" VALUE ")"].
func (p *parser) initDecl() *InitDecl {
	d := &InitDecl{Pos: p.tok.pos}
	var words []string
	for p.tok.kind == tIdent && !p.isRegStart() {
		words = append(words, p.tok.text)
		p.next()
		if p.is("*") {
			for p.accept("*") {
				d.Type.Ptr++
			}
			break
		}
	}
	switch {
	case p.isRegStart():
		d.Loc = p.regLoc()
	case d.Type.Ptr > 0:
		name, _ := p.ident("location name")
		d.Loc = Loc{Thread: Shared, Name: name}
	case len(words) > 0:
		d.Loc = Loc{Thread: Shared, Name: words[len(words)-1]}
		words = words[:len(words)-1]
	default:
		p.failf(p.tok.pos, "expected location in initial state, found %s", p.tok.describe())
	}
	d.Type.Name = strings.Join(words, " ")
	if !p.accept("=") {
		return d
	}
	if p.tok.kind == tIdent && p.peekIs("(") {
		d.Wrap = p.tok.text
		p.next()
		p.next()
		v := p.value(false)
		d.Value = &v
		p.expect(")", "after initial value")
		return d
	}
	v := p.value(false)
	d.Value = &v
	return d
}

// value = ["-"] INT | ["&"] NAME | N:REG | "[" NAME "]". The last two are
// allowed in conditions only.
func (p *parser) value(cond bool) Value {
	pos := p.tok.pos
	switch {
	case p.is("-") || p.tok.kind == tInt:
		neg := p.accept("-")
		if p.tok.kind != tInt {
			p.failf(p.tok.pos, "expected integer after '-', found %s", p.tok.describe())
		}
		v := p.tok.val
		if neg {
			v = -v
		}
		if cond && !neg && p.peekIs(":") {
			return Value{Kind: ValueLoc, Loc: p.regLoc()}
		}
		p.next()
		return Value{Kind: ValueInt, Int: v}
	case cond && p.isRegStart():
		return Value{Kind: ValueLoc, Loc: p.regLoc()}
	case cond && p.is("["):
		p.next()
		name, _ := p.ident("location name")
		p.expect("]", "after location")
		return Value{Kind: ValueLoc, Loc: Loc{Thread: Shared, Name: name}}
	case p.is("&") || p.tok.kind == tIdent:
		p.accept("&")
		name, _ := p.ident("location name after '&'")
		return Value{Kind: ValueAddr, Sym: name}
	}
	p.failf(pos, "expected value, found %s", p.tok.describe())
	panic("unreachable")
}

// thread = "P"N "(" [param {"," param}] ")" block.
func (p *parser) thread(want int) *Thread {
	th := &Thread{Pos: p.tok.pos, ID: threadNum(p.tok)}
	if th.ID != want {
		p.failf(th.Pos, "expected thread P%d, found %s", want, p.tok.describe())
	}
	p.next()
	p.next() // "("
	if p.isWord("void") && p.peekIs(")") {
		p.next()
	}
	for !p.accept(")") {
		if len(th.Params) > 0 {
			p.expect(",", "between parameters")
		}
		prm := &Param{Pos: p.tok.pos}
		prm.Type, prm.Name = p.typeAndName("parameter")
		th.Params = append(th.Params, prm)
	}
	if !p.is("{") {
		p.failf(p.tok.pos, "expected \"{\" to open the body of P%d, found %s", th.ID, p.tok.describe())
	}
	p.lx.ocaml = false
	th.Body = p.block().Stmts
	return th
}

// typeAndName parses "WORD {WORD} {*} NAME", as in "unsigned long *x".
func (p *parser) typeAndName(what string) (Type, string) {
	var words []string
	for p.tok.kind == tIdent {
		if nt := p.peek(); nt.kind != tIdent && !(nt.kind == tPunct && nt.text == "*") {
			break
		}
		words = append(words, p.tok.text)
		p.next()
		if p.is("*") {
			break
		}
	}
	if len(words) == 0 {
		p.failf(p.tok.pos, "expected type of %s, found %s", what, p.tok.describe())
	}
	ty := Type{Name: strings.Join(words, " ")}
	for p.accept("*") {
		ty.Ptr++
	}
	name, _ := p.ident(what + " name")
	return ty, name
}

// block parses "{ stmts }". At the closing brace of a thread body the
// lexer's "(*" comments are switched back on.
func (p *parser) block() *BlockStmt {
	b := &BlockStmt{Pos: p.expect("{", "to open a block")}
	p.enter()
	for !p.is("}") {
		if p.tok.kind == tEOF {
			p.failf(p.tok.pos, "missing \"}\" to close the block opened at %s", b.Pos)
		}
		b.Stmts = append(b.Stmts, p.stmt())
	}
	p.leave()
	if p.depth == 0 {
		p.lx.ocaml = true
	}
	p.next()
	return b
}

// stmt parses one statement.
func (p *parser) stmt() Stmt {
	pos := p.tok.pos
	switch {
	case p.is("{"):
		return p.block()
	case p.isWord("if"):
		p.next()
		s := &IfStmt{Pos: pos, Cond: p.parenExpr("if")}
		s.Then = p.body()
		if p.isWord("else") {
			p.next()
			if p.isWord("if") {
				p.enter()
				s.Else = p.stmt()
				p.leave()
			} else {
				s.Else = p.body()
			}
		}
		return s
	case p.isWord("while"):
		p.next()
		return &WhileStmt{Pos: pos, Cond: p.parenExpr("while"), Body: p.body()}
	case isTypeWord(p.tok) || p.tok.kind == tIdent && p.peek().kind == tIdent:
		d := &DeclStmt{Pos: pos}
		d.Type, d.Name = p.typeAndName("local variable")
		if p.accept("=") {
			d.Init = p.expr()
		}
		p.expect(";", "after declaration")
		return d
	}
	x := p.expr()
	if p.is("=") {
		if _, ok := x.(*Ident); !ok {
			if _, ok := x.(*Deref); !ok {
				p.failf(p.tok.pos, "cannot assign to this expression (want a register or *pointer)")
			}
		}
		p.next()
		s := &AssignStmt{Pos: pos, LHS: x, RHS: p.expr()}
		p.expect(";", "after assignment")
		return s
	}
	p.expect(";", "after expression")
	return &ExprStmt{Pos: pos, X: x}
}

// body parses the branch of an if or while; a lone statement is wrapped
// in an implicit block.
func (p *parser) body() *BlockStmt {
	if p.is("{") {
		return p.block()
	}
	p.enter()
	defer p.leave()
	return &BlockStmt{Pos: p.tok.pos, Stmts: []Stmt{p.stmt()}}
}

func (p *parser) parenExpr(what string) Expr {
	p.expect("(", "after "+what)
	x := p.expr()
	p.expect(")", "to close the "+what+" condition")
	return x
}

func (p *parser) expr() Expr { return p.binary(1) }

// binary parses operators of precedence prec and above (precedence climbing).
func (p *parser) binary(prec int) Expr {
	x := p.unary()
	for {
		op := BinaryOp(p.tok.text)
		q, ok := binaryPrec[op]
		if p.tok.kind != tPunct || !ok || q < prec {
			return x
		}
		pos := p.tok.pos
		p.next()
		p.enter()
		y := p.binary(q + 1)
		p.leave()
		x = &BinaryExpr{Pos: pos, Op: op, X: x, Y: y}
	}
}

// unary parses prefix operators, casts, and primary expressions.
func (p *parser) unary() Expr {
	p.enter()
	defer p.leave()
	pos := p.tok.pos
	switch {
	case p.is("*"):
		p.next()
		return &Deref{Pos: pos, X: p.unary()}
	case p.is("&"):
		p.next()
		return &AddrOf{Pos: pos, X: p.unary()}
	case p.is("!") || p.is("-") || p.is("~"):
		op := UnaryOp(p.tok.text)
		p.next()
		return &UnaryExpr{Pos: pos, Op: op, X: p.unary()}
	case p.is("(") && isTypeWord(p.peek()):
		p.next()
		var words []string
		for isTypeWord(p.tok) {
			words = append(words, p.tok.text)
			p.next()
		}
		ty := Type{Name: strings.Join(words, " ")}
		for p.accept("*") {
			ty.Ptr++
		}
		p.expect(")", "to close the cast")
		return &CastExpr{Pos: pos, Type: ty, X: p.unary()}
	case p.is("("):
		p.next()
		x := p.expr()
		p.expect(")", "to close the parenthesis")
		return x
	case p.tok.kind == tInt:
		v := p.tok.val
		p.next()
		return &IntLit{Pos: pos, Value: v}
	case p.tok.kind == tIdent:
		name := p.tok.text
		p.next()
		if !p.accept("(") {
			return &Ident{Pos: pos, Name: name}
		}
		c := &CallExpr{Pos: pos, Func: name}
		for !p.accept(")") {
			if len(c.Args) > 0 {
				p.expect(",", "between arguments of "+name)
			}
			c.Args = append(c.Args, p.expr())
		}
		return c
	}
	p.failf(pos, "expected expression, found %s", p.tok.describe())
	panic("unreachable")
}

// locations = "[" {LOC ";"} "]" (the keyword already consumed).
func (p *parser) locations() []Loc {
	p.expect("[", "after locations")
	locs := []Loc{}
	for !p.accept("]") {
		if p.accept(";") {
			continue
		}
		locs = append(locs, p.location())
	}
	return locs
}

// location = N:REG | PN:REG | NAME | "[" NAME "]".
func (p *parser) location() Loc {
	if p.isRegStart() {
		return p.regLoc()
	}
	bracket := p.accept("[")
	name, _ := p.ident("location")
	if bracket {
		p.expect("]", "after location")
	}
	return Loc{Thread: Shared, Name: name}
}

// condition = ("exists" | "~exists" | "not exists" | "forall") prop.
func (p *parser) condition() *Condition {
	c := &Condition{Pos: p.tok.pos}
	switch {
	case p.isWord("exists"):
		c.Quant = Exists
	case p.isWord("forall"):
		c.Quant = Forall
	case (p.is("~") || p.isWord("not")) && p.peekIs("exists"):
		c.Quant = NotExists
		p.next()
	default:
		p.failf(c.Pos, "expected final condition (exists, ~exists or forall), found %s", p.tok.describe())
	}
	p.next()
	c.Prop = p.prop()
	return c
}

// prop = and {"\/" and}; and = imp {"/\" imp}; imp = not ["=>" imp].
func (p *parser) prop() Prop { return p.propBinary(PropOr) }

func (p *parser) propBinary(op PropOp) Prop {
	p.enter()
	defer p.leave()
	if op == PropImplies {
		x := p.propNot()
		if pos := p.tok.pos; p.accept(string(PropImplies)) {
			return &BinaryProp{Pos: pos, Op: op, X: x, Y: p.propBinary(PropImplies)}
		}
		return x
	}
	sub := PropAnd
	if op == PropAnd {
		sub = PropImplies
	}
	x := p.propBinary(sub)
	for pos := p.tok.pos; p.accept(string(op)); pos = p.tok.pos {
		x = &BinaryProp{Pos: pos, Op: op, X: x, Y: p.propBinary(sub)}
	}
	return x
}

// propNot = ("~" | "not") propNot | "(" prop ")" | "true" | "false" | atom.
func (p *parser) propNot() Prop {
	p.enter()
	defer p.leave()
	pos := p.tok.pos
	switch {
	case p.is("~") || p.isWord("not"):
		p.next()
		return &NotProp{Pos: pos, X: p.propNot()}
	case p.is("("):
		p.next()
		x := p.prop()
		p.expect(")", "to close the parenthesis")
		return x
	case p.isWord("true") || p.isWord("false"):
		v := p.tok.text == "true"
		p.next()
		return &BoolProp{Pos: pos, Value: v}
	}
	a := &AtomProp{Pos: pos, Loc: p.location()}
	switch {
	case p.accept("=") || p.accept("=="):
	case p.accept("!="):
		a.Neg = true
	default:
		p.failf(p.tok.pos, "expected \"=\" after %s, found %s", a.Loc, p.tok.describe())
	}
	a.Value = p.value(true)
	return a
}
