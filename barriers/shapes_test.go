package barriers

import "github.com/steercheck/steercheck/model"

// The classic litmus shapes, each with and without what forbids its weak outcome, and
// whether each model allows that outcome. The expectations come from the published
// models (x86-TSO, Pulte et al.'s ARMv8, the LKMM) and, where the kernel ships the test,
// from its "Result:" comment (cited by file name). Column order: sc, tso, lkmm,
// lkmm-alpha, armv8.

var modelNames = []string{"sc", "tso", "lkmm", "lkmm-alpha", "armv8"}

// verdicts is a row of the table: Y allowed, N forbidden, per modelNames.
type verdicts string

// weakFn says whether a complete graph shows the weak outcome.
type weakFn func(g *model.ExecutionGraph) bool

type shape struct {
	name  string
	want  verdicts
	why   string
	build func() (*model.Program, weakFn)
}

func reg(g *model.ExecutionGraph, th *model.Thread, r model.Reg) model.Value {
	return g.Reg(th.ID, r.ID)
}

func final(g *model.ExecutionGraph, a model.Array) model.Value { return g.FinalValue(a.Base) }

// fakeDep returns an expression equal to v that depends on r (r*0 + v), the litmus
// idiom for a dependency that does not change the value.
func fakeDep(r model.Reg, v int) model.Expr { return model.Add(model.Bin(model.OpMul, r, 0), v) }

// mp builds message passing: P0 writes data then flag, P1 reads flag then data.
// w is what separates P0's writes, r what orders P1's reads.
func mp(w func(*model.Thread), writeFlag func(*model.Thread, model.Array), readFlag func(*model.Thread, model.Array) model.Reg, r func(*model.Thread)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("MP")
		data, flag := p.Var("data", 0), p.Var("flag", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(data, 1)
		w(p0)
		writeFlag(p0, flag)
		r0 := readFlag(p1, flag)
		r(p1)
		r1 := p1.ReadOnce(data)
		return p, func(g *model.ExecutionGraph) bool { return reg(g, p1, r0) == 1 && reg(g, p1, r1) == 0 }
	}
}

func nothing(*model.Thread)                                 {}
func writeOnce(th *model.Thread, a model.Array)             { th.WriteOnce(a, 1) }
func readOnce(th *model.Thread, a model.Array) model.Reg    { return th.ReadOnce(a) }
func storeRelease(th *model.Thread, a model.Array)          { th.StoreRelease(a, 1) }
func loadAcquire(th *model.Thread, a model.Array) model.Reg { return th.LoadAcquire(a) }

// mpAddr is MP whose reader loads the data through a pointer it read from the flag:
// buf[1] is the data, flag says which element to read (0 = the stale one).
func mpAddr(readPtr func(*model.Thread, model.Array) model.Reg, between func(*model.Thread), viaPlain bool) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("MP+addr")
		buf, ptr, tmp := p.ArrayOf("buf", 2, 0), p.Var("ptr", 0), p.Var("tmp", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(buf.At(1), 1)
		p0.SmpWmb()
		p0.WriteOnce(ptr, 1)
		r0 := readPtr(p1, ptr)
		idx := r0
		if viaPlain { // the pointer goes through a plain local variable first
			p1.Write(tmp, r0)
			idx = p1.Read(tmp)
		}
		between(p1)
		r1 := p1.ReadOnce(buf.Idx(idx))
		return p, func(g *model.ExecutionGraph) bool { return reg(g, p1, r0) == 1 && reg(g, p1, r1) == 0 }
	}
}

// sb is store buffering: each thread writes its variable then reads the other's;
// between may use z, a third variable (for an RMW standing in for a fence).
func sb(between func(th *model.Thread, z model.Array)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("SB")
		x, y, z := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 1)
		between(p0, z)
		r0 := p0.ReadOnce(y)
		p1.WriteOnce(y, 1)
		between(p1, z)
		r1 := p1.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool { return reg(g, p0, r0) == 0 && reg(g, p1, r1) == 0 }
	}
}

// lb is load buffering; w0 and w1 write each thread's variable, given what it read.
func lb(w0, w1 func(th *model.Thread, a model.Array, r model.Reg)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("LB")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		r0 := p0.ReadOnce(x)
		w0(p0, y, r0)
		r1 := p1.ReadOnce(y)
		w1(p1, x, r1)
		return p, func(g *model.ExecutionGraph) bool { return reg(g, p0, r0) == 1 && reg(g, p1, r1) == 1 }
	}
}

// iriw is independent reads of independent writes; between orders each reader's loads.
func iriw(between func(*model.Thread)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("IRIW")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1, p2, p3 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu"), p.Thread("P2", "cpu"), p.Thread("P3", "cpu")
		p0.WriteOnce(x, 1)
		a0 := p1.ReadOnce(x)
		between(p1)
		a1 := p1.ReadOnce(y)
		p2.WriteOnce(y, 1)
		b0 := p3.ReadOnce(y)
		between(p3)
		b1 := p3.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool {
			return reg(g, p1, a0) == 1 && reg(g, p1, a1) == 0 && reg(g, p3, b0) == 1 && reg(g, p3, b1) == 0
		}
	}
}

// wrc is write-to-read causality: P1 forwards x to y, P2 reads y then x.
func wrc(forward func(th *model.Thread, y model.Array, r model.Reg), between func(*model.Thread)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("WRC")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1, p2 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu"), p.Thread("P2", "cpu")
		p0.WriteOnce(x, 1)
		r0 := p1.ReadOnce(x)
		forward(p1, y, r0)
		r1 := p2.ReadOnce(y)
		between(p2)
		r2 := p2.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool {
			return reg(g, p1, r0) == 1 && reg(g, p2, r1) == 1 && reg(g, p2, r2) == 0
		}
	}
}

// isa2: P0 writes x then y, P1 reads y then writes z, P2 reads z then x.
func isa2(release, acquire bool) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("ISA2")
		x, y, z := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0)
		p0, p1, p2 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu"), p.Thread("P2", "cpu")
		load, store := readOnce, writeOnce
		if release {
			store = storeRelease
		}
		if acquire {
			load = loadAcquire
		}
		p0.WriteOnce(x, 1)
		store(p0, y)
		r0 := load(p1, y)
		store(p1, z)
		r1 := load(p2, z)
		r2 := p2.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool {
			return reg(g, p1, r0) == 1 && reg(g, p2, r1) == 1 && reg(g, p2, r2) == 0
		}
	}
}

// twoPlusTwoW: both threads write both variables in opposite orders; the weak outcome
// is each thread's first write coherence-last.
func twoPlusTwoW(between func(*model.Thread)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("2+2W")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 1)
		between(p0)
		p0.WriteOnce(y, 2)
		p1.WriteOnce(y, 1)
		between(p1)
		p1.WriteOnce(x, 2)
		return p, func(g *model.ExecutionGraph) bool { return final(g, x) == 1 && final(g, y) == 1 }
	}
}

// rShape: P0 writes x then y; P1 writes y then reads x; weak: P1's y last, x unseen.
func rShape(between func(*model.Thread)) func() (*model.Program, weakFn) {
	return rShapeAsym(between, between)
}

func rShapeAsym(b0, b1 func(*model.Thread)) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("R")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 1)
		b0(p0)
		p0.WriteOnce(y, 1)
		p1.WriteOnce(y, 2)
		b1(p1)
		r0 := p1.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool { return final(g, y) == 2 && reg(g, p1, r0) == 0 }
	}
}

// sShape: P0 writes x=2 then y; P1 reads y then writes x=1; weak: x ends 2 though P1 saw y.
func sShape(between func(*model.Thread), read func(*model.Thread, model.Array) model.Reg, dataDep bool) func() (*model.Program, weakFn) {
	return func() (*model.Program, weakFn) {
		p := model.NewProgram("S")
		x, y := p.Var("x", 0), p.Var("y", 0)
		p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
		p0.WriteOnce(x, 2)
		between(p0)
		p0.WriteOnce(y, 1)
		r0 := read(p1, y)
		if dataDep {
			p1.WriteOnce(x, fakeDep(r0, 1))
		} else {
			p1.WriteOnce(x, 1)
		}
		return p, func(g *model.ExecutionGraph) bool { return final(g, x) == 2 && reg(g, p1, r0) == 1 }
	}
}

// Coherence shapes: every model forbids them.
func coRR() (*model.Program, weakFn) {
	p := model.NewProgram("CoRR")
	x := p.Var("x", 0)
	p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
	p0.WriteOnce(x, 1)
	r0, r1 := p1.ReadOnce(x), p1.ReadOnce(x)
	return p, func(g *model.ExecutionGraph) bool { return reg(g, p1, r0) == 1 && reg(g, p1, r1) == 0 }
}

func coRW() (*model.Program, weakFn) {
	p := model.NewProgram("CoRW")
	x := p.Var("x", 0)
	p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
	r0 := p0.ReadOnce(x)
	p0.WriteOnce(x, 1)
	p1.WriteOnce(x, 2)
	return p, func(g *model.ExecutionGraph) bool { return final(g, x) == 2 && reg(g, p0, r0) == 2 }
}

func coWR() (*model.Program, weakFn) {
	p := model.NewProgram("CoWR")
	x := p.Var("x", 0)
	p0, p1 := p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
	p0.WriteOnce(x, 1)
	r0 := p0.ReadOnce(x)
	p1.WriteOnce(x, 2)
	return p, func(g *model.ExecutionGraph) bool { return final(g, x) == 1 && reg(g, p0, r0) == 2 }
}

func coWW() (*model.Program, weakFn) {
	p := model.NewProgram("CoWW")
	x := p.Var("x", 0)
	p0 := p.Thread("P0", "cpu")
	p0.WriteOnce(x, 1)
	p0.WriteOnce(x, 2)
	return p, func(g *model.ExecutionGraph) bool { return final(g, x) == 1 }
}

func fence(k model.FenceKind) func(*model.Thread) { return func(th *model.Thread) { th.Fence(k) } }
