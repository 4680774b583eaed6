package properties

import (
	"fmt"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// datarace.go is P11, data-race-free: under the Linux-kernel memory model (lkmm,
// lkmm-alpha) no execution may have a data race, the .cat's data-race flag. In LKMM a
// racy execution has undefined behaviour: the compiler may tear, fuse, invent or
// repeat a plain access that races, so whatever else the execution shows, its code
// is wrong. That makes a race a finding of its own, distinct from a reordering: the
// fix is a marking (READ_ONCE/WRITE_ONCE, an atomic, a lock around both accesses),
// not a barrier. The hardware models (sc, tso, armv8) have no notion of data race,
// so the property is only judged under lkmm and lkmm-alpha.

// raceFinder is what P11 asks of a memory model: LKMM's data races.
type raceFinder interface {
	DataRaces(g *model.ExecutionGraph) []barriers.Race
}

// orderRaceFinder is a model that gives its global order and its data races of one
// graph in one call (barriers.LKMM.OrderAndRaces), building their shared relations
// once.
type orderRaceFinder interface {
	OrderAndRaces(g *model.ExecutionGraph, o *barriers.GlobalOrder) (bool, []barriers.Race)
}

// dataRaceFree checks P11 on one graph: the first race, naming both accesses, their
// threads, and the instructions that made them.
func (c *Checker) dataRaceFree(g *model.ExecutionGraph) (string, []model.EventRef) {
	if c.races == nil {
		return "", nil
	}
	var rs []barriers.Race
	if c.o.racesOf == g {
		rs, c.o.racesOf = c.o.races, nil // found with the order of this Check (order.buildModel)
	} else {
		rs = c.races.DataRaces(g)
	}
	if c.RaceSite != "" {
		kept := rs[:0]
		for _, r := range rs {
			if siteOf(g, r.First) == c.RaceSite || siteOf(g, r.Second) == c.RaceSite {
				kept = append(kept, r)
			}
		}
		rs = kept
	}
	if len(rs) == 0 {
		return "", nil
	}
	r := rs[0]
	more := ""
	if len(rs) > 1 {
		more = fmt.Sprintf(" (and %d more race(s) in this execution)", len(rs)-1)
	}
	return fmt.Sprintf("data race on %s: %s races with %s, neither ordered before the other and one of them plain%s",
		g.LocName(g.Event(r.Second).Loc), describeAccess(g, r.First), describeAccess(g, r.Second), more), []model.EventRef{r.First, r.Second}
}

// describeAccess names an access for a race report: "cpu1's plain write req_vq = 1
// (tgt->req_vq = vq)" — thread, marking, kind, location, value, and the instruction.
func describeAccess(g *model.ExecutionGraph, r model.EventRef) string {
	if r.IsInit() {
		return fmt.Sprintf("the initial value of %s", g.LocName(model.LocID(r.Index)))
	}
	e := g.Event(r)
	th := g.Prog.Threads[r.Thread]
	marking := "marked"
	if e.Ann&model.AnnPlain != 0 {
		marking = "plain"
	}
	kind := "read"
	if e.Kind == model.KindWrite {
		kind = "write"
	}
	in := &th.Code[e.PC]
	src := ""
	if in.Src != "" {
		src = ", " + in.Src
	}
	return fmt.Sprintf("%s's %s %s %s = %d (%s: %s%s)", th.Name, marking, kind, g.LocName(e.Loc), e.Val, r, in.String(th), src)
}

// siteOf is the ordering-annotation site of the instruction that made event r, "" for
// an initial write or an instruction without one.
func siteOf(g *model.ExecutionGraph, r model.EventRef) string {
	if !r.IsThreadEvent() {
		return ""
	}
	return g.Prog.Threads[r.Thread].Code[g.Event(r).PC].Site
}

// OrderingProperties are the properties about what the protocol does (P1–P6): the
// ones a missing barrier breaks by letting events be reordered. P11 is about how the
// code is written (a race), and `steercheck barriers` reports it apart.
func OrderingProperties() []string { return []string{"P1", "P2", "P3", "P4", "P5", "P6"} }
