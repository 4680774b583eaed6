package litmus

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// export_expr.go writes the expressions of an exported test in herd7's C: its
// operators are * / + - & | ^ and the comparisons, with "-" in front of an integer
// only. What C has and herd7 lacks is rewritten to the same value: "a && b" as
// "(a != 0) & (b != 0)" (just "a & b" when both are comparisons, which yield 0 or 1),
// "a || b" likewise with "|", "!a" as "a == 0", "-a" as "0 - a", "a % n" for a
// constant n ≠ 0 as "a - (a / n) * n" (both truncate toward zero). Shifts, "~" and "%"
// by a register have no such spelling and are refused. Every operand that is itself
// an operation is parenthesised (herd7's comparisons do not chain).

// expr renders a model expression in herd7's C. A model.Expr prints itself in C
// syntax, naming every register of a compound expression "r<ID>"; the text is parsed
// back as a litmus expression and each register renamed to its C name, which also
// rejects a read of a void atomic's unused result.
func (te *threadExporter) expr(e model.Expr) (string, error) {
	if e == nil {
		return "", fmt.Errorf("missing expression")
	}
	if r, ok := e.(model.Reg); ok {
		return te.regName(r.ID)
	}
	src := e.String()
	ast, err := parseExpr(src)
	if err != nil {
		return "", fmt.Errorf("expression %s: %v", src, err)
	}
	var bad error
	Inspect(ast, func(n Node) bool {
		switch n := n.(type) {
		case *Ident:
			id, err := strconv.Atoi(strings.TrimPrefix(n.Name, "r"))
			if err != nil || !strings.HasPrefix(n.Name, "r") {
				bad = fmt.Errorf("expression %s: %s is no register", src, n.Name)
				break
			}
			if n.Name, err = te.regName(id); err != nil {
				bad = err
			}
		case *CallExpr, *Deref, *AddrOf:
			bad = fmt.Errorf("expression %s is not a register expression", src)
		}
		return bad == nil
	})
	if bad != nil {
		return "", bad
	}
	h, err := herdExpr(ast)
	if err != nil {
		return "", fmt.Errorf("expression %s: %v", src, err)
	}
	return h.text, nil
}

// herdText is an expression written in herd7's C.
type herdText struct {
	text   string
	op     bool // an operation: parenthesise it as an operand
	truthy bool // its value is 0 or 1 (a comparison)
}

// operand is t as the operand of an operation.
func (t herdText) operand() string {
	if t.op {
		return "(" + t.text + ")"
	}
	return t.text
}

// boolean is t as an operand that must be 0 or 1.
func (t herdText) boolean() string {
	if t.truthy {
		return t.operand()
	}
	return "(" + t.operand() + " != 0)"
}

// herdExpr writes a register expression (integers, names, unary and binary operators)
// in herd7's C.
func herdExpr(e Expr) (herdText, error) {
	switch e := e.(type) {
	case *IntLit:
		return herdText{text: strconv.FormatInt(e.Value, 10)}, nil
	case *Ident:
		return herdText{text: e.Name}, nil
	case *UnaryExpr:
		if lit, ok := e.X.(*IntLit); ok && e.Op == OpNeg {
			return herdText{text: strconv.FormatInt(-lit.Value, 10)}, nil
		}
		x, err := herdExpr(e.X)
		if err != nil {
			return herdText{}, err
		}
		switch e.Op {
		case OpNeg:
			return herdText{text: "0 - " + x.operand(), op: true}, nil
		case OpNot:
			return herdText{text: x.operand() + " == 0", op: true, truthy: true}, nil
		}
		return herdText{}, fmt.Errorf("herd7's C has no %s", e.Op)
	case *BinaryExpr:
		x, err := herdExpr(e.X)
		if err != nil {
			return herdText{}, err
		}
		y, err := herdExpr(e.Y)
		if err != nil {
			return herdText{}, err
		}
		switch e.Op {
		case OpAnd:
			return herdText{text: x.boolean() + " & " + y.boolean(), op: true, truthy: true}, nil
		case OpOr:
			return herdText{text: x.boolean() + " | " + y.boolean(), op: true, truthy: true}, nil
		case OpMod:
			if n, ok := e.Y.(*IntLit); !ok || n.Value == 0 {
				return herdText{}, fmt.Errorf("herd7's C has no %%, and %s is no constant to rewrite it with", y.text)
			}
			return herdText{text: fmt.Sprintf("%s - (%s / %s) * %s", x.operand(), x.operand(), y.text, y.text), op: true}, nil
		}
		if !herd7Binary[e.Op] {
			return herdText{}, fmt.Errorf("herd7's C has no %s", e.Op)
		}
		cmp := e.Op == OpEq || e.Op == OpNe || e.Op == OpLt || e.Op == OpLe || e.Op == OpGt || e.Op == OpGe
		return herdText{text: x.operand() + " " + string(e.Op) + " " + y.operand(), op: true, truthy: cmp}, nil
	}
	return herdText{}, fmt.Errorf("%s is no register expression", FormatExpr(e))
}

// regName is the C name of register id.
func (te *threadExporter) regName(id int) (string, error) {
	switch {
	case id < 0 || id >= len(te.reg):
		return "", fmt.Errorf("register %d does not belong to thread %s", id, te.t.Name)
	case te.reg[id] == "":
		return "", fmt.Errorf("the result of a void atomic is used")
	}
	te.used[id] = true
	return te.reg[id], nil
}

// parseExpr parses one C expression with the litmus parser.
func parseExpr(src string) (e Expr, err error) {
	p := &parser{file: "expr", lx: newLexer([]byte(src))}
	p.lx.ocaml = false
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			e, err = nil, b.err
		}
	}()
	p.next()
	e = p.expr()
	if p.tok.kind != tEOF {
		p.failf(p.tok.pos, "unexpected %s", p.tok.describe())
	}
	return e, nil
}
