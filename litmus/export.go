package litmus

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// export.go writes a model.Program as a C litmus test that herd7 runs with the kernel's
// current model (`herd7 -conf linux-kernel.cfg`, CheckHerd7) and Parse reads back.
//
// What fits: loads, stores and RMWs of constant locations with the annotations the
// kernel primitives have, fences, spin_lock/unlock/trylock, spin_is_locked, SRCU
// (srcu_read_lock/unlock, synchronize_srcu, smp_mb__after_srcu_read_unlock; the DSL's
// srcu_down_read/up_read are the same events and are written as srcu_read_lock/unlock),
// assignments and if/else.
// What does not: Await (spin-waits), markers, bounded loops, accesses whose location
// is computed at run time (Array.Idx), RMW kinds no primitive has (and, or),
// annotation combinations no primitive has, and expressions herd7's C cannot spell
// (shifts, "~", "%" by a register). Export names the first of those it meets.
//
// Two things of the DSL have no herd7 spelling and are written as comments, each
// explained in the header comment of the test (notes):
//   - smp_read_barrier_depends(): linux-kernel.def has had no such macro since Linux
//     4.15 folded it into READ_ONCE. It orders only a load whose address depends on an
//     earlier load (steercheck's lkmm-alpha), and an exported test has no address
//     dependency (every location is a constant), so it orders nothing here under any
//     model: the test means the same without it.
//   - an if whose blocks hold no statement: herd7 rejects an empty block. Such an if
//     carries a control dependency only the hardware keeps (model.Event.CtrlAll, armv8:
//     every later store); herd7's C semantics ends a control dependency at the join,
//     so under lkmm the test means the same without it, and under armv8 it allows
//     what the dropped dependency forbade.
//
// Declarations: the initial state declares the locations some thread uses (a lock is a
// spinlock_t parameter only, as in the kernel's tests: herd7 cannot size a spinlock_t
// in the initial state; an srcu_struct likewise), each thread declares the registers it uses (CheckDeclarations).
//
// Names. A location is named after model.Location.Name with every character that
// cannot appear in a C identifier replaced by "_" ("tgt0.reqs" -> "tgt0_reqs",
// "vq_lock[1]" -> "vq_lock_1"), and a suffix when that name is taken or reserved
// (ExportedNames lists them); a register keeps its name when it is a free C identifier,
// else gets a "_2", "_3", ... suffix. The cond argument must use
// those names. A register that only receives the unused result of a void atomic
// (atomic_inc) is not declared.

// Export writes p as a C litmus test called name with the final condition cond
// ("exists (1:r0=1 /\ x=0)") and a header comment made of the lines head and the
// notes of what was written as a comment. With cond empty it writes "exists (true)"
// and a "locations" list naming every declared register and location, so herd7
// prints whole states.
func Export(p *model.Program, name, cond string, head ...string) (string, error) {
	x := &exporter{p: p}
	x.names()
	var threads []string
	for _, t := range p.Threads {
		s, err := x.thread(t)
		if err != nil {
			return "", fmt.Errorf("litmus: export %s: thread %s: %w", p.Name, t.Name, err)
		}
		threads = append(threads, s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "C %s\n\n", testName(name))
	writeComment(&b, append(append([]string(nil), head...), x.notes()...))
	b.WriteString("{\n")
	var shown []string // the declared locations
	for i, l := range p.Locs {
		if !x.used[i] {
			continue
		}
		switch x.kind[i] {
		case locLock:
			if l.Init != 0 {
				return "", fmt.Errorf("litmus: export %s: spinlock %s starts taken", p.Name, l.Name)
			}
			continue
		case locSrcu:
			// herd7 gives an srcu_struct no declaration and starts its index at 0.
			if l.Init != 0 {
				return "", fmt.Errorf("litmus: export %s: srcu_struct %s starts at %d, herd7's at 0", p.Name, l.Name, l.Init)
			}
			continue
		case locAtomic:
			fmt.Fprintf(&b, "\tatomic_t %s = ATOMIC_INIT(%d);\n", x.loc[i], l.Init)
		default:
			fmt.Fprintf(&b, "\tint %s = %d;\n", x.loc[i], l.Init)
		}
		shown = append(shown, x.loc[i])
	}
	b.WriteString("}\n")
	for _, s := range threads {
		b.WriteString("\n" + s)
	}
	b.WriteString("\n")
	if strings.TrimSpace(cond) == "" {
		var locs []string
		for t, regs := range x.declared {
			for _, r := range regs {
				locs = append(locs, fmt.Sprintf("%d:%s", t, r))
			}
		}
		locs = append(locs, shown...)
		fmt.Fprintf(&b, "locations [%s]\nexists (true)\n", strings.Join(locs, "; "))
	} else {
		b.WriteString(strings.TrimSpace(cond) + "\n")
	}
	out := b.String()
	// Whatever we write must read back, and keep herd7's rules.
	t, err := Parse(name+".litmus", []byte(out))
	if err != nil {
		return "", fmt.Errorf("litmus: export %s: the output does not parse (%v):\n%s", p.Name, err, out)
	}
	for _, check := range []func(*Test) error{CheckHerd7, CheckDeclarations} {
		if err := check(t); err != nil {
			return "", fmt.Errorf("litmus: export %s: the output breaks herd7's rules (%v):\n%s", p.Name, err, out)
		}
	}
	if _, err := Translate(t); err != nil {
		return "", fmt.Errorf("litmus: export %s: the output does not translate (%v):\n%s", p.Name, err, out)
	}
	return out, nil
}

// writeComment writes lines as an OCaml-style comment, herd7's header comment, with
// anything that would open or close a comment inside a line defused.
func writeComment(b *strings.Builder, lines []string) {
	if len(lines) == 0 {
		return
	}
	defuse := strings.NewReplacer("(*", "( *", "*)", "* )")
	b.WriteString("(*\n")
	for _, l := range lines {
		b.WriteString(" * " + defuse.Replace(l) + "\n")
	}
	b.WriteString(" *)\n\n")
}

// ExportedNames returns the name Export gives each location of p (indexed like
// p.Locs), for writing the condition passed to Export.
func ExportedNames(p *model.Program) []string {
	x := &exporter{p: p}
	x.names()
	return x.loc
}

type locKind uint8

const (
	locInt locKind = iota
	locAtomic
	locLock
	locSrcu // a struct srcu_struct: srcu_read_lock/unlock, synchronize_srcu
)

type exporter struct {
	p        *model.Program
	loc      []string  // C name per location
	kind     []locKind // per location
	used     []bool    // per location: some thread accesses it
	declared [][]string
	// What was written as a comment (see the file comment): smp_read_barrier_depends
	// calls, and ifs without statements.
	readBarrierDepends, emptyIfs int
}

// notes explains, for the header comment, what the test writes as comments.
func (x *exporter) notes() []string {
	var out []string
	if x.readBarrierDepends > 0 {
		out = append(out,
			"smp_read_barrier_depends() (Linux before 4.15) is written as a comment: the kernel's current model has no such",
			"primitive since READ_ONCE took over its job. It orders only a load whose address depends on an earlier load",
			"(steercheck's lkmm-alpha), and this test has no address dependency (every location is a constant): without it,",
			"the test means the same under every model.")
	}
	if x.emptyIfs > 0 {
		out = append(out,
			"An if with nothing inside is written as a comment (herd7 rejects an empty block): it carried a control",
			"dependency only the hardware keeps (armv8 orders every later store after a branch). herd7's C semantics ends",
			"a control dependency at the join, so under lkmm the test means the same; under armv8 it allows what the",
			"dropped dependency forbade.")
	}
	return out
}

// cIdent turns a name into a C identifier.
func cIdent(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(isLetter(c) || isDigit(c)) {
			b[i] = '_'
		}
	}
	if len(b) == 0 || isDigit(b[0]) {
		b = append([]byte("v_"), b...)
	}
	return strings.TrimRight(string(b), "_")
}

func testName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isNameChar(c) {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "exported"
	}
	return string(b)
}

// names gives every location a unique C name and a C type.
func (x *exporter) names() {
	p := x.p
	x.kind = make([]locKind, len(p.Locs))
	x.used = make([]bool, len(p.Locs))
	seen := map[string]bool{}
	for _, l := range p.Locs {
		n := cIdent(l.Name)
		if n == "" {
			n = "loc"
		}
		for base, i := n, 1; seen[n] || reserved(n); i++ {
			n = fmt.Sprintf("%s_%d", base, i)
		}
		seen[n] = true
		x.loc = append(x.loc, n)
	}
	for _, t := range p.Threads {
		for _, in := range t.Code {
			l, ok := x.constLoc(in.Loc)
			if !ok {
				continue
			}
			switch {
			case in.Op == model.OpLock || in.Op == model.OpUnlock || in.Op == model.OpTrylock,
				in.Op == model.OpLoad && in.Ann.Has(model.AnnIsLocked):
				x.kind[l] = locLock
			case in.Op == model.OpLoad && in.Ann.Has(model.AnnSrcuLock),
				in.Op == model.OpStore && in.Ann.Has(model.AnnSrcuUnlock),
				in.Op == model.OpFence && in.Fence.HasLoc():
				x.kind[l] = locSrcu
			case in.Op == model.OpRMW && in.RMW == model.RMWAdd && x.kind[l] == locInt:
				x.kind[l] = locAtomic
			}
		}
	}
}

// reserved reports whether name cannot name a location or a register: a primitive, a
// C keyword or type, a word of the final condition, or a thread name.
func reserved(name string) bool {
	switch name {
	case "if", "else", "while", "for", "do", "return", "exists", "forall", "not",
		"true", "false", "locations", "filter":
		return true
	}
	tok := token{kind: tIdent, text: name}
	return isPrimitive(name) || isTypeWord(tok) || threadNum(tok) >= 0 || herd7Reserved(name)
}

// isPrimitive reports whether name is a known primitive (and so cannot name a
// location or a register).
func isPrimitive(name string) bool {
	_, ok := LookupPrimitive(name)
	return ok
}

// constLoc resolves a location that does not depend on registers.
func (x *exporter) constLoc(l model.LocExpr) (int, bool) {
	if l.A.Len == 0 {
		return 0, false
	}
	i := 0
	if l.Index != nil {
		c, ok := l.Index.(model.Const)
		if !ok {
			return 0, false
		}
		i = int(c)
	}
	if i < 0 || i >= l.A.Len {
		return 0, false
	}
	return int(l.A.Base) + i, true
}

// threadExporter writes one thread.
type threadExporter struct {
	x      *exporter
	t      *model.Thread
	params map[int]bool
	reg    []string // C name per register, "" if not declared
	used   []bool   // per register: the thread's code names it
	void   map[int]bool
}

func (x *exporter) thread(t *model.Thread) (string, error) {
	te := &threadExporter{x: x, t: t, params: map[int]bool{}, void: map[int]bool{}}
	for _, in := range t.Code {
		if in.Op == model.OpRMW && in.Ann.Has(model.AnnNoReturn) && in.Dst >= 0 {
			te.void[in.Dst] = true
		}
	}
	seen := map[string]bool{}
	for _, n := range x.loc {
		seen[n] = true
	}
	te.reg = make([]string, len(t.RegNames))
	te.used = make([]bool, len(t.RegNames))
	for i, n := range t.RegNames {
		if te.void[i] {
			continue
		}
		// A register keeps its name when that is a free C identifier; otherwise it gets
		// the first free "_2", "_3", ... suffix.
		c := cIdent(n)
		for k := 2; seen[c] || reserved(c); k++ {
			c = fmt.Sprintf("%s_%d", cIdent(n), k)
		}
		seen[c] = true
		te.reg[i] = c
	}
	body, stmts, err := te.block(0, len(t.Code), 1)
	if err != nil {
		return "", err
	}
	if stmts == 0 {
		return "", fmt.Errorf("no statement is left: herd7 rejects an empty thread")
	}
	var params []string
	for i, n := range x.loc {
		if te.params[i] {
			x.used[i] = true
			params = append(params, fmt.Sprintf("%s *%s", [...]string{"int", "atomic_t", "spinlock_t", "struct srcu_struct"}[x.kind[i]], n))
		}
	}
	var decl []string
	for i, c := range te.reg {
		if c != "" && te.used[i] {
			decl = append(decl, c)
		}
	}
	x.declared = append(x.declared, decl)
	var out strings.Builder
	fmt.Fprintf(&out, "P%d(%s)\n{\n", t.ID, strings.Join(params, ", "))
	for _, d := range decl {
		fmt.Fprintf(&out, "\tint %s;\n", d)
	}
	if len(decl) > 0 {
		out.WriteString("\n")
	}
	out.WriteString(body)
	out.WriteString("}\n")
	return out.String(), nil
}

// block writes the instructions [lo, hi) at the given indentation, rebuilding the
// if/else the DSL compiled to branches and jumps, and reports how many statements
// (not comments) it wrote.
func (te *threadExporter) block(lo, hi, depth int) (string, int, error) {
	code := te.t.Code
	ind := strings.Repeat("\t", depth)
	var b strings.Builder
	stmts := 0
	for pc := lo; pc < hi; pc++ {
		in := &code[pc]
		switch in.Op {
		case model.OpBranchFalse:
			end := in.Target
			if end <= pc || end > hi {
				return "", 0, fmt.Errorf("instruction %d: a branch out of its block does not fit the format", pc)
			}
			cond, err := te.expr(in.Cond)
			if err != nil {
				return "", 0, err
			}
			thenEnd, elseEnd := end, end
			if j := &code[end-1]; end-1 > pc && j.Op == model.OpJump && j.Target > end && j.Target <= hi {
				thenEnd, elseEnd = end-1, j.Target
			}
			then, nThen, err := te.block(pc+1, thenEnd, depth+1)
			if err != nil {
				return "", 0, err
			}
			els, nElse, err := te.block(end, elseEnd, depth+1)
			if err != nil {
				return "", 0, err
			}
			switch {
			case nThen == 0 && nElse == 0:
				// herd7 rejects an empty block; the if orders nothing in herd7's C
				// semantics (see the file comment).
				te.x.emptyIfs++
				fmt.Fprintf(&b, "%s// if (%s) { }: a control dependency only the hardware keeps, see the header\n", ind, cond)
				b.WriteString(then + els)
			case nThen == 0:
				fmt.Fprintf(&b, "%sif ((%s) == 0) {\n%s%s%s}\n", ind, cond, then, els, ind)
				stmts++
			case nElse == 0:
				fmt.Fprintf(&b, "%sif (%s) {\n%s%s}\n", ind, cond, then, ind)
				b.WriteString(els)
				stmts++
			default:
				fmt.Fprintf(&b, "%sif (%s) {\n%s%s} else {\n%s%s}\n", ind, cond, then, ind, els, ind)
				stmts++
			}
			pc = elseEnd - 1
		case model.OpJump:
			if in.Target != hi || pc != hi-1 {
				return "", 0, fmt.Errorf("instruction %d: a jump that is no if/else does not fit the format", pc)
			}
		default:
			s, err := te.instr(in)
			if err != nil {
				return "", 0, fmt.Errorf("instruction %d (%s): %w", pc, in.String(te.t), err)
			}
			if strings.HasPrefix(s, "//") {
				b.WriteString(ind + s + "\n")
				continue
			}
			b.WriteString(ind + s + ";\n")
			stmts++
		}
	}
	return b.String(), stmts, nil
}

// rmwSuffix is the primitive-name suffix of an RMW's ordering.
func rmwSuffix(a model.Ann) (string, bool) {
	switch {
	case a.Has(model.AnnMb):
		return "", true
	case a.Has(model.AnnAcquire):
		return "_acquire", true
	case a.Has(model.AnnRelease):
		return "_release", true
	case a.Has(model.AnnRelaxed):
		return "_relaxed", true
	}
	return "", false
}

var fenceCalls = map[model.FenceKind]string{
	model.FenceMb: "smp_mb", model.FenceWmb: "smp_wmb", model.FenceRmb: "smp_rmb",
	model.FenceBeforeAtomic: "smp_mb__before_atomic", model.FenceAfterAtomic: "smp_mb__after_atomic",
	model.FenceAfterSpinlock: "smp_mb__after_spinlock", model.FenceAfterUnlockLock: "smp_mb__after_unlock_lock",
	model.FenceBarrier: "barrier", model.FenceRcuLock: "rcu_read_lock", model.FenceRcuUnlock: "rcu_read_unlock",
	model.FenceSyncRcu: "synchronize_rcu", model.FenceAfterSrcuReadUnlock: "smp_mb__after_srcu_read_unlock",
}

// instr writes one straight-line instruction as a C statement (without ";").
func (te *threadExporter) instr(in *model.Instr) (string, error) {
	switch in.Op {
	case model.OpAwaitBegin, model.OpAwaitCheck:
		return "", fmt.Errorf("an Await (spin-wait) does not fit the litmus format")
	case model.OpMark:
		return "", fmt.Errorf("the marker %q does not fit the litmus format", in.Marker)
	case model.OpBound:
		return "", fmt.Errorf("a bounded loop does not fit the litmus format")
	case model.OpFence:
		if in.Fence == model.FenceReadBarrierDepend {
			te.x.readBarrierDepends++
			return "// smp_read_barrier_depends(): not in the kernel's current model, see the header", nil
		}
		if in.Fence.HasLoc() { // synchronize_srcu(s)
			l, ok := te.x.constLoc(in.Loc)
			if !ok {
				return "", fmt.Errorf("a location computed at run time (%s) does not fit the litmus format", in.Loc)
			}
			te.params[l] = true
			return "synchronize_srcu(" + te.x.loc[l] + ")", nil
		}
		f, ok := fenceCalls[in.Fence]
		if !ok {
			return "", fmt.Errorf("fence %s has no litmus primitive", in.Fence)
		}
		if selfTestMutation == 1 {
			return "barrier()", nil // broken on purpose: every fence is exported as a compiler barrier
		}
		return f + "()", nil
	case model.OpAssign:
		v, err := te.expr(in.Val)
		if err != nil {
			return "", err
		}
		return te.dst(in) + v, nil
	}
	l, ok := te.x.constLoc(in.Loc)
	if !ok {
		return "", fmt.Errorf("a location computed at run time (%s) does not fit the litmus format", in.Loc)
	}
	te.params[l] = true
	loc := te.x.loc[l]
	atomic := te.x.kind[l] == locAtomic
	args := func(es ...model.Expr) (string, error) {
		var out []string
		for _, e := range es {
			s, err := te.expr(e)
			if err != nil {
				return "", err
			}
			out = append(out, s)
		}
		return strings.Join(out, ", "), nil
	}
	ann := in.Ann
	switch in.Op {
	case model.OpLoad:
		switch {
		case ann.Has(model.AnnSrcuLock):
			return te.dst(in) + "srcu_read_lock(" + loc + ")", nil
		case ann.Has(model.AnnIsLocked):
			return te.dst(in) + "spin_is_locked(" + loc + ")", nil
		case ann.Has(model.AnnAcquire) && atomic:
			return te.dst(in) + "atomic_read_acquire(" + loc + ")", nil
		case ann.Has(model.AnnAcquire):
			return te.dst(in) + "smp_load_acquire(" + loc + ")", nil
		case ann.Has(model.AnnOnce | model.AnnDeref):
			return te.dst(in) + "rcu_dereference(*" + loc + ")", nil
		case ann.Has(model.AnnOnce) && atomic:
			return te.dst(in) + "atomic_read(" + loc + ")", nil
		case ann.Has(model.AnnOnce):
			return te.dst(in) + "READ_ONCE(*" + loc + ")", nil
		case ann.Has(model.AnnPlain):
			return te.dst(in) + "*" + loc, nil
		}
	case model.OpStore:
		v, err := args(in.Val)
		if err != nil {
			return "", err
		}
		switch {
		case ann.Has(model.AnnSrcuUnlock):
			return "srcu_read_unlock(" + loc + ", " + v + ")", nil
		case ann.Has(model.AnnRelease) && atomic:
			return "atomic_set_release(" + loc + ", " + v + ")", nil
		case ann.Has(model.AnnRelease):
			return "smp_store_release(" + loc + ", " + v + ")", nil
		case ann.Has(model.AnnOnce) && atomic:
			return "atomic_set(" + loc + ", " + v + ")", nil
		case ann.Has(model.AnnOnce):
			return "WRITE_ONCE(*" + loc + ", " + v + ")", nil
		case ann.Has(model.AnnPlain):
			return "*" + loc + " = " + v, nil
		}
	case model.OpLock:
		return "spin_lock(" + loc + ")", nil
	case model.OpUnlock:
		return "spin_unlock(" + loc + ")", nil
	case model.OpTrylock:
		return te.dst(in) + "spin_trylock(" + loc + ")", nil
	case model.OpRMW:
		return te.rmw(in, loc, args)
	}
	return "", fmt.Errorf("annotation %s has no litmus primitive", ann)
}

func (te *threadExporter) rmw(in *model.Instr, loc string, args func(...model.Expr) (string, error)) (string, error) {
	ann := in.Ann
	if ann.Has(model.AnnNoReturn) {
		if in.RMW != model.RMWAdd || !ann.Has(model.AnnRelaxed) {
			return "", fmt.Errorf("a void RMW other than atomic_add has no litmus primitive")
		}
		v, err := args(in.Val)
		if err != nil {
			return "", err
		}
		return "atomic_add(" + v + ", " + loc + ")", nil
	}
	sfx, ok := rmwSuffix(ann)
	if !ok {
		return "", fmt.Errorf("RMW annotation %s has no litmus primitive", ann)
	}
	switch {
	case in.RMW == model.RMWAdd:
		v, err := args(in.Val)
		if err != nil {
			return "", err
		}
		name := "atomic_fetch_add"
		if in.ReturnNew {
			name = "atomic_add_return"
		}
		return te.dst(in) + name + sfx + "(" + v + ", " + loc + ")", nil
	case in.RMW == model.RMWXchg && !in.ReturnNew:
		v, err := args(in.Val)
		if err != nil {
			return "", err
		}
		return te.dst(in) + "xchg" + sfx + "(" + loc + ", " + v + ")", nil
	case in.RMW == model.RMWCmpxchg && !in.ReturnNew:
		v, err := args(in.Val, in.Val2)
		if err != nil {
			return "", err
		}
		return te.dst(in) + "cmpxchg" + sfx + "(" + loc + ", " + v + ")", nil
	}
	return "", fmt.Errorf("RMW kind %d returning the new value=%v has no litmus primitive", in.RMW, in.ReturnNew)
}

// dst is "r = " for an instruction writing a register.
func (te *threadExporter) dst(in *model.Instr) string {
	if in.Dst < 0 || te.reg[in.Dst] == "" {
		return ""
	}
	te.used[in.Dst] = true
	return te.reg[in.Dst] + " = "
}

// selfTestMutation, set only by tests (export_test.go in package litmus's tests),
// breaks Export on purpose so the tests can show the round trip catches it.
var selfTestMutation int
