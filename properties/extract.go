package properties

import (
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// noEv stands for an event that did not happen.
var noEv = model.EventRef{Thread: -2}

func has(e model.EventRef) bool { return e.Thread != -2 }

// reqRec is what one execution did with one request, read from its markers and from
// the RMWs on its target's reqs counter.
type reqRec struct {
	submit, steer, enqueue, submitted model.EventRef
	ok                                bool  // submitted with ok=1
	steerQ, enqQ, reqsSeen            int64 // queue picked, queue enqueued on, reqs value the steering test saw
	inc, dec                          model.EventRef
	nInc, nDec                        int
	consume                           [2]model.EventRef // the first two consumptions
	nConsume                          int
	consumeQ                          int64
	complete                          [2]model.EventRef
	nComplete                         int
	completeQ                         int64
}

func (r *reqRec) reset() {
	*r = reqRec{submit: noEv, steer: noEv, enqueue: noEv, submitted: noEv, inc: noEv, dec: noEv,
		consume: [2]model.EventRef{noEv, noEv}, complete: [2]model.EventRef{noEv, noEv}, steerQ: -1, enqQ: -1}
}

// accepted reports whether queuecommand returned 0 for the request.
func (r *reqRec) accepted() bool { return has(r.submitted) && r.ok }

// busy reports whether queuecommand returned SCSI_MLQUEUE_HOST_BUSY.
func (r *reqRec) busy() bool { return has(r.submitted) && !r.ok }

// facts is everything the properties read from one execution, extracted in one pass.
type facts struct {
	reqs []reqRec
	// anomalies found during the pass (first occurrence of each)
	phantomConsume, phantomComplete   model.EventRef // a consume/complete marker with an invalid request
	phantomConsumeQ, phantomCompleteQ int64
	negative                          model.EventRef // a write of a negative value to reqs
	earlyDec                          model.EventRef // a decrement not for a request its thread just completed
	earlyDecReq                       int            // the request the thread was working on (-1 if none)
	doubleDec                         model.EventRef
	doubleDecReq                      int
	useAfterFree                      model.EventRef // an RMW of reqs that read the value kfree(tgt) left (steering.Freed)
	blkmq                             bool           // some request was steered by blk-mq (steering.SteerBlkMQ)
	freed                             uint64         // targets virtscsi_target_destroy freed, one bit each
	// per-thread scratch: the request the thread works on, the one it has just
	// completed, the one whose kick it saw fail (v4.x undoes its increment then)
	cur, lastDone, busy []int
}

func (f *facts) reset(nReqs, nThreads int) {
	if cap(f.reqs) < nReqs {
		f.reqs = make([]reqRec, nReqs)
	}
	f.reqs = f.reqs[:nReqs]
	for i := range f.reqs {
		f.reqs[i].reset()
	}
	f.phantomConsume, f.phantomComplete, f.negative, f.earlyDec, f.doubleDec, f.useAfterFree = noEv, noEv, noEv, noEv, noEv, noEv
	f.earlyDecReq, f.doubleDecReq = -1, -1
	f.blkmq, f.freed = false, 0
	if cap(f.cur) < nThreads {
		f.cur = make([]int, nThreads)
		f.lastDone = make([]int, nThreads)
		f.busy = make([]int, nThreads)
	}
	f.cur, f.lastDone, f.busy = f.cur[:nThreads], f.lastDone[:nThreads], f.busy[:nThreads]
	for i := range f.cur {
		f.cur[i], f.lastDone[i], f.busy[i] = -1, -1, -1
	}
}

func (f *facts) req(id model.Value) *reqRec {
	if id < 0 || int(id) >= len(f.reqs) {
		return nil
	}
	return &f.reqs[id]
}

// extract fills f from g in one pass over the events; it allocates nothing once warm.
func (f *facts) extract(sc *steering.Scenario, g *model.ExecutionGraph) {
	f.reset(len(sc.Requests), len(g.Threads))
	for t := range g.Threads {
		evs := g.Threads[t].Events
		for i := range evs {
			e := &evs[i]
			ref := model.EventRef{Thread: int32(t), Index: int32(i)}
			switch e.Kind {
			case model.KindMarker:
				f.marker(t, ref, e)
			case model.KindWrite:
				if _, ok := sc.TargetOfReqs(e.Loc); ok {
					f.reqsWrite(t, ref, e, evs)
				}
			}
		}
	}
}

func (f *facts) marker(t int, ref model.EventRef, e *model.Event) {
	r := f.req(e.Args[0])
	switch e.Marker {
	case steering.MarkSubmit:
		f.cur[t] = int(e.Args[0])
		if r != nil {
			r.submit = ref
		}
	case steering.MarkSteer:
		if r != nil {
			r.steer, r.steerQ, r.reqsSeen = ref, e.Args[1], e.Args[2]
		}
		f.blkmq = f.blkmq || e.Args[2] == steering.SteerBlkMQ
	case steering.MarkEnqueue:
		if r != nil {
			r.enqueue, r.enqQ = ref, e.Args[1]
		}
	case steering.MarkDestroy:
		f.freed |= 1 << uint(e.Args[0]&63)
	case steering.MarkBusy:
		f.busy[t] = int(e.Args[0])
	case steering.MarkSubmitted:
		if r != nil {
			r.submitted, r.ok = ref, e.Args[1] == 1
		}
	case steering.MarkConsume:
		if r == nil {
			if !has(f.phantomConsume) {
				f.phantomConsume, f.phantomConsumeQ = ref, e.Args[1]
			}
			return
		}
		if r.nConsume < 2 {
			r.consume[r.nConsume] = ref
		}
		if r.nConsume == 0 {
			r.consumeQ = e.Args[1]
		}
		r.nConsume++
	case steering.MarkComplete:
		f.cur[t], f.lastDone[t] = int(e.Args[0]), int(e.Args[0])
		if r == nil {
			f.cur[t], f.lastDone[t] = -1, -1
			if !has(f.phantomComplete) {
				f.phantomComplete, f.phantomCompleteQ = ref, e.Args[1]
			}
			return
		}
		if r.nComplete < 2 {
			r.complete[r.nComplete] = ref
		}
		if r.nComplete == 0 {
			r.completeQ = e.Args[1]
		}
		r.nComplete++
	}
}

// reqsWrite attributes a write to a reqs counter: the write half of an RMW adding one
// is the increment of the request the thread is submitting; one subtracting one is the
// decrement of the request the thread has just completed, or, after a failed kick, of
// the request it was submitting (v4.x's busy path). kfree(tgt) writes steering.Freed;
// an RMW reading that is a use after free.
func (f *facts) reqsWrite(t int, ref model.EventRef, e *model.Event, evs []model.Event) {
	if e.Val == steering.Freed && e.Ann&model.AnnRMW == 0 {
		return // kfree(tgt)
	}
	if e.Ann&model.AnnRMW != 0 && ref.Index > 0 && evs[ref.Index-1].Val == steering.Freed {
		if !has(f.useAfterFree) {
			f.useAfterFree = ref
		}
		return
	}
	if e.Val < 0 && !has(f.negative) {
		f.negative = ref
	}
	if e.Ann&model.AnnRMW == 0 || ref.Index == 0 {
		return
	}
	delta := e.Val - evs[ref.Index-1].Val
	r := f.req(model.Value(f.cur[t]))
	switch {
	case delta > 0:
		if r != nil {
			if r.nInc == 0 {
				r.inc = ref
			}
			r.nInc++
		}
	case delta < 0 && r != nil && f.busy[t] == f.cur[t]:
		// v4.x's busy path undoes the increment of the request whose kick failed
		r.nDec++
		f.busy[t] = -1
	case delta < 0:
		if r == nil || f.lastDone[t] != f.cur[t] {
			if !has(f.earlyDec) {
				f.earlyDec, f.earlyDecReq = ref, f.cur[t]
			}
			return
		}
		if r.nDec > 0 && !has(f.doubleDec) {
			f.doubleDec, f.doubleDecReq = ref, f.cur[t]
		}
		if r.nDec == 0 {
			r.dec = ref
		}
		r.nDec++
		f.lastDone[t] = -1
	}
}
