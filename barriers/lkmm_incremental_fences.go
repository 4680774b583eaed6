package barriers

import "github.com/steercheck/steercheck/model"

// lkmm_incremental_fences.go computes, for lkmm's incremental check, the columns of
// the fence relations of the .cat (LKMM.fenceRels) for a node j added last in its
// thread: which earlier events each orders before j.

// lkmmCols are the columns of one node j: the sources u of each relation's pairs
// (u, j).
type lkmmCols struct {
	sf, poRel, wmb, poULpo, fence, postR, preR, plainWmb set
}

// localColumns walks back from j through its thread, noting the fences passed, and
// says for each earlier event which relations relate it to j; po-unlock-lock-po also
// reaches into the threads whose unlocks j's thread's lock reads read.
func (m *lkmmInc) localColumns(g *model.ExecutionGraph, j int) lkmmCols {
	f := lkmmCols{sf: m.tmp(), poRel: m.tmp(), wmb: m.tmp(), poULpo: m.tmp(), fence: m.tmp(),
		postR: m.tmp(), preR: m.tmp(), plainWmb: m.tmp()}
	c := m.class[j]
	r := m.ref[j]
	t := int(r.Thread)
	nodes := m.nodes[t]
	evs := g.Threads[t].Events
	isM, isW := c&(cRead|cWrite) != 0, c&cWrite != 0
	r4rmb := func(c evClass) bool { return c&cRead != 0 && c&cNoReturn == 0 }

	// po ; [UL] ; (po ∪ rf) ; [LKR] ; po: for each lock read y before j, everything
	// before the last unlock of y's thread before y, and before the unlock y reads.
	lastUL := -1
	for i := 0; i < int(r.Index); i++ {
		y := int(nodes[i])
		if m.class[y]&cUnlock != 0 {
			lastUL = y
		}
		if m.class[y]&cLockRead == 0 {
			continue
		}
		if lastUL >= 0 {
			m.poBefore(lastUL, f.poULpo)
		}
		if z := int(m.rfOf[y]); z >= m.nIW && m.class[z]&cUnlock != 0 {
			m.poBefore(z, f.poULpo)
		}
	}
	// mb's po-unlock-lock-po ; [after-unlock-lock] ; po term.
	aul := m.tmp()
	if isM {
		for i := 0; i < int(r.Index); i++ {
			if fz := int(nodes[i]); m.class[fz]&cFence != 0 && evs[i].Fence == model.FenceAfterUnlockLock {
				union(aul, m.col(&m.poULpo, fz, m.tmp()))
			}
		}
		for k := range aul {
			aul[k] &= m.mem[k]
		}
		union(f.sf, aul)
	}

	// The rest is po-local: walk back from j. rmwAfter: an RMW instruction event in
	// (u, j]; syncAfter: a synchronize_rcu in (u, j]; *Between: a fence of that kind in
	// (u, j); *Active: the before-atomic, after-atomic and after-spinlock terms of mb.
	rmwAfter := c&cRMWInstr != 0
	syncAfter := c&cFence != 0 && m.sigs[j].fence == model.FenceSyncRcu
	var mbBetween, rmbBetween, wmbBetween, aaBetween, aslBetween bool
	var baActive, aaActive, aslActive bool
	for i := int(r.Index) - 1; i >= 0; i-- {
		u := int(nodes[i])
		cu := m.class[u]
		if cu&cMarker != 0 {
			continue
		}
		uM := cu&(cRead|cWrite) != 0
		if cu&cRMWInstr != 0 && aaBetween {
			aaActive = true // u ; [RMW] ; fencerel(after-atomic) ; j
		}
		if cu&cLockWrite != 0 && aslBetween {
			aslActive = true // u ; [LKW] ; fencerel(after-spinlock) ; j
		}
		mb := uM && isM && (mbBetween || c&(cRead|cMb) == cRead|cMb || cu&(cWrite|cMb) == cWrite|cMb ||
			baActive || aaActive || aslActive)
		sf := mb || syncAfter // gp = po ; [sync-rcu] ; po?
		poRel := uM && c&cRelease != 0
		acqPo := cu&cAcquire != 0 && isM
		nonrw := sf || poRel || acqPo
		wmb := cu&cWrite != 0 && isW && wmbBetween
		rmb := r4rmb(cu) && r4rmb(c) && rmbBetween
		setIf(f.sf, u, sf)
		setIf(f.poRel, u, poRel)
		setIf(f.wmb, u, wmb)
		setIf(f.fence, u, nonrw || wmb || rmb)
		setIf(f.postR, u, nonrw || cu&cNoReturn == 0 && r4rmb(c) && rmbBetween)
		setIf(f.preR, u, nonrw || r4rmb(cu) && c&cNoReturn == 0 && rmbBetween)
		if wmb && cu&cPlain != 0 { // (addr ; [Plain]) ; wmb
			m.depSet(t, m.deps[u].addrC, f.plainWmb)
		}
		if cu&cFence != 0 {
			switch evs[i].Fence {
			case model.FenceMb:
				mbBetween = true
			case model.FenceRmb:
				rmbBetween = true
			case model.FenceWmb:
				wmbBetween = true
			case model.FenceBeforeAtomic:
				baActive = baActive || rmwAfter // fencerel(before-atomic) ; [RMW] ; po? ; j
			case model.FenceAfterAtomic:
				aaBetween = true
			case model.FenceAfterSpinlock:
				aslBetween = true
			case model.FenceSyncRcu:
				syncAfter = true
			}
		}
		rmwAfter = rmwAfter || cu&cRMWInstr != 0
	}
	union(f.fence, aul)
	union(f.postR, aul)
	union(f.preR, aul)
	m.depSet(t, m.deps[j].addrC, f.preR)
	return f
}

// setIf adds v to s when cond holds.
func setIf(s set, v int, cond bool) {
	if cond {
		s.add(v)
	}
}
