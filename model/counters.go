package model

import "sort"

// counters.go bounds the values of locations that are only ever set to constants or
// changed by constant amounts, such as reference counters and lock words. The value
// domains (candidates.domains, candidates.cheapDomains) follow chains of writes round
// after round, and a counter that every CPU increments and every completion decrements
// gains a value per round: forty or seventy values where a handful can occur. Each
// speculated read of the counter is tried with each of them (speculate.go).
//
// The bound. Every instruction produces at most one write per execution (the DSL only
// jumps forward, and a spin-wait's events are those of its last iteration). If every
// instruction that may write location x writes a constant (a store, xchg or cmpxchg
// of a constant, a lock or an unlock) or adds a constant (an atomic add, inc, dec,
// add_unless), then at any point x holds the last constant written to it, or its
// initial value, plus the amounts of some of the adding instructions, each counted at
// most once: a value of base + a subset sum.
//
// A plain increment counts as adding a constant too: a store of r + c where r holds,
// through assignments, the value a load of the same location read (`epoch = epoch + 1`
// written as a load, an add and a store, as in the ghost code of the vq benchmark). The
// load reads some value the location held, so the store writes that value plus c, and
// the chain argument above holds with the instruction counted once. A register not yet
// assigned holds 0, so such a store may also write 0 + c: 0 joins the bases.

// maxCounterValues caps a bound's size; beyond it the location is left unbounded.
const maxCounterValues = 1 << 12

// counterBounds returns, per location, the sorted values it may hold when the file
// comment's bound applies, or nil.
func counterBounds(p *Program) [][]Value {
	n := len(p.Locs)
	ok := make([]bool, n)
	bases := make([][]Value, n)
	deltas := make([][]Value, n)
	for l := range ok {
		ok[l] = true
		bases[l] = []Value{p.Locs[l].Init}
	}
	for _, th := range p.Threads {
		for i := range th.Code {
			in := &th.Code[i]
			base, delta, writes, constant := constantEffect(in)
			if !writes {
				continue
			}
			lo, hi := mayAccess(in)
			if !constant && hi == lo+1 {
				if d, ok := storedIncrement(th, in, lo); ok {
					if d == 0 {
						continue // writes back a value the location held
					}
					deltas[lo] = append(deltas[lo], d)
					bases[lo] = append(bases[lo], 0)
					continue
				}
			}
			for l := lo; l < hi; l++ {
				switch {
				case !constant:
					ok[l] = false
				case delta != 0:
					deltas[l] = append(deltas[l], delta)
				default:
					bases[l] = append(bases[l], base)
				}
			}
		}
	}
	out := make([][]Value, n)
	for l := range out {
		if ok[l] {
			out[l] = subsetSums(bases[l], deltas[l])
		}
	}
	return out
}

// mayAccess returns the locations [lo, hi) that a memory instruction may access: one
// for a scalar or a constant index (none when it is out of range: the access faults),
// the whole array for an index computed from registers.
func mayAccess(in *Instr) (lo, hi int) {
	lo, hi = int(in.Loc.A.Base), int(in.Loc.A.Base)+in.Loc.A.Len
	if c, isConst := in.Loc.Index.(Const); in.Loc.Index == nil || isConst {
		idx := 0
		if isConst {
			idx = int(c)
		}
		if idx < 0 || idx >= in.Loc.A.Len {
			return lo, lo
		}
		lo, hi = lo+idx, lo+idx+1
	}
	return lo, hi
}

// constantEffect says whether in writes memory, and if so whether it writes a
// constant (base) or adds a constant (delta ≠ 0).
func constantEffect(in *Instr) (base, delta Value, writes, constant bool) {
	constOf := func(e Expr) (Value, bool) {
		c, ok := e.(Const)
		return Value(c), ok
	}
	switch in.Op {
	case OpLock, OpTrylock:
		return 1, 0, true, true
	case OpStore, OpUnlock:
		v, ok := constOf(in.Val)
		return v, 0, true, ok
	case OpRMW:
		switch in.RMW {
		case RMWAdd, RMWAddUnless:
			v, ok := constOf(in.Val)
			if ok && v == 0 {
				return 0, 0, false, false // writes back what it read
			}
			return 0, v, true, ok
		case RMWXchg:
			v, ok := constOf(in.Val)
			return v, 0, true, ok
		case RMWCmpxchg:
			v, ok := constOf(in.Val2)
			return v, 0, true, ok
		}
		return 0, 0, true, false
	}
	return 0, 0, false, false
}

// storedIncrement reports whether in, a store to the single location l, stores a
// value read from l plus a constant, and that constant: its value expression is a
// register, or a register plus or minus a constant, and following each register to its
// only assignment in th (through OpAssign, to an OpLoad of exactly l) gives the same
// shape again.
func storedIncrement(th *Thread, in *Instr, l int) (Value, bool) {
	if in.Op != OpStore {
		return 0, false
	}
	defs := make(map[int]*Instr)
	count := make(map[int]int)
	for i := range th.Code {
		if d := th.Code[i].Dst; d >= 0 {
			defs[d] = &th.Code[i]
			count[d]++
		}
	}
	e, sum := in.Val, Value(0)
	for step := 0; step < 16; step++ {
		r, c, ok := regPlusConst(e)
		if !ok || count[r] != 1 {
			return 0, false
		}
		sum += c
		def := defs[r]
		switch def.Op {
		case OpAssign:
			e = def.Val
			continue
		case OpLoad:
			if lo, hi := mayAccess(def); lo == l && hi == l+1 {
				return sum, true
			}
		}
		return 0, false
	}
	return 0, false
}

// regPlusConst matches r, r + c, c + r and r - c.
func regPlusConst(e Expr) (reg int, c Value, ok bool) {
	switch x := e.(type) {
	case Reg:
		return x.ID, 0, true
	case binary:
		ra, aReg := x.a.(Reg)
		rb, bReg := x.b.(Reg)
		ca, aConst := x.a.(Const)
		cb, bConst := x.b.(Const)
		switch {
		case x.op == OpAdd && aReg && bConst:
			return ra.ID, Value(cb), true
		case x.op == OpAdd && aConst && bReg:
			return rb.ID, Value(ca), true
		case x.op == OpSub && aReg && bConst:
			return ra.ID, -Value(cb), true
		}
	}
	return 0, 0, false
}

// subsetSums lists, sorted, every base plus the sum of a subset of deltas, or nil when
// there would be more than maxCounterValues.
func subsetSums(bases, deltas []Value) []Value {
	set := map[Value]bool{}
	for _, b := range bases {
		set[b] = true
	}
	for _, d := range deltas {
		next := make(map[Value]bool, 2*len(set))
		for v := range set {
			next[v], next[v+d] = true, true
		}
		if len(next) > maxCounterValues {
			return nil
		}
		set = next
	}
	out := make([]Value, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sortValues(out)
	return out
}

// sortValues sorts vs in increasing order.
func sortValues(vs []Value) { sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] }) }

// hasValue reports whether sorted vs holds v.
func hasValue(vs []Value, v Value) bool {
	i := sort.Search(len(vs), func(i int) bool { return vs[i] >= v })
	return i < len(vs) && vs[i] == v
}
