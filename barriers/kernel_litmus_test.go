package barriers

import "github.com/steercheck/steercheck/model"

// The kernel's own litmus tests (tools/memory-model/litmus-tests and
// Documentation/litmus-tests), translated by hand into the program DSL, with herd7's
// verdict under the kernel memory model. Our lkmm must give the same verdict. Tests
// using spin_is_locked or atomic_add_unless have no DSL counterpart and are left out:
// MP+polockmbonce+poacquiresilsil, MP+polockonce+poacquiresilsil,
// Atomic-RMW-ops-are-atomic-WRT-atomic_set.

type kernelTest struct {
	file  string // as in expected.tsv
	herd  string // herd7's verdict: Sometimes or Never
	build func() (p *model.Program, exists weakFn, filter weakFn)
}

func eq(g *model.ExecutionGraph, th *model.Thread, r model.Reg, v model.Value) bool {
	return reg(g, th, r) == v
}

// twoThreads and threeThreads declare the threads of a test.
func twoThreads(name string) (*model.Program, *model.Thread, *model.Thread) {
	p := model.NewProgram(name)
	return p, p.Thread("P0", "cpu"), p.Thread("P1", "cpu")
}

func threeThreads(name string) (*model.Program, *model.Thread, *model.Thread, *model.Thread) {
	p, p0, p1 := twoThreads(name)
	return p, p0, p1, p.Thread("P2", "cpu")
}

// fromShape reuses a shape of the table as a kernel test.
func fromShape(b func() (*model.Program, weakFn)) func() (*model.Program, weakFn, weakFn) {
	return func() (*model.Program, weakFn, weakFn) {
		p, w := b()
		return p, w, nil
	}
}

// lockedISA2orZ6 builds P0: lock; x=1; y=1; unlock and P1: lock; [after_spinlock];
// r0=y; z=1; unlock, and the given P2 (ISA2: r2=z; mb; r1=x; Z6.0: z=2; mb; r1=x).
func lockedISA2orZ6(z6, afterSpinlock bool) func() (*model.Program, weakFn, weakFn) {
	return func() (*model.Program, weakFn, weakFn) {
		p, p0, p1, p2 := threeThreads("ISA2/Z6.0+locks")
		x, y, z, l := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0), p.Var("mylock", 0)
		p0.SpinLock(l)
		p0.WriteOnce(x, 1)
		p0.WriteOnce(y, 1)
		p0.SpinUnlock(l)
		p1.SpinLock(l)
		if afterSpinlock {
			p1.Fence(model.FenceAfterSpinlock)
		}
		r0 := p1.ReadOnce(y)
		p1.WriteOnce(z, 1)
		p1.SpinUnlock(l)
		if z6 {
			p2.WriteOnce(z, 2)
			p2.SmpMb()
			r1 := p2.ReadOnce(x)
			return p, func(g *model.ExecutionGraph) bool {
				return eq(g, p1, r0, 1) && final(g, z) == 2 && eq(g, p2, r1, 0)
			}, nil
		}
		r2 := p2.ReadOnce(z)
		p2.SmpMb()
		r1 := p2.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool {
			return eq(g, p1, r0, 1) && eq(g, p2, r2, 1) && eq(g, p2, r1, 0)
		}, nil
	}
}

// unlockLock builds P0: lock(s); access x; unlock(s); lock(t); y=1; unlock(t) with the
// access a read (LB+unlocklock…) or a write (MP+unlocklock…), and P1.
func unlockLock(readX bool) func() (*model.Program, weakFn, weakFn) {
	return func() (*model.Program, weakFn, weakFn) {
		p, p0, p1 := twoThreads("unlocklock")
		x, y, s, tl := p.Var("x", 0), p.Var("y", 0), p.Var("s", 0), p.Var("t", 0)
		p0.SpinLock(s)
		var r1 model.Reg
		if readX {
			r1 = p0.ReadOnce(x)
		} else {
			p0.WriteOnce(x, 1)
		}
		p0.SpinUnlock(s)
		p0.SpinLock(tl)
		p0.WriteOnce(y, 1)
		p0.SpinUnlock(tl)
		if readX { // LB+unlocklockonceonce+poacquireonce
			r2 := p1.LoadAcquire(y)
			p1.WriteOnce(x, 1)
			return p, func(g *model.ExecutionGraph) bool { return eq(g, p0, r1, 1) && eq(g, p1, r2, 1) }, nil
		}
		// MP+unlocklockonceonce+fencermbonceonce
		q1 := p1.ReadOnce(y)
		p1.SmpRmb()
		q2 := p1.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool { return eq(g, p1, q1, 1) && eq(g, p1, q2, 0) }, nil
	}
}

// cmpxchgFail builds the cmpxchg-fail-* tests; ordered adds smp_mb__after_atomic.
func cmpxchgFail(variant int, ordered bool) func() (*model.Program, weakFn, weakFn) {
	return func() (*model.Program, weakFn, weakFn) {
		p, p0, p1 := twoThreads("cmpxchg-fail")
		x, y, z := p.Var("x", 0), p.Var("y", 0), p.Var("z", 0)
		after := func(th *model.Thread) {
			if ordered {
				th.SmpMbAfterAtomic()
			}
		}
		if variant == 1 { // SB whose cmpxchgs always fail (z is 0)
			p0.WriteOnce(x, 1)
			p0.Cmpxchg(z, 1, 0)
			after(p0)
			a := p0.ReadOnce(y)
			p1.WriteOnce(y, 1)
			p1.Cmpxchg(z, 1, 0)
			after(p1)
			b := p1.ReadOnce(x)
			return p, func(g *model.ExecutionGraph) bool { return eq(g, p0, a, 0) && eq(g, p1, b, 0) }, nil
		}
		p0.WriteOnce(x, 1)
		a := p0.Cmpxchg(y, 0, 1)
		b := p1.Cmpxchg(y, 0, 1)
		after(p1)
		c := p1.ReadOnce(x)
		return p, func(g *model.ExecutionGraph) bool { return eq(g, p0, a, 0) && eq(g, p1, b, 1) && eq(g, p1, c, 0) }, nil
	}
}

// dcl is double-checked locking; fixed uses acquire/release on the flag.
func dcl(fixed bool) func() (*model.Program, weakFn, weakFn) {
	return func() (*model.Program, weakFn, weakFn) {
		p, p0, p1 := twoThreads("DCL")
		flag, data, lck := p.Var("flag", 0), p.Var("data", 0), p.Var("lck", 0)
		body := func(th *model.Thread) model.Reg {
			var r0 model.Reg
			if fixed {
				r0 = th.LoadAcquire(flag)
			} else {
				r0 = th.ReadOnce(flag)
			}
			th.If(model.Eq(r0, 0), func() {
				th.SpinLock(lck)
				r1 := th.ReadOnce(flag)
				th.If(model.Eq(r1, 0), func() {
					th.WriteOnce(data, 1)
					if fixed {
						th.StoreRelease(flag, 1)
					} else {
						th.WriteOnce(flag, 1)
					}
				})
				th.SpinUnlock(lck)
			})
			return th.ReadOnce(data)
		}
		a, b := body(p0), body(p1)
		return p, func(g *model.ExecutionGraph) bool { return eq(g, p0, a, 0) || eq(g, p1, b, 0) }, nil
	}
}

// rm is the roach-motel pair; fixed moves P1's reads out of its critical section.
func rm(fixed bool) func() (*model.Program, weakFn, weakFn) {
	return func() (*model.Program, weakFn, weakFn) {
		p, p0, p1 := twoThreads("RM")
		x, y, lck := p.Var("x", 0), p.Var("y", 0), p.Var("lck", 0)
		p0.SpinLock(lck)
		p0.AtomicIncReturn(y)
		p0.WriteOnce(x, 1)
		p0.SpinUnlock(lck)
		var r0, r1 model.Reg
		if fixed {
			r0, r1 = p1.ReadOnce(x), p1.ReadOnce(x)
			p1.SpinLock(lck)
		} else {
			p1.SpinLock(lck)
			r0, r1 = p1.ReadOnce(x), p1.ReadOnce(x)
		}
		r2 := p1.AtomicIncReturn(y)
		p1.SpinUnlock(lck)
		return p, func(g *model.ExecutionGraph) bool { return eq(g, p1, r2, 1) },
			func(g *model.ExecutionGraph) bool { return eq(g, p1, r0, 0) && eq(g, p1, r1, 1) }
	}
}
