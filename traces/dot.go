package traces

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// DOTOptions says what DOT draws beyond the execution.
type DOTOptions struct {
	Title string // the graph's title, e.g. "v2-2012+ge-one under sc: P1 fifo-per-target"
	Ctrl  bool   // draw control-dependency edges (many: every event after a branch has one)
}

// DOT draws an execution as a Graphviz graph (DOTWith without a title or ctrl edges).
func DOT(g *model.ExecutionGraph, highlight []model.EventRef) string {
	return DOTWith(g, highlight, DOTOptions{})
}

// DOTWith draws an execution as a Graphviz graph in the style of herd7's -show
// graphs: one column per thread, left to right in thread order, under a box naming
// the thread and how it ended, its events top to bottom in program order; reads-from edges red, coherence edges blue, from-reads
// edges orange and dashed, program order black. Fences are rounded boxes; address and
// data dependencies are dotted green edges labelled addr and data (ctrl too when
// asked). Events in highlight are filled red. A title and a legend explain it.
//
// The threads are not clusters and the cross-thread edges take no part in the ranking
// (constraint=false): Debian's Graphviz 2.43 renders that, where clusters crossed by
// such edges fail with "trouble in init_rank".
func DOTWith(g *model.ExecutionGraph, highlight []model.EventRef, o DOTOptions) string {
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
	b.WriteString("digraph execution {\n  newrank=true;\n  rankdir=TB;\n  labelloc=t;\n")
	if o.Title != "" {
		fmt.Fprintf(&b, "  label=%q;\n  fontname=\"sans-serif\";\n", o.Title)
	}
	b.WriteString("  node [shape=plaintext, fontname=\"monospace\"];\n")
	inits := map[model.LocID]bool{}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			if e := &g.Threads[t].Events[i]; e.Kind == model.KindRead && e.RF.IsInit() {
				inits[e.Loc] = true
			}
		}
	}
	var initIDs []string
	for l := range p.Locs {
		if inits[model.LocID(l)] {
			r := model.InitRef(model.LocID(l))
			initIDs = append(initIDs, id(r))
			fmt.Fprintf(&b, "  %s [label=%q];\n", id(r), fmt.Sprintf("init %s = %d", p.Locs[l].Name, p.Locs[l].Init))
		}
	}
	// One column per thread: a header node, then the events in program order. No
	// clusters: Graphviz 2.43 fails with "trouble in init_rank" on clusters crossed by
	// many constraint=false edges.
	var heads []string
	for t, th := range p.Threads {
		head := fmt.Sprintf("thread%d", t)
		heads = append(heads, head)
		fmt.Fprintf(&b, "  %s [label=%q, shape=box, style=\"bold,rounded\", fontname=\"sans-serif\"];\n", head,
			fmt.Sprintf("%s (%s) — %s", th.Name, th.Kind, threadEnd(g, t)))
		prev := head
		for i := range g.Threads[t].Events {
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			e := g.Event(r)
			attrs := fmt.Sprintf("label=%q", fmt.Sprintf("#%d: %s", i, cellText(g, r)))
			style := ""
			if e.Kind == model.KindFence {
				attrs += ", shape=box"
				style = "rounded"
			}
			if marked[r] {
				style = strings.TrimPrefix(style+",filled", ",")
				attrs += ", fillcolor=\"#fca5a5\""
			}
			if style != "" {
				attrs += fmt.Sprintf(", style=%q", style)
			}
			fmt.Fprintf(&b, "  %s [%s];\n", id(r), attrs)
			if i == 0 {
				fmt.Fprintf(&b, "  %s -> %s [style=invis];\n", head, id(r))
			} else {
				fmt.Fprintf(&b, "  %s -> %s [label=\"po\"];\n", prev, id(r))
			}
			prev = id(r)
		}
	}
	// The initial writes in a row above the threads, the threads' headers in a row,
	// left to right in thread order.
	if len(initIDs) > 0 {
		fmt.Fprintf(&b, "  { rank=same; %s; }\n", strings.Join(initIDs, "; "))
		fmt.Fprintf(&b, "  %s -> %s [style=invis];\n", initIDs[0], heads[0])
	}
	if len(heads) > 0 {
		fmt.Fprintf(&b, "  { rank=same; %s; }\n", strings.Join(heads, "; "))
	}
	if len(heads) > 1 {
		fmt.Fprintf(&b, "  %s [style=invis];\n", strings.Join(heads, " -> "))
	}
	for t := range g.Threads {
		for i := range g.Threads[t].Events {
			r := model.EventRef{Thread: int32(t), Index: int32(i)}
			e := g.Event(r)
			deps := []struct {
				name string
				set  model.DepSet
			}{{"addr", e.Addr}, {"data", e.Data}}
			if o.Ctrl {
				deps = append(deps, struct {
					name string
					set  model.DepSet
				}{"ctrl", e.Ctrl})
			}
			for _, dep := range deps {
				for _, j := range dep.set.Members() {
					fmt.Fprintf(&b, "  %s -> %s [label=%q, color=darkgreen, fontcolor=darkgreen, style=dotted];\n",
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
	b.WriteString(dotLegend(o.Ctrl))
	b.WriteString("}\n")
	return b.String()
}

// dotLegend is a box below the threads that names the edges and marks.
func dotLegend(ctrl bool) string {
	rows := []struct{ color, name, what string }{
		{"black", "po", "program order"},
		{"red", "rf", "reads-from: the write a read returns"},
		{"blue", "co", "coherence: the order of the writes to a location"},
		{"orange", "fr", "from-read: a read comes before the next write to its location"},
		{"darkgreen", "addr / data", "address or data dependency"},
	}
	if ctrl {
		rows = append(rows, struct{ color, name, what string }{"darkgreen", "ctrl", "control dependency"})
	}
	var b strings.Builder
	b.WriteString("  legend [shape=none, fontname=\"sans-serif\", label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">")
	b.WriteString("<TR><TD COLSPAN=\"2\"><B>legend</B></TD></TR>")
	for _, r := range rows {
		fmt.Fprintf(&b, "<TR><TD><FONT COLOR=\"%s\">%s</FONT></TD><TD ALIGN=\"LEFT\">%s</TD></TR>", r.color, r.name, r.what)
	}
	b.WriteString("<TR><TD BGCOLOR=\"#fca5a5\">#4: …</TD><TD ALIGN=\"LEFT\">an event that breaks the property</TD></TR>")
	b.WriteString("<TR><TD>» action</TD><TD ALIGN=\"LEFT\">a logical action the properties read, not a memory access</TD></TR>")
	if !ctrl {
		b.WriteString("<TR><TD COLSPAN=\"2\">control dependencies hidden (explain --ctrl shows them)</TD></TR>")
	}
	b.WriteString("</TABLE>>];\n")
	return b.String()
}
