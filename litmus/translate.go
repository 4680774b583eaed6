package litmus

import (
	"fmt"
	"sort"

	"github.com/steercheck/steercheck/model"
)

// translate.go maps a parsed litmus test onto a model.Program.
//
// Memory. Every shared location of the test (declared in the initial state, named as a
// thread parameter, or named by the final condition) is one element of a single model
// array "mem", in order of first mention; model.Program.Locs carries the litmus names.
// A pointer is a value: the address of mem[i] is AddrBase+i. A thread parameter
// "int *x" is the constant address of x, so "*x" is a constant element of mem, while
// "*r0" with r0 a register is mem.Idx(r0 - AddrBase): the access carries an address
// dependency on whatever r0 depends on, exactly as herd7 builds addr. Addresses sit far
// above the integers litmus tests use, so a final value prints as "x" when it is the
// address of x, and dereferencing an integer makes the thread fault instead of
// silently reading some location.
//
// Registers. Every local of a thread ("int r0;", or a name first assigned) is one
// model register, under its own name; loads land in fresh scratch registers ("_t1")
// that are then assigned, so a litmus register keeps one model register however often
// it is written. Initial register values ("0:r1=1") become assignments at the top.

// AddrBase is the value of the address of the first shared location; the address of
// the location with index i (Program.Locs) is AddrBase+i.
const AddrBase model.Value = 1 << 32

// Program is a litmus test translated into a model.Program.
type Program struct {
	Prog *model.Program
	Test *Test
	// Mem is the array holding every shared location; Locs[i] names Mem's element i.
	Mem  model.Array
	Locs []string
	// Threads[i] describes thread Pi: its model thread and its registers by name.
	Threads []*ThreadRegs
	// Observed lists what herd7 displays in a final state: what the "locations" list
	// and the final condition name (not the filter), registers first (by thread, then
	// name), then shared locations by name, as herd7 prints a state.
	Observed []Loc

	locIndex map[string]int
	fences   map[model.FenceKind]srcPrim // the litmus call behind each fence kind
	cond     prop                        // the proposition of the final condition
	filter   prop                        // nil when the test has no filter
	slots    []Loc                       // what the propositions and Observed read
	slotOf   map[Loc]int
	observed []int // slots of Observed
}

// ThreadRegs is one translated thread.
type ThreadRegs struct {
	Thread *model.Thread
	Regs   map[string]model.Reg
	Names  []string // litmus register names in order of declaration
}

type srcPrim struct {
	name string
	pos  Pos
}

// UnsupportedError says that a test uses something the program DSL or the chosen
// memory model cannot express. Such a test is listed by name, never judged.
type UnsupportedError struct {
	Test      string // the test's name
	Primitive string // the primitive or construct: "atomic_add_unless", "while"
	Pos       Pos
	Reason    string // optional detail
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("%s:%s: unsupported primitive %s", e.Test, e.Pos, e.Primitive)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// bail carries an error out of the translator's recursion to Translate.
type bail struct{ err error }

// Translate maps t onto a model.Program. Ill-formed tests (an undeclared name, a
// register the condition names that its thread does not have, a call with the wrong
// number of arguments) give a *ParseError; tests using what the DSL cannot express give
// an *UnsupportedError.
func Translate(t *Test) (p *Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			p, err = nil, b.err
		}
	}()
	p = &Program{Test: t, locIndex: map[string]int{}, fences: map[model.FenceKind]srcPrim{}, slotOf: map[Loc]int{}}
	p.collectLocations()
	p.Prog = model.NewProgram(t.Name)
	if len(p.Locs) > 0 {
		p.Mem = p.Prog.ArrayOf("mem", len(p.Locs), 0)
		for i, name := range p.Locs {
			p.Prog.Locs[int(p.Mem.Base)+i].Name = name
		}
	}
	regInit := p.initialState()
	for _, th := range t.Threads {
		tr := &threadTr{p: p, src: th, regs: &ThreadRegs{Regs: map[string]model.Reg{}}}
		tr.regs.Thread = p.Prog.Thread(fmt.Sprintf("P%d", th.ID), "cpu")
		tr.translate(regInit[th.ID])
		p.Threads = append(p.Threads, tr.regs)
	}
	p.compileConditions()
	p.Prog.Seal()
	return p, nil
}

// failf aborts the translation with a *ParseError at pos.
func (p *Program) failf(pos Pos, format string, args ...any) {
	panic(bail{&ParseError{File: p.Test.File, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)}})
}

// unsupported aborts the translation with an *UnsupportedError.
func (p *Program) unsupported(pos Pos, prim, reason string) {
	panic(bail{&UnsupportedError{Test: p.Test.Name, Primitive: prim, Pos: pos, Reason: reason}})
}

// addLoc gives a shared location its index, on first mention.
func (p *Program) addLoc(name string) int {
	if i, ok := p.locIndex[name]; ok {
		return i
	}
	p.locIndex[name] = len(p.Locs)
	p.Locs = append(p.Locs, name)
	return len(p.Locs) - 1
}

// LocIndex returns the index in Locs (and Mem) of a shared location.
func (p *Program) LocIndex(name string) (int, bool) {
	i, ok := p.locIndex[name]
	return i, ok
}

// Addr returns the value of the address of a shared location.
func (p *Program) Addr(name string) (model.Value, bool) {
	i, ok := p.locIndex[name]
	return AddrBase + model.Value(i), ok
}

// collectLocations numbers every shared location: initial state, parameters, then
// the targets of addresses in the initial state. The "locations" list, the filter and
// the final condition may only name these (slot and operand check it).
func (p *Program) collectLocations() {
	t := p.Test
	var addrs []string
	for _, d := range t.Init {
		if !d.Loc.IsReg() {
			p.addLoc(d.Loc.Name)
		}
		if d.Value != nil && d.Value.Kind == ValueAddr {
			addrs = append(addrs, d.Value.Sym)
		}
	}
	for _, th := range t.Threads {
		for _, prm := range th.Params {
			p.addLoc(prm.Name)
		}
	}
	for _, a := range addrs {
		p.addLoc(a)
	}
}

// initialState sets the initial values of shared locations and returns, per thread,
// the initial register values.
func (p *Program) initialState() map[int][]regInit {
	regs := map[int][]regInit{}
	for _, d := range p.Test.Init {
		v := model.Value(0)
		if d.Value != nil {
			switch d.Value.Kind {
			case ValueInt:
				v = model.Value(d.Value.Int)
			case ValueAddr:
				v, _ = p.Addr(d.Value.Sym)
			default:
				p.failf(d.Pos, "initial value of %s must be a constant", d.Loc)
			}
		}
		if d.Wrap != "" && d.Wrap != "ATOMIC_INIT" {
			p.unsupported(d.Pos, d.Wrap, "initialiser macro")
		}
		if d.Loc.IsReg() {
			if d.Loc.Thread >= len(p.Test.Threads) {
				p.failf(d.Pos, "initial value for %s, but there is no thread P%d", d.Loc, d.Loc.Thread)
			}
			regs[d.Loc.Thread] = append(regs[d.Loc.Thread], regInit{d.Loc.Name, v})
			continue
		}
		p.Prog.SetInit(p.Mem, p.locIndex[d.Loc.Name], v)
	}
	return regs
}

type regInit struct {
	name string
	val  model.Value
}

// threadTr translates one thread.
type threadTr struct {
	p      *Program
	src    *Thread
	regs   *ThreadRegs
	params map[string]int // parameter name -> location index
	ntemp  int
}

func (tr *threadTr) th() *model.Thread { return tr.regs.Thread }

func (tr *threadTr) translate(inits []regInit) {
	tr.params = map[string]int{}
	for _, prm := range tr.src.Params {
		tr.params[prm.Name] = tr.p.locIndex[prm.Name]
	}
	for _, ri := range inits {
		r := tr.declare(ri.name)
		tr.th().Set(r, ri.val)
	}
	tr.block(tr.src.Body)
}

// declare returns the register called name, creating it on first use. A local
// shadows a parameter of the same name from then on.
func (tr *threadTr) declare(name string) model.Reg {
	if r, ok := tr.regs.Regs[name]; ok {
		return r
	}
	r := tr.th().Reg(name)
	tr.regs.Regs[name] = r
	tr.regs.Names = append(tr.regs.Names, name)
	delete(tr.params, name)
	return r
}

// temp returns a fresh name for a scratch register.
func (tr *threadTr) temp() string {
	tr.ntemp++
	return fmt.Sprintf("_t%d", tr.ntemp)
}

func (tr *threadTr) block(stmts []Stmt) {
	for _, s := range stmts {
		tr.stmt(s)
	}
}

func (tr *threadTr) stmt(s Stmt) {
	t := tr.th()
	switch s := s.(type) {
	case *DeclStmt:
		r := tr.declare(s.Name)
		if s.Init != nil {
			t.Set(r, tr.value(s.Init))
		}
	case *AssignStmt:
		switch lhs := s.LHS.(type) {
		case *Ident:
			v := tr.value(s.RHS)
			t.Set(tr.declare(lhs.Name), v)
		case *Deref:
			loc := tr.address(lhs.X)
			t.Write(loc, tr.value(s.RHS))
		default:
			tr.p.failf(s.Pos, "cannot assign to %s", FormatExpr(s.LHS))
		}
	case *ExprStmt:
		tr.effect(s.X)
	case *IfStmt:
		cond := tr.value(s.Cond)
		then := func() { tr.block(s.Then.Stmts) }
		if s.Else == nil {
			t.If(cond, then)
		} else {
			t.If(cond, then, func() { tr.stmt(s.Else) })
		}
	case *BlockStmt:
		tr.block(s.Stmts)
	case *WhileStmt:
		tr.p.unsupported(s.Pos, "while", "loops are not translated; the DSL has only bounded loops and spin-waits")
	default:
		tr.p.failf(s.Position(), "unexpected statement")
	}
}

// compileConditions resolves the filter, the final condition and the displayed
// locations into slots read from each final state.
func (p *Program) compileConditions() {
	t := p.Test
	if t.Filter != nil {
		p.filter = p.compileProp(t.Filter)
	}
	if t.Cond != nil {
		p.cond = p.compileProp(t.Cond.Prop)
	} else {
		p.cond = constProp(true)
	}
	seen := map[Loc]bool{}
	add := func(l Loc) {
		if !seen[l] {
			seen[l] = true
			p.Observed = append(p.Observed, l)
		}
	}
	for _, l := range t.Locations {
		p.slot(l, t.LocsPos)
		add(l)
	}
	if t.Cond != nil {
		Inspect(t.Cond.Prop, func(n Node) bool {
			if a, ok := n.(*AtomProp); ok {
				add(a.Loc)
				if a.Value.Kind == ValueLoc {
					add(a.Value.Loc)
				}
			}
			return true
		})
	}
	// herd7 prints a state's registers first (by thread, then name), then the
	// shared locations by name.
	sort.SliceStable(p.Observed, func(i, j int) bool { return locLess(p.Observed[i], p.Observed[j]) })
	for _, l := range p.Observed {
		p.observed = append(p.observed, p.slotOf[l])
	}
}

func locLess(a, b Loc) bool {
	if a.IsReg() != b.IsReg() {
		return a.IsReg()
	}
	if a.Thread != b.Thread {
		return a.Thread < b.Thread
	}
	return a.Name < b.Name
}

// slot returns the index of l among the values read from a final state, checking
// that l exists.
func (p *Program) slot(l Loc, pos Pos) int {
	if i, ok := p.slotOf[l]; ok {
		return i
	}
	if l.IsReg() {
		if l.Thread >= len(p.Threads) {
			p.failf(pos, "%s names thread P%d, which does not exist", l, l.Thread)
		}
		if _, ok := p.Threads[l.Thread].Regs[l.Name]; !ok {
			p.failf(pos, "%s: thread P%d has no register %s", l, l.Thread, l.Name)
		}
	} else if _, ok := p.locIndex[l.Name]; !ok {
		p.failf(pos, "%s", unknownLocation(l.Name))
	}
	p.slotOf[l] = len(p.slots)
	p.slots = append(p.slots, l)
	return len(p.slots) - 1
}

// unknownLocation is the message for a location the initial state does not declare
// and no thread takes as a parameter. herd7 accepts such a name and reads it as a
// location holding 0; it is nearly always a misspelt name, so it is an error here.
func unknownLocation(name string) string {
	return fmt.Sprintf("unknown location %s: not declared in the initial state nor a thread parameter", name)
}

// readSlots fills vals with the final value of every slot in g.
func (p *Program) readSlots(g *model.ExecutionGraph, vals []model.Value) {
	for i, l := range p.slots {
		if l.IsReg() {
			vals[i] = g.Reg(l.Thread, p.Threads[l.Thread].Regs[l.Name].ID)
		} else {
			vals[i] = g.FinalValue(p.Mem.Base + model.LocID(p.locIndex[l.Name]))
		}
	}
}

// FormatValue prints a value as herd7 does: the name of a location for its address.
func (p *Program) FormatValue(v model.Value) string {
	if i := v - AddrBase; i >= 0 && i < model.Value(len(p.Locs)) {
		return p.Locs[i]
	}
	return fmt.Sprint(v)
}
