package model

import (
	bin "encoding/binary"
)

// shapes.go enumerates the thread paths that the open-pair analysis (porfcycle.go)
// needs, without enumerating every path.
//
// What a path contributes there is its shape: the kinds, annotations, fences,
// locations, dependencies and instructions of its events, never the values read or
// written. Two values of a read lead to the same continuation shape when they leave the
// thread in the same state except for registers whose values decide nothing about
// control flow, addresses or whether an RMW writes (shapeRegs): such values are one
// branch here. An interrupt thread that reads a counter with forty possible values
// through a non-returning atomic_dec then has one path where the candidate enumerator
// (candidates.go) has forty, and a counter compared with a constant has two.
//
// The values a read may return come from cheapDomains, a sound superset of those
// candidates.domains computes, found by visiting each thread state once per round
// instead of each path: at three CPUs the precise computation does not finish.

// registerFlow says, for each register of a thread, whether its value may decide the
// thread's shape (control flow, an address, whether an RMW writes), and whether it may
// decide a value written or the shape.
type registerFlow struct {
	shape, written []bool
}

// flowOf computes the registers of t that decide its shape and its written values,
// flow-insensitively: a register assigned from another that matters matters too. A
// thread with more registers than a DepSet holds counts every register as mattering.
func flowOf(t *Thread) registerFlow {
	n := len(t.RegNames)
	f := registerFlow{shape: make([]bool, n), written: make([]bool, n)}
	if n > MaxThreadEvents {
		for i := range f.shape {
			f.shape[i], f.written[i] = true, true
		}
		return f
	}
	ids := make([]DepSet, n)
	for i := range ids {
		ids[i].Add(i)
	}
	f.shape = mattering(t, ids, false)
	f.written = mattering(t, ids, true)
	return f
}

// mattering computes the registers whose values reach the shape of t (see flowOf) and,
// with written, also the values t writes: a fixpoint over its instructions; ids maps
// each register to a DepSet holding its number.
func mattering(t *Thread, ids []DepSet, written bool) []bool {
	into := make([]bool, len(ids))
	mark := func(e Expr) bool {
		if e == nil {
			return false
		}
		var d DepSet
		e.deps(ids, &d)
		grew := false
		for _, r := range d.Members() {
			if !into[r] {
				into[r], grew = true, true
			}
		}
		return grew
	}
	for grew := true; grew; {
		grew = false
		for i := range t.Code {
			in := &t.Code[i]
			grew = mark(in.Loc.Index) || grew
			switch {
			case in.Op == OpBranchFalse, in.Op == OpAwaitCheck:
				grew = mark(in.Cond) || grew
			case in.Op == OpRMW && in.RMW == RMWCmpxchg:
				grew = mark(in.Val) || grew // decides whether it writes
			case in.Op == OpRMW && in.RMW == RMWAddUnless:
				grew = mark(in.Val2) || grew
			}
			assigns := in.Op == OpAssign || in.Op == OpRMW
			stores := in.Op == OpStore || in.Op == OpUnlock || in.Op == OpRMW
			if (assigns && in.Dst >= 0 && into[in.Dst]) || (written && stores) {
				grew = mark(in.Val) || grew
				grew = mark(in.Val2) || grew
			}
		}
	}
	return into
}

// appendStateKey appends to buf a key of st that two states share when their futures write
// the same values at the same places and take the same shape (keep: the registers that
// decide those; withOld: whether a pending RMW's old value counts even when the RMW's
// result does not reach a kept register). Whether the read just made failed (a failed
// cmpxchg or trylock) shows in rmwPending, a lock that waits in Status.
func appendStateKey(buf []byte, code *Thread, st *ThreadState, keep []bool, withOld bool) []byte {
	buf = bin.AppendVarint(buf, int64(st.PC))
	buf = bin.AppendVarint(buf, int64(st.Status))
	buf = bin.AppendVarint(buf, int64(st.AwaitStart))
	buf = bin.AppendVarint(buf, int64(st.AwaitPC))
	if st.rmwPending {
		buf = append(buf, 1)
		if in := &code.Code[st.PC]; withOld || (in.Dst >= 0 && keep[in.Dst]) {
			buf = bin.AppendVarint(buf, int64(st.rmwOld))
		}
	} else {
		buf = append(buf, 0)
	}
	for i, v := range st.Regs {
		if keep[i] {
			buf = bin.AppendVarint(buf, int64(v))
		}
	}
	return buf
}

// cheapDomains sets c.flows (flowOf for each thread), and c.domain to a superset of the
// values each location may hold in an execution whose value flow has no cycle: the
// initial values, then, round after round, every value a thread writes when its reads
// return values already known. As in
// candidates.domains, a chain of writes that justifies a value is never longer than the
// program's number of write instructions, which bounds the rounds; unlike it, a value
// is not tied to the instructions that justify it, so an atomic_inc could count up once
// per round; counterBounds stops that for locations only set to or changed by
// constants. Each round visits every distinct thread state once (appendStateKey with the
// registers that reach a written value or the shape), not every path.
func (c *candidates) cheapDomains() bool {
	p := c.prog
	sets := make([]map[Value]bool, len(p.Locs))
	for l := range sets {
		sets[l] = map[Value]bool{p.Locs[l].Init: true}
	}
	c.domain = sortedDomain(sets)
	rounds := 1
	c.flows = make([]registerFlow, len(p.Threads))
	for t, th := range p.Threads {
		c.flows[t] = flowOf(th)
		for _, in := range th.Code {
			switch in.Op {
			case OpStore, OpRMW, OpUnlock, OpLock, OpTrylock:
				rounds++
			}
		}
	}
	bounds := counterBounds(p)
	// A thread's walk depends only on the domains of the locations it reads: when none
	// of them grew since its last walk, walking it again would add nothing, so it is
	// skipped. The domains are the same as without the skip, round by round; at four
	// CPUs the device threads' walks, over a million states each, stop changing rounds
	// before the interrupt threads' do.
	version := make([]int, len(p.Locs)) // rounds in which each location's domain grew
	read := make([][]bool, len(p.Threads))
	seenAt := make([][]int, len(p.Threads)) // version of each location read, at the thread's last walk
	for round := 0; round < rounds; round++ {
		grew := false
		for t := range p.Threads {
			if read[t] != nil && !walkEveryRound && unchangedReads(read[t], seenAt[t], version) {
				continue
			}
			w := &domainWalk{c: c, t: t, keep: c.flows[t].written, seen: map[string]bool{}, sets: sets, bounds: bounds,
				read: make([]bool, len(p.Locs))}
			var st ThreadState
			st.reset(p.Threads[t])
			w.walk(&st)
			if c.stopped {
				return false
			}
			grew = grew || w.grew
			read[t], seenAt[t] = w.read, append(seenAt[t][:0], version...)
		}
		old := c.domain
		c.domain = sortedDomain(sets)
		for l := range version {
			if len(c.domain[l]) != len(old[l]) {
				version[l]++
			}
		}
		if !grew {
			break
		}
	}
	return true
}

// walkEveryRound turns the skip off; only tests set it (export_test.go), to show that
// the domains do not change.
var walkEveryRound = false

// unchangedReads reports whether no location marked in read has grown since versions
// at were recorded.
func unchangedReads(read []bool, at, version []int) bool {
	for l, r := range read {
		if r && at[l] != version[l] {
			return false
		}
	}
	return true
}

// domainWalk is one round of cheapDomains over one thread.
type domainWalk struct {
	c    *candidates
	t    int
	keep []bool
	seen map[string]bool
	sets []map[Value]bool
	// bounds are counterBounds: a value outside its location's bound is never held,
	// so it is not recorded (nor are the values it would lead to).
	bounds [][]Value
	key    []byte
	grew   bool
	read   []bool // the locations the walk read
}

// walk runs the thread from st, recording its writes, once per distinct state at
// each read.
func (w *domainWalk) walk(st *ThreadState) {
	code := w.c.prog.Threads[w.t]
	var pr proposal
	for code.next(st, &pr) {
		ev := pr.ev
		if ev.Kind == KindRead {
			w.read[ev.Loc] = true
			for _, v := range w.c.domain[ev.Loc] {
				if w.c.stop() {
					return
				}
				st2, _ := readAs(code, st, ev, v)
				w.key = appendStateKey(w.key[:0], code, &st2, w.keep, true)
				if w.seen[string(w.key)] {
					continue
				}
				w.seen[string(w.key)] = true
				w.walk(&st2)
			}
			return
		}
		// Only a write has a location here: a fence's Loc is 0 even when the
		// program has no location at all.
		if ev.Kind == KindWrite {
			if b := w.bounds[ev.Loc]; b != nil && !hasValue(b, ev.Val) {
				return
			}
			if !w.sets[ev.Loc][ev.Val] {
				w.sets[ev.Loc][ev.Val] = true
				w.grew = true
			}
		}
		code.apply(st, &ev)
	}
}

// sortedDomain lists each location's values in increasing order.
func sortedDomain(sets []map[Value]bool) [][]Value {
	out := make([][]Value, len(sets))
	for l, s := range sets {
		for v := range s {
			out[l] = append(out[l], v)
		}
		sortValues(out[l])
	}
	return out
}

// enumShapes lists in c.traces[t] one path of thread t per shape (see the file
// comment), for the reads' values in c.domain.
func (c *candidates) enumShapes(t int, st *ThreadState, evs []Event, keep []bool) {
	code := c.prog.Threads[t]
	var pr proposal
	for code.next(st, &pr) {
		ev := pr.ev
		if ev.Kind == KindRead {
			var keys []string
			for _, v := range c.domain[ev.Loc] {
				if c.stop() {
					return
				}
				st2, e := readAs(code, st, ev, v)
				k := string(appendStateKey(nil, code, &st2, keep, false))
				dup := false
				for _, o := range keys {
					if o == k {
						dup = true
						break
					}
				}
				if dup {
					continue
				}
				keys = append(keys, k)
				// The siblings share evs's array beyond len(evs): each overwrites what
				// the one before wrote there, which addTrace has copied by then.
				c.enumShapes(t, &st2, append(evs, e), keep)
			}
			return
		}
		code.apply(st, &ev)
		evs = append(evs, ev)
	}
	c.addTrace(t, evs, st)
}
