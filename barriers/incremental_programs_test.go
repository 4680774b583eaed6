package barriers

import (
	"fmt"
	"math/rand"

	"github.com/steercheck/steercheck/model"
)

// incremental_programs_test.go builds the programs whose candidate graphs
// TestConsistentWithMatchesConsistent grows event by event: random programs, and the
// shape programs, which put each ordering mechanism in every small cycle.

// incRandomProgram builds a small random program using every primitive the models
// judge: plain, ONCE, acquire/release and RCU accesses; every kind of RMW, lock
// operations and spin-waits; every fence; address, data and control dependencies.
func incRandomProgram(seed int64, rcu bool) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	p := model.NewProgram(fmt.Sprintf("inc-%d", seed))
	locs := []model.Array{p.Var("x", 0), p.Var("y", 0)}
	arr := p.ArrayOf("a", 2, 0)
	lock := p.Var("l", 0)
	fences := []model.FenceKind{model.FenceMb, model.FenceWmb, model.FenceRmb, model.FenceReadBarrierDepend,
		model.FenceBeforeAtomic, model.FenceAfterAtomic, model.FenceAfterSpinlock, model.FenceAfterUnlockLock}
	if rcu {
		fences = append(fences, model.FenceRcuLock, model.FenceRcuUnlock, model.FenceSyncRcu)
	}
	for ti, n := 0, 2+rng.Intn(2); ti < n; ti++ {
		th := p.Thread(fmt.Sprintf("P%d", ti), "cpu")
		var regs []model.Reg
		val := func() any {
			if len(regs) > 0 && rng.Intn(3) == 0 {
				return model.Add(regs[rng.Intn(len(regs))], 1) // a data dependency
			}
			return 1 + rng.Intn(2)
		}
		addr := func() model.Addr {
			if len(regs) > 0 && rng.Intn(3) == 0 {
				return arr.Idx(model.Mod(regs[rng.Intn(len(regs))], 2)) // an address dependency
			}
			return locs[rng.Intn(2)]
		}
		locked := false
		for s, m := 0, 2+rng.Intn(3); s < m; s++ {
			switch rng.Intn(16) {
			case 0:
				regs = append(regs, th.Read(addr()))
			case 1:
				th.Write(addr(), val())
			case 2:
				regs = append(regs, th.ReadOnce(addr()))
			case 3:
				th.WriteOnce(addr(), val())
			case 4:
				regs = append(regs, th.LoadAcquire(addr()))
			case 5:
				th.StoreRelease(addr(), val())
			case 6:
				regs = append(regs, th.RcuDereference(addr()))
			case 7:
				th.Fence(fences[rng.Intn(len(fences))])
			case 8:
				switch rng.Intn(4) {
				case 0:
					regs = append(regs, th.AtomicIncReturn(addr()))
				case 1:
					th.AtomicInc(addr())
				case 2:
					regs = append(regs, th.Xchg(addr(), val()))
				default:
					ann := []model.Ann{model.AnnAcquire, model.AnnRelease, model.AnnRelaxed}[rng.Intn(3)]
					regs = append(regs, th.RMWOp(model.RMWAdd, addr(), 1, nil, ann, false))
				}
			case 9:
				regs = append(regs, th.Cmpxchg(addr(), 0, val()))
			case 10, 11:
				if !locked {
					th.SpinLock(lock)
				} else {
					th.SpinUnlock(lock)
				}
				locked = !locked
			case 12:
				regs = append(regs, th.SpinTrylock(lock))
			case 13:
				l, v := locs[rng.Intn(2)], 1+rng.Intn(2)
				th.Await(func() model.Expr { return model.Ge(th.ReadOnce(l), v) })
			default:
				if len(regs) > 0 {
					r := regs[rng.Intn(len(regs))]
					l := addr()
					th.If(model.Eq(r, 0), func() { th.WriteOnce(l, 2) }, func() { regs = append(regs, th.Read(l)) })
				} else {
					th.SmpMb()
				}
			}
		}
	}
	return p
}

// The shape programs: every mechanism of incMechanisms between the two accesses of one
// thread, in every two-thread cycle (MP, SB, LB, S, R, 2+2W and their variants with an
// RMW or a plain access) against a thread ordered by smp_mb, and in the middle of WRC and
// ISA2. They give each term of each model's order a cycle in which it is the missing
// link, most of them without a po ∪ rf cycle (the explorer's first phase).

// incAccess is the kind of a shape's access.
type incAccess int

const (
	incReadOnce incAccess = iota
	incReadPlain
	incReadAcquire
	incWriteOnce
	incWritePlain
	incWriteRelease
	incXchg
)

// emit appends the access to th and returns the register it read, if any.
func (k incAccess) emit(th *model.Thread, a model.Addr) (model.Reg, bool) {
	switch k {
	case incReadOnce:
		return th.ReadOnce(a), true
	case incReadPlain:
		return th.Read(a), true
	case incReadAcquire:
		return th.LoadAcquire(a), true
	case incWriteOnce:
		th.WriteOnce(a, 1)
	case incWritePlain:
		th.Write(a, 1)
	case incWriteRelease:
		th.StoreRelease(a, 1)
	default:
		return th.Xchg(a, 1), true
	}
	return model.Reg{}, false
}

// incMechanism puts something between a first access (which read into r when isRead)
// and a last one, emitted by last (at the index it is given, an address dependency,
// or at the location itself when nil), using the thread's lock l and own location side;
// writeLast writes the last access's location with a value and an annotation.
type incMechanism struct {
	name  string
	build func(th *model.Thread, r model.Reg, isRead bool, l, side model.Array, last func(model.Expr), writeLast func(any, model.Ann))
}

// incBuild is incMechanism.build.
type incBuild = func(th *model.Thread, r model.Reg, isRead bool, l, side model.Array, last func(model.Expr), writeLast func(any, model.Ann))

func fenceMech(k model.FenceKind) incBuild {
	return func(th *model.Thread, _ model.Reg, _ bool, _, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.Fence(k)
		last(nil)
	}
}

var incMechanisms = []incMechanism{
	{"po", func(_ *model.Thread, _ model.Reg, _ bool, _, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		last(nil)
	}},
	{"mb", fenceMech(model.FenceMb)},
	{"wmb", fenceMech(model.FenceWmb)},
	{"rmb", fenceMech(model.FenceRmb)},
	{"before-atomic+rmw", func(th *model.Thread, _ model.Reg, _ bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.SmpMbBeforeAtomic()
		th.AtomicInc(side.At(0))
		last(nil)
	}},
	{"rmw+after-atomic", func(th *model.Thread, _ model.Reg, _ bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.AtomicInc(side.At(0))
		th.SmpMbAfterAtomic()
		last(nil)
	}},
	{"lock+after-spinlock", func(th *model.Thread, _ model.Reg, _ bool, l, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.SpinLock(l)
		th.Fence(model.FenceAfterSpinlock)
		last(nil)
		th.SpinUnlock(l)
	}},
	{"unlock+lock+after-unlock-lock", func(th *model.Thread, _ model.Reg, _ bool, l, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.SpinLock(l)
		th.SpinUnlock(l)
		th.SpinLock(l)
		th.Fence(model.FenceAfterUnlockLock)
		last(nil)
		th.SpinUnlock(l)
	}},
	{"addr", func(th *model.Thread, r model.Reg, isRead bool, _, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if !isRead {
			last(nil)
			return
		}
		last(model.Mod(r, 1))
	}},
	{"rbd+addr", func(th *model.Thread, r model.Reg, isRead bool, _, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.SmpReadBarrierDepends()
		if !isRead {
			last(nil)
			return
		}
		last(model.Mod(r, 1))
	}},
	{"data", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if isRead {
			th.WriteOnce(side.At(0), model.Add(r, 1)) // a data dependency, then the last access
		}
		last(nil)
	}},
	{"ctrl", func(th *model.Thread, r model.Reg, isRead bool, _, _ model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if !isRead {
			last(nil)
			return
		}
		th.If(model.Eq(r, 0), func() { last(nil) }, func() { last(nil) })
	}},
	{"data+overwrite", func(th *model.Thread, r model.Reg, isRead bool, _, _ model.Array, last func(model.Expr), writeLast func(any, model.Ann)) {
		if isRead { // (data ; coi): the dependent write is overwritten by the last access
			writeLast(model.Add(r, 1), model.AnnOnce)
		}
		last(nil)
	}},
	{"release+overwrite", func(th *model.Thread, _ model.Reg, _ bool, _, _ model.Array, last func(model.Expr), writeLast func(any, model.Ann)) {
		writeLast(2, model.AnnRelease) // po ; [L] ; coi, when the last access is a write
		last(nil)
	}},
	{"data+rfi+acquire", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if isRead { // dep ; [Marked] ; rfi (lkmm's to-r); (addr ∪ data) ; rfi (armv8)
			th.WriteOnce(side.At(0), r)
			th.LoadAcquire(side.At(0))
		}
		last(nil)
	}},
	{"addr+rfi+acquire", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if isRead {
			th.WriteOnce(side.Idx(model.Mod(r, 1)), 1)
			th.LoadAcquire(side.At(0))
		}
		last(nil)
	}},
	{"ctrl+relaxed-rmw+rfi+acquire", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if isRead { // [range(rmw)] ; rfi ; [A] (armv8), after a branch that orders the RMW's write
			th.If(model.Eq(r, 0), func() {})
			th.RMWOp(model.RMWAdd, side.At(0), 1, nil, model.AnnRelaxed, false)
			th.LoadAcquire(side.At(0))
		}
		last(nil)
	}},
	{"data+rfi", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if !isRead {
			last(nil)
			return
		}
		th.WriteOnce(side.At(0), r) // ((addr ∪ data) ; rfi), carry-dep
		r2 := th.Read(side.At(0))
		last(model.Mod(r2, 1))
	}},
	{"rmw+rfi+acquire", func(th *model.Thread, _ model.Reg, _ bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		th.Xchg(side.At(0), 1) // [range(rmw)] ; rfi ; [A]
		th.LoadAcquire(side.At(0))
		last(nil)
	}},
	{"addr+po", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if isRead { // addr ; po ; [W]
			th.ReadOnce(side.Idx(model.Mod(r, 1)))
		}
		last(nil)
	}},
	{"addr-plain+wmb", func(th *model.Thread, r model.Reg, isRead bool, _, side model.Array, last func(model.Expr), _ func(any, model.Ann)) {
		if isRead { // (addr ; [Plain]) ; wmb
			th.Write(side.Idx(model.Mod(r, 1)), 1)
		}
		th.SmpWmb()
		last(nil)
	}},
}

// incShapePrograms builds the shape programs; every step-th one when step > 1.
func incShapePrograms(step int) []*model.Program {
	firsts := []incAccess{incReadOnce, incReadPlain, incWriteOnce, incWritePlain, incXchg}
	lasts := []incAccess{incReadOnce, incReadPlain, incWriteOnce, incWritePlain, incWriteRelease}
	others := []incAccess{incReadOnce, incWriteOnce, incReadPlain}
	var out []*model.Program
	n := 0
	keep := func() bool { n++; return (n-1)%step == 0 }
	for _, mech := range incMechanisms {
		for _, f := range firsts {
			for _, l := range lasts {
				for _, o1 := range others {
					for _, o2 := range others {
						if keep() {
							out = append(out, incTwoThreads(mech, f, l, o1, o2))
						}
					}
				}
			}
		}
		for _, isa2 := range []bool{false, true} {
			if keep() {
				out = append(out, incThreeThreads(mech, isa2))
			}
		}
	}
	return out
}

// incTwoThreads: P0 does f(x), the mechanism, l(y); P1 does o1(y), smp_mb, o2(x).
func incTwoThreads(mech incMechanism, f, l, o1, o2 incAccess) *model.Program {
	p := model.NewProgram(fmt.Sprintf("%s-%d%d%d%d", mech.name, f, l, o1, o2))
	x, y := p.ArrayOf("x", 1, 0), p.ArrayOf("y", 1, 0)
	lock, side := p.Var("l", 0), p.ArrayOf("s", 1, 0)
	p0 := p.Thread("P0", "cpu")
	r, isRead := f.emit(p0, x)
	mech.build(p0, r, isRead, lock, side, func(a model.Expr) {
		if a == nil {
			l.emit(p0, y)
		} else {
			l.emit(p0, y.Idx(a))
		}
	}, func(v any, ann model.Ann) { p0.Store(y, v, ann) })
	p1 := p.Thread("P1", "cpu")
	o1.emit(p1, y)
	p1.SmpMb()
	o2.emit(p1, x)
	return p
}

// incThreeThreads: WRC (P0 writes x; P1 reads x, the mechanism, writes y; P2 reads y,
// smp_mb, reads x) or ISA2 (P0 writes x, smp_mb, writes y; P1 reads y, the mechanism,
// writes z; P2 reads z, smp_mb, reads x).
func incThreeThreads(mech incMechanism, isa2 bool) *model.Program {
	p := model.NewProgram(fmt.Sprintf("%s-wrc-isa2=%v", mech.name, isa2))
	x, y, z := p.ArrayOf("x", 1, 0), p.ArrayOf("y", 1, 0), p.ArrayOf("z", 1, 0)
	lock, side := p.Var("l", 0), p.ArrayOf("s", 1, 0)
	p0 := p.Thread("P0", "cpu")
	p0.WriteOnce(x, 1)
	in, out := x, y
	if isa2 {
		p0.SmpMb()
		p0.WriteOnce(y, 1)
		in, out = y, z
	}
	p1 := p.Thread("P1", "cpu")
	r := p1.ReadOnce(in)
	mech.build(p1, r, true, lock, side, func(a model.Expr) {
		if a == nil {
			p1.WriteOnce(out, 1)
		} else {
			p1.WriteOnce(out.Idx(a), 1)
		}
	}, func(v any, ann model.Ann) { p1.Store(out, v, ann) })
	p2 := p.Thread("P2", "cpu")
	p2.ReadOnce(out)
	p2.SmpMb()
	p2.ReadOnce(x)
	return p
}
