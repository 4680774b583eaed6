package litmus

import (
	"fmt"
	"strconv"
	"strings"
)

// Format writes t back as litmus text that Parse accepts and that parses
// to the same tree (positions aside). Branches of if and while are always
// braced, and parentheses appear only where precedence needs them.
func Format(t *Test) string {
	var b strings.Builder
	arch := t.Arch
	if arch == "" {
		arch = "C"
	}
	fmt.Fprintf(&b, "%s %s\n", arch, t.Name)
	if t.Doc != "" {
		fmt.Fprintf(&b, "\"%s\"\n", t.Doc)
	}
	for _, in := range t.Info {
		sep := "="
		if strings.HasPrefix(in.Value, "=") || strings.HasPrefix(in.Value, ">") {
			sep = "= " // not the "==" or "=>" token
		}
		fmt.Fprintf(&b, "%s%s%s\n", in.Key, sep, in.Value)
	}
	b.WriteString("\n{\n")
	for _, d := range t.Init {
		b.WriteString("\t" + formatInit(d) + ";\n")
	}
	b.WriteString("}\n")
	for _, th := range t.Threads {
		params := make([]string, len(th.Params))
		for i, p := range th.Params {
			params[i] = declString(p.Type, p.Name)
		}
		fmt.Fprintf(&b, "\nP%d(%s)\n{\n", th.ID, strings.Join(params, ", "))
		for i, s := range th.Body {
			// A blank line ends the leading declarations, kernel style.
			if _, decl := s.(*DeclStmt); !decl && i > 0 {
				if _, prev := th.Body[i-1].(*DeclStmt); prev {
					b.WriteString("\n")
				}
			}
			writeStmt(&b, s, 1)
		}
		b.WriteString("}\n")
	}
	b.WriteString("\n")
	if t.Locations != nil {
		locs := make([]string, len(t.Locations))
		for i, l := range t.Locations {
			locs[i] = l.String()
		}
		fmt.Fprintf(&b, "locations [%s]\n", strings.Join(locs, "; "))
	}
	if t.Filter != nil {
		fmt.Fprintf(&b, "filter (%s)\n", FormatProp(t.Filter))
	}
	if t.Cond != nil {
		fmt.Fprintf(&b, "%s (%s)\n", t.Cond.Quant, FormatProp(t.Cond.Prop))
	}
	return b.String()
}

// declString renders "int *x".
func declString(ty Type, name string) string {
	if ty.Name == "" {
		return name
	}
	return ty.Name + " " + strings.Repeat("*", ty.Ptr) + name
}

func formatInit(d *InitDecl) string {
	s := d.Loc.String()
	if d.Type.Name != "" {
		s = declString(d.Type, s)
	}
	if d.Value == nil {
		return s
	}
	v := formatValue(*d.Value, false)
	if d.Wrap != "" {
		v = d.Wrap + "(" + v + ")"
	}
	return s + " = " + v
}

// formatValue renders a value; addresses are written "&x" in the initial
// state and "x" in conditions, as the kernel tests do.
func formatValue(v Value, cond bool) string {
	switch v.Kind {
	case ValueAddr:
		if cond {
			return v.Sym
		}
		return "&" + v.Sym
	case ValueLoc:
		if v.Loc.IsReg() {
			return v.Loc.String()
		}
		return "[" + v.Loc.Name + "]"
	}
	return strconv.FormatInt(v.Int, 10)
}

func writeStmt(b *strings.Builder, s Stmt, depth int) {
	ind := strings.Repeat("\t", depth)
	switch s := s.(type) {
	case *DeclStmt:
		b.WriteString(ind + declString(s.Type, s.Name))
		if s.Init != nil {
			b.WriteString(" = " + FormatExpr(s.Init))
		}
		b.WriteString(";\n")
	case *AssignStmt:
		b.WriteString(ind + FormatExpr(s.LHS) + " = " + FormatExpr(s.RHS) + ";\n")
	case *ExprStmt:
		b.WriteString(ind + FormatExpr(s.X) + ";\n")
	case *IfStmt:
		b.WriteString(ind)
		writeIf(b, s, depth)
		b.WriteString("\n")
	case *WhileStmt:
		b.WriteString(ind + "while (" + FormatExpr(s.Cond) + ") ")
		writeBlock(b, s.Body, depth)
		b.WriteString("\n")
	case *BlockStmt:
		b.WriteString(ind)
		writeBlock(b, s, depth)
		b.WriteString("\n")
	}
}

// writeIf writes an if statement starting at the current column, chaining
// "else if" on one line.
func writeIf(b *strings.Builder, s *IfStmt, depth int) {
	b.WriteString("if (" + FormatExpr(s.Cond) + ") ")
	writeBlock(b, s.Then, depth)
	switch e := s.Else.(type) {
	case nil:
	case *IfStmt:
		b.WriteString(" else ")
		writeIf(b, e, depth)
	case *BlockStmt:
		b.WriteString(" else ")
		writeBlock(b, e, depth)
	default:
		b.WriteString(" else {\n")
		writeStmt(b, e, depth+1)
		b.WriteString(strings.Repeat("\t", depth) + "}")
	}
}

// writeBlock writes "{ ... }" without a trailing newline.
func writeBlock(b *strings.Builder, blk *BlockStmt, depth int) {
	b.WriteString("{\n")
	if blk != nil {
		for _, s := range blk.Stmts {
			writeStmt(b, s, depth+1)
		}
	}
	b.WriteString(strings.Repeat("\t", depth) + "}")
}

// FormatExpr renders an expression as C.
func FormatExpr(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, 0)
	return b.String()
}

// unaryPrec is above every binary operator.
const unaryPrec = 11

// writeExpr writes e, parenthesised if its precedence is below prec.
func writeExpr(b *strings.Builder, e Expr, prec int) {
	switch e := e.(type) {
	case *IntLit:
		b.WriteString(strconv.FormatInt(e.Value, 10))
	case *Ident:
		b.WriteString(e.Name)
	case *Deref:
		b.WriteString("*")
		writeExpr(b, e.X, unaryPrec)
	case *AddrOf:
		b.WriteString("&")
		if _, ok := e.X.(*AddrOf); ok {
			b.WriteString(" ") // "& &x", not the "&&" operator
		}
		writeExpr(b, e.X, unaryPrec)
	case *UnaryExpr:
		b.WriteString(string(e.Op))
		writeExpr(b, e.X, unaryPrec)
	case *CastExpr:
		b.WriteString("(" + e.Type.String() + ")")
		writeExpr(b, e.X, unaryPrec)
	case *CallExpr:
		b.WriteString(e.Func + "(")
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, a, 0)
		}
		b.WriteString(")")
	case *BinaryExpr:
		q := binaryPrec[e.Op]
		if q < prec {
			b.WriteString("(")
		}
		writeExpr(b, e.X, q)
		b.WriteString(" " + string(e.Op) + " ")
		writeExpr(b, e.Y, q+1)
		if q < prec {
			b.WriteString(")")
		}
	case nil:
		b.WriteString("<nil>")
	}
}

// FormatProp renders a proposition of a condition as a test file writes it.
func FormatProp(p Prop) string {
	var b strings.Builder
	writeProp(&b, p, 0, false)
	return b.String()
}

// HerdProp renders a proposition as herd7 prints it on its Condition line: shared
// locations in brackets ("[x]=1"), registers as they are ("0:r0=1").
func HerdProp(p Prop) string {
	var b strings.Builder
	writeProp(&b, p, 0, true)
	return b.String()
}

// propPrec: \/ is 1, /\ is 2, => is 3, ~ and atoms are 4.
var propPrec = map[PropOp]int{PropOr: 1, PropAnd: 2, PropImplies: 3}

func writeProp(b *strings.Builder, p Prop, prec int, herd bool) {
	switch p := p.(type) {
	case *BoolProp:
		b.WriteString(strconv.FormatBool(p.Value))
	case *AtomProp:
		op := "="
		if p.Neg {
			op = "!="
		}
		loc := p.Loc.String()
		if loc == "true" || loc == "false" || loc == "not" || (herd && !p.Loc.IsReg()) {
			loc = "[" + loc + "]" // a location, not the keyword; herd7 brackets every one
		}
		b.WriteString(loc + op + formatValue(p.Value, true))
	case *NotProp:
		b.WriteString("~")
		writeProp(b, p.X, 4, herd)
	case *BinaryProp:
		q := propPrec[p.Op]
		// Only the parentheses precedence needs (herd binds => tighter
		// than /\), so the output never nests deeper than the input.
		paren := q < prec
		if paren {
			b.WriteString("(")
		}
		// \/ and /\ associate to the left, => to the right.
		left, right := q, q+1
		if p.Op == PropImplies {
			left, right = q+1, q
		}
		writeProp(b, p.X, left, herd)
		b.WriteString(" " + string(p.Op) + " ")
		writeProp(b, p.Y, right, herd)
		if paren {
			b.WriteString(")")
		}
	case nil:
		b.WriteString("true")
	}
}
