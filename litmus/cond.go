package litmus

import (
	"github.com/steercheck/steercheck/model"
)

// cond.go compiles the propositions of a test's filter and final condition into
// closures over the values of a final state (the slots of a Program).

// prop is a compiled proposition: it reads the slot values of one final state.
type prop func(vals []model.Value) bool

func constProp(b bool) prop { return func([]model.Value) bool { return b } }

// operand yields one side of an atom from the slot values.
type operand func(vals []model.Value) model.Value

// compileProp resolves every location of q to a slot and every address to its value.
func (p *Program) compileProp(q Prop) prop {
	switch q := q.(type) {
	case *BoolProp:
		return constProp(q.Value)
	case *AtomProp:
		i := p.slot(q.Loc, q.Pos)
		rhs := p.operand(q.Value, q.Pos)
		if q.Neg {
			return func(vals []model.Value) bool { return vals[i] != rhs(vals) }
		}
		return func(vals []model.Value) bool { return vals[i] == rhs(vals) }
	case *NotProp:
		x := p.compileProp(q.X)
		return func(vals []model.Value) bool { return !x(vals) }
	case *BinaryProp:
		x, y := p.compileProp(q.X), p.compileProp(q.Y)
		switch q.Op {
		case PropAnd:
			return func(vals []model.Value) bool { return x(vals) && y(vals) }
		case PropOr:
			return func(vals []model.Value) bool { return x(vals) || y(vals) }
		case PropImplies:
			return func(vals []model.Value) bool { return !x(vals) || y(vals) }
		}
	case nil:
		return constProp(true)
	}
	p.failf(q.Position(), "cannot evaluate proposition %s", FormatProp(q))
	return nil
}

func (p *Program) operand(v Value, pos Pos) operand {
	switch v.Kind {
	case ValueInt:
		c := model.Value(v.Int)
		return func([]model.Value) model.Value { return c }
	case ValueAddr:
		a, ok := p.Addr(v.Sym)
		if !ok {
			p.failf(pos, "%s", unknownLocation(v.Sym))
		}
		return func([]model.Value) model.Value { return a }
	case ValueLoc:
		j := p.slot(v.Loc, pos)
		return func(vals []model.Value) model.Value { return vals[j] }
	}
	p.failf(pos, "bad value in condition")
	return nil
}

// FinalState is the final state of one execution as the condition sees it.
type FinalState struct {
	p    *Program
	vals []model.Value
}

// StateOf reads the final state of a complete execution graph of p.Prog.
func (p *Program) StateOf(g *model.ExecutionGraph) FinalState {
	s := FinalState{p: p, vals: make([]model.Value, len(p.slots))}
	p.readSlots(g, s.vals)
	return s
}

// StateOfOutcome reads the final state from a model.Outcome of p.Prog.
func (p *Program) StateOfOutcome(o model.Outcome) FinalState {
	s := FinalState{p: p, vals: make([]model.Value, len(p.slots))}
	for i, l := range p.slots {
		if l.IsReg() {
			s.vals[i] = o.Regs[l.Thread][p.Threads[l.Thread].Regs[l.Name].ID]
		} else {
			s.vals[i] = o.Mem[int(p.Mem.Base)+p.locIndex[l.Name]]
		}
	}
	return s
}

// Value is the final value of a register or location the test's condition, filter or
// "locations" list names.
func (s FinalState) Value(l Loc) (model.Value, bool) {
	i, ok := s.p.slotOf[l]
	if !ok {
		return 0, false
	}
	return s.vals[i], true
}

// Cond reports whether the state satisfies the proposition of the final condition
// (whatever its quantifier).
func (s FinalState) Cond() bool { return s.p.cond(s.vals) }

// Filter reports whether the state passes the test's filter (true without one).
func (s FinalState) Filter() bool { return s.p.filter == nil || s.p.filter(s.vals) }
