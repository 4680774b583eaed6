package linearize

import (
	"fmt"
	"sort"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// Verdict is the three-valued outcome of a linearizability check.
type Verdict uint8

// Verdicts.
const (
	Holds    Verdict = iota // every target's stream is linearizable against a FIFO
	Violated                // some target's stream is not
	Unknown                 // the check timed out first (only under a timeout the caller asked for)
)

func (v Verdict) String() string {
	return [...]string{"holds", "violated", "unknown"}[v]
}

// Result is what CheckFIFO found.
type Result struct {
	Verdict Verdict
	// Info is porcupine's account of the check (partial linearizations per target),
	// what WriteHTML draws.
	Info porcupine.LinearizationInfo
	// Message explains a violation (or an unknown) naming requests, targets and
	// queues; empty when the stream holds.
	Message string
	History History
}

// CheckFIFO checks P1 fifo-per-target on one execution of sc as linearizability of
// each target's request stream against a FIFO queue (see HistoryOf), with porcupine,
// under timeout for the whole call (none when timeout <= 0: the verdict then depends
// on nothing but the execution, as every verdict of a check must). A timeout, which
// only a caller that asks for one gets, gives Unknown.
//
// P1 holds when the stream is linearizable in every logical time the execution
// allows, not just in one. The history is first checked in Order's time; when that
// passes, it is checked again in one witness time per ordered pair (A, B) of consumed
// requests of a target: the order with the edges "A returns before B is called" and
// "B is consumed before A" added, when they close no cycle. A FIFO history over
// distinct requests is illegal exactly when such a pair exists, so this is complete,
// and each witness time is a genuine linearization of the execution, so it is sound.
func CheckFIFO(sc *steering.Scenario, g *model.ExecutionGraph, timeout time.Duration) Result {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	h := HistoryOf(sc, g)
	r := check(sc, h, timeout)
	if r.Verdict != Holds {
		return r
	}
	first := r
	reqs, _ := requestMarkers(sc, g, h.Order)
	var rx *reach
	for a := range reqs {
		A := &reqs[a]
		if !A.hasRet || !A.hasConsume {
			continue
		}
		for b := range reqs {
			B := &reqs[b]
			if a == b || sc.Requests[a].Target != sc.Requests[b].Target || !B.hasSubmit || !B.hasConsume {
				continue
			}
			if rx == nil {
				rx = newReach(g, h.Rel, h.Time)
			}
			if h.Rel == RelPo || !rx.canAdd(A.submitted, B.submit, B.consume, A.consume) {
				continue
			}
			order, rel := OrderWith(g, [][2]model.EventRef{{A.submitted, B.submit}, {B.consume, A.consume}})
			if order == nil {
				continue
			}
			var left time.Duration // porcupine: 0 is no timeout
			if timeout > 0 {
				left = time.Until(deadline)
			}
			if timeout > 0 && left <= 0 {
				return Result{Verdict: Unknown, Info: first.Info, History: h,
					Message: fmt.Sprintf("timed out after %s before every witness order was checked", timeout)}
			}
			if w := check(sc, historyIn(sc, g, order, rel), left); w.Verdict != Holds {
				return w
			}
		}
	}
	return first
}

// check runs porcupine on one history.
func check(sc *steering.Scenario, h History, timeout time.Duration) Result {
	res, info := porcupine.CheckOperationsVerbose(FIFOModel(), h.Ops, timeout)
	r := Result{Info: info, History: h}
	switch res {
	case porcupine.Ok:
		r.Verdict = Holds
	case porcupine.Illegal:
		r.Verdict = Violated
		r.Message = explain(sc, h)
	default:
		r.Verdict = Unknown
		r.Message = fmt.Sprintf("porcupine timed out after %s on %d operations", timeout, len(h.Ops))
	}
	return r
}

// explain names a pair of requests of one target that shows the violation: A's
// submission returned before B's began, yet B was consumed before A.
func explain(sc *steering.Scenario, h History) string {
	type stream struct{ call, ret, deq int64 }
	byReq := map[int]*stream{}
	for _, op := range h.Ops {
		in := op.Input.(Input)
		switch in.Kind {
		case Enqueue:
			s := byReq[in.Req]
			if s == nil {
				s = &stream{deq: -1}
				byReq[in.Req] = s
			}
			s.call, s.ret = op.Call, op.Return
		case Dequeue:
			id := op.Output.(Output).Req
			s := byReq[id]
			if s == nil {
				s = &stream{deq: -1}
				byReq[id] = s
			}
			if s.deq < 0 {
				s.deq = op.Call
			}
		}
	}
	ids := make([]int, 0, len(byReq))
	for id := range byReq {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, a := range ids {
		for _, b := range ids {
			A, B := byReq[a], byReq[b]
			if a == b || sc.Requests[a].Target != sc.Requests[b].Target || A.deq < 0 || B.deq < 0 {
				continue
			}
			if A.ret < B.call && B.deq < A.deq {
				return fmt.Sprintf("target %d is not a FIFO (time is a topological order of %s): %s returned from queuecommand "+
					"at t=%d before %s was submitted at t=%d, yet the device consumed r%d at t=%d before r%d at t=%d",
					sc.Requests[a].Target, h.Rel, sc.DescribeRequest(a), A.ret, sc.DescribeRequest(b), B.call, b, B.deq, a, A.deq)
			}
		}
	}
	return fmt.Sprintf("the request streams are not linearizable against a per-target FIFO (time is a topological order of %s)", h.Rel)
}
