package traces

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// DOT draws an execution as a Graphviz graph in the style of herd7's -show graphs:
// one cluster per thread with its events in program order, reads-from edges red,
// coherence edges blue, from-reads edges orange and dashed, program order black.
// Fences are drawn as boxes; address, data and control dependencies are dotted
// green edges labelled addr, data and ctrl. Events in highlight are filled.
func DOT(g *model.ExecutionGraph, highlight []model.EventRef) string {
	p := g.Prog
	marked := map[model.EventRef]bool{}
	for _, r := range highlight {
		marked[r] = true
	}
	id := func(r model.EventRef) string {
		if r.IsInit() {
			return fmt.Sprintf("init%d", r.Index)
		}
		return fmt.Sprintf("e%d_%d", r.Thread, r.Index)
	}
	var b strings.Builder
	b.WriteString("digraph execution {\n  rankdir=TB;\n  node [shape=plaintext, fontname=\"monospace\"];\n")
	inits := map[model.LocID]bool{}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; e.Kind == model.KindRead && e.RF.IsInit() {
				inits[e.Loc] = true
			}
		}
	}
	for l := range p.Locs {
		if inits[model.LocID(l)] {
			fmt.Fprintf(&b, "  %s [label=%q];\n", id(model.InitRef(model.LocID(l))), fmt.Sprintf("init %s = %d", p.Locs[l].Name, p.Locs[l].Init))
		}
	}
	for t, th := range p.Threads {
		fmt.Fprintf(&b, "  subgraph cluster_%d {\n    label=%q;\n", t, fmt.Sprintf("%s (%s) — %s", th.Name, th.Kind, g.Status(t)))
		for i := range g.Threads[t].Events {
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			e := g.Event(r)
			attrs := fmt.Sprintf("label=%q", fmt.Sprintf("%s%d: %s", "#", i, cellText(g, r)))
			if e.Kind == model.KindFence {
				attrs += ", shape=box, style=rounded"
			}
			if marked[r] {
				attrs += ", style=filled, fillcolor=\"#fca5a5\""
			}
			fmt.Fprintf(&b, "    %s [%s];\n", id(r), attrs)
		}
		for i := 1; i < len(g.Threads[t].Events); i++ {
			fmt.Fprintf(&b, "    %s -> %s [label=\"po\"];\n", id(model.EventRef{Thread: int32(t), Index: int32(i - 1)}),
				id(model.EventRef{Thread: int32(t), Index: int32(i)}))
		}
		b.WriteString("  }\n")
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			e := g.Event(r)
			for _, dep := range []struct {
				name string
				set  model.DepSet
			}{{"addr", e.Addr}, {"data", e.Data}, {"ctrl", e.Ctrl}} {
				for _, j := range dep.set.Members() {
					fmt.Fprintf(&b, "  %s -> %s [label=%q, color=darkgreen, fontcolor=darkgreen, style=dotted, constraint=false];\n",
						id(model.EventRef{Thread: int32(t), Index: int32(j)}), id(r), dep.name)
				}
			}
			if e.Kind != model.KindRead {
				continue
			}
			fmt.Fprintf(&b, "  %s -> %s [label=\"rf\", color=red, fontcolor=red, constraint=false];\n", id(e.RF), id(r))
			if next := g.CoIndex(e.RF) + 1; next < len(g.Co[e.Loc]) {
				fmt.Fprintf(&b, "  %s -> %s [label=\"fr\", color=orange, fontcolor=orange, style=dashed, constraint=false];\n",
					id(r), id(g.Co[e.Loc][next]))
			}
		}
	}
	for _, co := range g.Co {
		for i := 1; i < len(co); i++ {
			fmt.Fprintf(&b, "  %s -> %s [label=\"co\", color=blue, fontcolor=blue, constraint=false];\n", id(co[i-1]), id(co[i]))
		}
	}
	b.WriteString("}\n")
	return b.String()
}
