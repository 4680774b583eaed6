package properties

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// This file holds the properties about what became of each request and of its
// count: P3 accounting, P4 exactly-once and P6 no-hang.

// accounting checks P3: reqs is never negative, every decrement belongs to a request
// its thread has just completed (sc->scsi_done, then atomic_dec), and the final value
// of each target's reqs equals its outstanding requests: counted by an increment, not
// returned busy, not completed. A request whose queuecommand returned
// SCSI_MLQUEUE_HOST_BUSY after incrementing reqs is no longer the driver's; if
// nothing undid the increment, the final value is too high and the target can never
// look idle again (a leak). Then the virtqueues' descriptor accounting (ring.go).
func (c *Checker) accounting(g *model.ExecutionGraph) (string, []model.EventRef) {
	f := &c.f
	if has(f.negative) {
		e := g.Event(f.negative)
		return fmt.Sprintf("%s went negative (%d), written by %s", g.LocName(e.Loc), e.Val, c.sc.ThreadName(int(f.negative.Thread))),
			[]model.EventRef{f.negative}
	}
	if has(f.earlyDec) {
		e := g.Event(f.earlyDec)
		who := c.sc.ThreadName(int(f.earlyDec.Thread))
		if f.earlyDecReq < 0 {
			return fmt.Sprintf("%s decremented by %s without a completed request", g.LocName(e.Loc), who), []model.EventRef{f.earlyDec}
		}
		r := &f.reqs[f.earlyDecReq]
		return fmt.Sprintf("%s decremented by %s for %s before that request completed", g.LocName(e.Loc), who, c.rq(f.earlyDecReq)),
			[]model.EventRef{r.enqueue, f.earlyDec}
	}
	if has(f.doubleDec) {
		e := g.Event(f.doubleDec)
		return fmt.Sprintf("%s decremented twice for %s", g.LocName(e.Loc), c.rq(f.doubleDecReq)), []model.EventRef{f.doubleDec}
	}
	L := c.sc.Layout.Reqs
	for tg := 0; tg < L.Len; tg++ {
		loc := L.Base + model.LocID(tg)
		final := g.FinalValue(loc)
		if f.freed&(1<<uint(tg&63)) != 0 {
			continue // virtscsi_target_destroy freed the target: nothing left to count
		}
		want := 0
		var leaked []string
		var evs []model.EventRef
		for id := range f.reqs {
			r := &f.reqs[id]
			if c.target(id) != tg || r.nInc == 0 {
				continue
			}
			switch {
			case r.busy() && r.nDec > 0: // v4.x: undone on the busy path
			case r.busy():
				leaked = append(leaked, fmt.Sprintf("r%d", id))
				evs = append(evs, r.inc, r.submitted)
			case r.nComplete == 0:
				want++
			}
		}
		if final == model.Value(want) {
			continue
		}
		msg := fmt.Sprintf("final %s = %d but %d of its requests are outstanding", g.LocName(loc), final, want)
		if len(leaked) > 0 && final > model.Value(want) {
			msg += fmt.Sprintf(": %s returned SCSI_MLQUEUE_HOST_BUSY after the increment and nothing undid it (reqs leaks; the target can never be idle again)",
				strings.Join(leaked, ", "))
		}
		return msg, evs
	}
	return c.ringAccounting(g)
}

// exactlyOnce checks P4: no request is consumed or completed twice, nothing is
// consumed that was never enqueued, nothing completed that was never consumed, no
// consumption or completion of a NULL token, and no accepted request is missing from
// the ring of its queue while that queue's device sits idle (its buffer was lost).
func (c *Checker) exactlyOnce(g *model.ExecutionGraph) (string, []model.EventRef) {
	f := &c.f
	for id := range f.reqs {
		r := &f.reqs[id]
		switch {
		case r.nConsume > 1:
			return fmt.Sprintf("%s consumed %d times by the device (queue %d)", c.rq(id), r.nConsume, r.consumeQ), r.consume[:]
		case r.nComplete > 1:
			return fmt.Sprintf("%s completed %d times (queue %d)", c.rq(id), r.nComplete, r.completeQ), r.complete[:]
		case r.nConsume > 0 && !has(r.enqueue):
			return fmt.Sprintf("%s consumed by the device of queue %d but never added to a ring", c.rq(id), r.consumeQ), []model.EventRef{r.consume[0]}
		case r.nComplete > 0 && r.nConsume == 0:
			return fmt.Sprintf("%s completed (queue %d) but never consumed by the device", c.rq(id), r.completeQ), []model.EventRef{r.complete[0]}
		}
	}
	if has(f.phantomConsume) {
		return fmt.Sprintf("device of queue %d consumed a buffer that holds no request", f.phantomConsumeQ), []model.EventRef{f.phantomConsume}
	}
	if has(f.phantomComplete) {
		return fmt.Sprintf("completion without a request: irq of queue %d got a NULL token", f.phantomCompleteQ), []model.EventRef{f.phantomComplete}
	}
	for id := range f.reqs {
		r := &f.reqs[id]
		if !r.accepted() || !has(r.enqueue) || r.nConsume > 0 {
			continue
		}
		if d := c.sc.DeviceThread(int(r.enqQ)); d >= 0 && (c.sc.Idle(g, d) || g.Status(d) == model.Done) {
			return fmt.Sprintf("%s accepted on queue %d but lost: the device of queue %d has nothing left to consume and never consumed it", c.rq(id), r.enqQ, r.enqQ),
				[]model.EventRef{r.enqueue, r.submitted}
		}
	}
	return "", nil
}

// noHang checks P6 on a final state: every thread is done or idle (a device or
// interrupt thread waiting for work), none crashed on a bad address, every CPU
// returned from queuecommand, and every accepted request completed.
func (c *Checker) noHang(g *model.ExecutionGraph) (string, []model.EventRef) {
	for t := range g.Threads {
		st := &g.Threads[t].State
		th := g.Prog.Threads[t]
		last := model.EventRef{Thread: int32(t), Index: int32(len(g.Threads[t].Events) - 1)}
		switch st.Status {
		case model.Fault:
			in := th.Code[st.PC]
			return fmt.Sprintf("%s crashed: address out of range in `%s` (a corrupted index or a NULL pointer)", th.Name, in.String(th)),
				keep([]model.EventRef{last})
		case model.Blocked:
			if c.sc.Idle(g, t) {
				continue
			}
			if _, ok := waitingFor(g, t); ok {
				return c.lockWait(g, t)
			}
			msg := fmt.Sprintf("%s spins forever", th.Name)
			if e := g.Event(last); e.Kind == model.KindRead {
				msg += fmt.Sprintf(" reading %s = %d", g.LocName(e.Loc), e.Val)
			}
			return msg, []model.EventRef{last}
		}
	}
	f := &c.f
	if has(f.useAfterFree) {
		e := g.Event(f.useAfterFree)
		return fmt.Sprintf("%s changed %s after virtscsi_target_destroy freed the target (use after free)", c.sc.ThreadName(int(f.useAfterFree.Thread)), g.LocName(e.Loc)),
			[]model.EventRef{f.useAfterFree}
	}
	for id := range f.reqs {
		r := &f.reqs[id]
		switch {
		case has(r.submit) && !has(r.submitted):
			return fmt.Sprintf("%s: queuecommand never returned", c.rq(id)), []model.EventRef{r.submit}
		case r.accepted() && r.nComplete == 0:
			where := "never consumed"
			if r.nConsume > 0 {
				where = "consumed but never completed"
			}
			return fmt.Sprintf("%s accepted on queue %d but %s in the final state", c.rq(id), r.enqQ, where), keep([]model.EventRef{r.enqueue, r.consume[0]})
		}
	}
	return "", nil
}
