package linearize

import (
	"fmt"

	"github.com/anishathalye/porcupine"

	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// History is the porcupine history of one execution of a steering scenario.
type History struct {
	Ops   []porcupine.Operation
	Order []model.EventRef // the logical time: event i happens at time i
	Rel   Relation         // the relation Order respects
	Time  Times            // the time of each event
	End   int64            // one past the last event: the return of a call that never returned
}

// Times is the logical time of each event of an execution: its place in History.Order.
type Times struct {
	ids eventIDs
	at  []int64
}

// Of is the time of event r.
func (t Times) Of(r model.EventRef) int64 { return t.at[t.ids.id(r)] }

func timesOf(g *model.ExecutionGraph, order []model.EventRef) Times {
	t := Times{ids: newEventIDs(g)}
	t.at = make([]int64, t.ids.n)
	for i, r := range order {
		t.at[t.ids.id(r)] = int64(i)
	}
	return t
}

// HistoryOf reads the per-target request stream off an execution of sc. Each request
// the device consumed becomes an enqueue whose call is its "submit" marker and whose
// return is its "submitted" marker (End if queuecommand never returned); each
// "consume" marker becomes a dequeue, call and return at the same instant, returning
// the request consumed. Requests never consumed (returned busy, or still on a ring
// when the execution ended) are left out: P1 only orders consumed requests, and
// P4/P6 judge the others. Operations carry the submitting CPU's (or the device's)
// thread as ClientId and a readable description as Metadata.
func HistoryOf(sc *steering.Scenario, g *model.ExecutionGraph) History {
	order, rel := Order(g)
	return historyIn(sc, g, order, rel)
}

// historyIn is HistoryOf in a given logical time.
func historyIn(sc *steering.Scenario, g *model.ExecutionGraph, order []model.EventRef, rel Relation) History {
	h := History{Order: order, Rel: rel, Time: timesOf(g, order), End: int64(len(order))}
	reqs, consumes := requestMarkers(sc, g, order)
	for id := range reqs {
		q := &reqs[id]
		if !q.hasSubmit || !q.hasConsume {
			continue
		}
		ret := h.End
		if q.hasRet {
			ret = h.Time.Of(q.submitted)
		}
		h.Ops = append(h.Ops, porcupine.Operation{
			ClientId: int(q.submit.Thread),
			Input:    Input{Kind: Enqueue, Target: sc.Requests[id].Target, Req: id},
			Call:     h.Time.Of(q.submit),
			Output:   Output{Req: -1},
			Return:   ret,
			Metadata: enqueueNote{sc: sc, req: id, markers: *q},
		})
	}
	for _, r := range consumes {
		e := g.Event(r)
		id := int(e.Args[0])
		h.Ops = append(h.Ops, porcupine.Operation{
			ClientId: int(r.Thread),
			Input:    Input{Kind: Dequeue, Target: sc.Requests[id].Target},
			Call:     h.Time.Of(r),
			Output:   Output{Req: id},
			Return:   h.Time.Of(r),
			Metadata: dequeueNote{sc: sc, req: id, queue: e.Args[1], consume: r},
		})
	}
	return h
}

// enqueueNote and dequeueNote describe an operation for porcupine's visualization.
// They are formatted only when it asks: formatting every operation of every execution
// checked took longer than the check.
type enqueueNote struct {
	sc      *steering.Scenario
	req     int
	markers reqMarkers
}

func (n enqueueNote) String() string {
	if !n.markers.hasRet {
		return fmt.Sprintf("%s: queuecommand never returned", n.sc.DescribeRequest(n.req))
	}
	return fmt.Sprintf("%s: submit %s, return %s", n.sc.DescribeRequest(n.req), n.markers.submit, n.markers.submitted)
}

type dequeueNote struct {
	sc      *steering.Scenario
	req     int
	queue   model.Value
	consume model.EventRef
}

func (n dequeueNote) String() string {
	return fmt.Sprintf("%s consumed r%d from queue %d (%s)", n.sc.ThreadName(int(n.consume.Thread)), n.req, n.queue, n.consume)
}

// reqMarkers are the markers of one request.
type reqMarkers struct {
	submit, submitted, consume    model.EventRef // consume: the first one
	hasSubmit, hasRet, hasConsume bool
}

// requestMarkers finds every request's markers, and lists the consume markers in
// the given order.
func requestMarkers(sc *steering.Scenario, g *model.ExecutionGraph, order []model.EventRef) ([]reqMarkers, []model.EventRef) {
	reqs := make([]reqMarkers, len(sc.Requests))
	var consumes []model.EventRef
	for _, r := range order {
		e := g.Event(r)
		if e.Kind != model.KindMarker {
			continue
		}
		id := int(e.Args[0])
		if id < 0 || id >= len(reqs) {
			continue
		}
		switch e.Marker {
		case steering.MarkSubmit:
			reqs[id].submit, reqs[id].hasSubmit = r, true
		case steering.MarkSubmitted:
			reqs[id].submitted, reqs[id].hasRet = r, true
		case steering.MarkConsume:
			if !reqs[id].hasConsume {
				reqs[id].consume, reqs[id].hasConsume = r, true
			}
			consumes = append(consumes, r)
		}
	}
	return reqs, consumes
}

// WriteHTML writes porcupine's interactive visualization of res (as CheckFIFO
// returned it for sc and g) to path, annotated with the steering decisions of the
// execution: one point annotation per "steer" marker, on the submitting CPU's row,
// saying which queue the request was steered to and the reqs value the submitter saw.
func WriteHTML(path string, sc *steering.Scenario, g *model.ExecutionGraph, res Result) error {
	info := res.Info
	h := res.History
	if h.Order == nil {
		h = HistoryOf(sc, g)
	}
	info.AddAnnotations(Annotations(sc, g, h))
	if err := porcupine.VisualizePath(FIFOModel(), info, path); err != nil {
		return fmt.Errorf("linearize: writing %s: %v", path, err)
	}
	return nil
}

// Annotations lists the steering decisions of g as porcupine annotations in h's time.
func Annotations(sc *steering.Scenario, g *model.ExecutionGraph, h History) []porcupine.Annotation {
	var out []porcupine.Annotation
	for _, r := range h.Order {
		e := g.Event(r)
		if e.Kind != model.KindMarker || e.Marker != steering.MarkSteer {
			continue
		}
		id, q, seen := int(e.Args[0]), e.Args[1], e.Args[2]
		busy := "target idle: steered by cpu mod queues"
		switch {
		case seen < 0:
			busy = "no busy test made"
		case seen > 1:
			busy = "target busy: follows req_vq"
		}
		out = append(out, porcupine.Annotation{
			ClientId:    int(r.Thread),
			Start:       h.Time.Of(r),
			Description: fmt.Sprintf("steer r%d → q%d", id, q),
			Details: fmt.Sprintf("%s steered to queue %d; reqs seen %d (%s); event %s, time %d in %s order",
				sc.DescribeRequest(id), q, seen, busy, r, h.Time.Of(r), h.Rel),
			BackgroundColor: "#fde68a",
		})
	}
	return out
}
