package barriers

import (
	"math/bits"

	"github.com/steercheck/steercheck/model"
)

// mirror.go keeps an execution in step with the graphs the explorer asks about, one
// event at a time, for the models' incremental checks (model.IncrementalConsistency).
//
// The explorer pushes an event at the end of a thread, asks, and pops it again; it also
// copies graphs on revisits and jumps between them. A mirror therefore trusts no graph
// identity: at every call it compares its nodes with the graph's events (kind, PC,
// location, value, reads-from, fence, annotations: what a thread's events are made of,
// given the program), drops the first node that differs and everything added after it,
// drops writes whose coherence order no longer agrees, and adds the graph's events it
// lacks (sync). Nodes are numbered in the order they were added, initial writes
// first (one per location of the program), and are added in an order that extends
// po ∪ rf: each new node is the last of its thread so far and nothing reads from it.
//
// That order is what makes the relations cheap to keep. Adding a node e that is last in
// its thread and read by nothing changes no base relation between earlier nodes (po,
// rf, co, fr, dependencies, fences: all point forward in program order or into e), and
// for each model's derived relations the files using a mirror say why adding e changes
// only e's row and column. Dropping the last nodes gives back exactly the relations of
// the smaller graph. Relations are bit matrices over node numbers (grel); the mirror
// keeps no bit of a dropped node, so that a relation's rows need no masking.

// grel is a relation over a mirror's nodes: row i holds the successors of i. The
// edges into a node from older nodes are all added with the node (setCol, addEdge);
// log lists their sources, marks[j] where node j's begin, so that dropping nodes
// clears exactly their columns. A node's row is cleared when the node is made.
type grel struct {
	b     []uint64
	log   []int32
	marks []int32
}

// sig is what a mirror compares to tell whether a graph's event is the node it holds.
type sig struct {
	kind  model.EventKind
	fence model.FenceKind
	ann   model.Ann
	loc   model.LocID
	val   model.Value
	rf    model.EventRef
	pc    int32
}

func sigOf(e *model.Event) sig {
	return sig{kind: e.Kind, fence: e.Fence, ann: e.Ann, loc: e.Loc, val: e.Val, rf: e.RF, pc: e.PC}
}

// mirror is an execution graph kept as nodes and base relations (see the file comment).
type mirror struct {
	prog *model.Program
	n    int // nodes in use
	nIW  int // initial writes: nodes 0..nIW-1, node l for location l
	// sound is how many of the first nodes are known to form a consistent graph under
	// the mirror's model (a model that keeps it: lkmmInc), so that a whole check need
	// only look for the cycles through the nodes after them. Every node set is closed
	// under po and rf, so the first sound nodes are a graph of their own, and adding a
	// node changes no edge between earlier ones (lkmm_incremental.go).
	sound int
	c, w  int // capacity in nodes, words per row

	rels []*grel // every relation of the mirror and of its model, grown and cut together
	sets []*set  // every node set, likewise

	// per node
	ref   []model.EventRef
	sigs  []sig
	class []evClass // without cPending (see rmwW)
	loc   []int32   // -1 for fences and markers
	rfOf  []int32   // the node a read reads from, -1 when speculated or not a read
	rmwW  []int32   // for an RMW read, its write half's node when added, else -1
	rank  []int32   // per node: coAgreesExactly's scratch
	deps  []nodeDeps

	nodes   [][]int32 // per thread: the node of each of its events held
	thr     []set     // per thread: its nodes
	co      [][]int32 // per location: its writes in coherence order, initial write excluded
	readsAt [][]int32 // per location: its reads

	// Base relations.
	rf, co_, fr, poloc grel
	// Node sets.
	mem, reads, writes set

	// onAdd, set by the model, extends the model's own relations by node j.
	onAdd func(g *model.ExecutionGraph, j int)
	// depKind says which control dependency deps holds (Event.Ctrl or Event.CtrlAll).
	depKind depKind

	scratch []set // temporary sets (tmp)
	nTmp    int
	stack   []int32
	frames  []uint64 // acyclic's scratch
	coOrder []int32  // coAgreesExactly's scratch
	uniproc []*grel  // po-loc, rf, co, fr
}

// nodeDeps are the dependency sources of a node, as indices of its thread's events:
// as the events have them (addr, data, ctrl), and, for lkmm, with the dependencies
// carried through plain memory folded in (carry, addrC, dataC, ctrlC: see
// lkmm_incremental.go).
type nodeDeps struct {
	addr, data, ctrl           model.DepSet
	carry, addrC, dataC, ctrlC model.DepSet
}

// init prepares m for a model whose own relations and sets are rels and sets; deps
// says which control dependency the model uses (cDeps, hwDeps) or none.
func (m *mirror) init(deps depKind, onAdd func(*model.ExecutionGraph, int), rels []*grel, sets []*set) {
	m.depKind, m.onAdd = deps, onAdd
	m.rels = append([]*grel{&m.rf, &m.co_, &m.fr, &m.poloc}, rels...)
	m.uniproc = []*grel{&m.poloc, &m.rf, &m.co_, &m.fr}
	m.sets = append([]*set{&m.mem, &m.reads, &m.writes}, sets...)
}

// reset empties the mirror and gives it p's initial writes.
func (m *mirror) reset(p *model.Program) {
	m.prog = p
	m.n = 0
	m.nIW = len(p.Locs)
	m.ensure(m.nIW + 64)
	for _, r := range m.rels {
		clear(r.b)
		r.log = r.log[:0]
	}
	for _, s := range m.sets {
		clear(*s)
	}
	for _, t := range m.thr {
		clear(t)
	}
	m.nodes = resizeNodes(m.nodes, len(p.Threads))
	for len(m.thr) < len(p.Threads) {
		m.thr = append(m.thr, make(set, m.w))
	}
	m.co = resizeNodes(m.co, len(p.Locs))
	m.readsAt = resizeNodes(m.readsAt, len(p.Locs))
	for l := 0; l < m.nIW; l++ {
		j := m.newNode()
		m.ref[j] = model.InitRef(model.LocID(l))
		m.class[j] = cWrite | cInit
		m.loc[j] = int32(l)
		m.writes.add(j)
		m.mem.add(j)
	}
	m.sound = m.n
}

func resizeNodes(s [][]int32, n int) [][]int32 {
	for len(s) < n {
		s = append(s, nil)
	}
	s = s[:n]
	for i := range s {
		s[i] = s[i][:0]
	}
	return s
}

// ensure makes room for c nodes.
func (m *mirror) ensure(c int) {
	if c <= m.c {
		return
	}
	nc := max(2*m.c, (c+63)&^63)
	nw := nc >> 6
	for _, r := range m.rels {
		b := make([]uint64, nc*nw)
		for i := 0; i < m.c; i++ {
			copy(b[i*nw:i*nw+m.w], r.b[i*m.w:(i+1)*m.w])
		}
		r.b = b
		r.marks = append(r.marks, make([]int32, nc-m.c)...)
	}
	for _, s := range m.sets {
		*s = growSet(*s, nw)
	}
	for i := range m.thr {
		m.thr[i] = growSet(m.thr[i], nw)
	}
	for i := range m.scratch {
		m.scratch[i] = growSet(m.scratch[i], nw)
	}
	m.ref = append(m.ref, make([]model.EventRef, nc-m.c)...)
	m.sigs = append(m.sigs, make([]sig, nc-m.c)...)
	m.class = append(m.class, make([]evClass, nc-m.c)...)
	m.loc = append(m.loc, make([]int32, nc-m.c)...)
	m.rfOf = append(m.rfOf, make([]int32, nc-m.c)...)
	m.rmwW = append(m.rmwW, make([]int32, nc-m.c)...)
	m.rank = append(m.rank, make([]int32, nc-m.c)...)
	m.deps = append(m.deps, make([]nodeDeps, nc-m.c)...)
	m.c, m.w = nc, nw
}

func growSet(s set, w int) set {
	out := make(set, w)
	copy(out, s)
	return out
}

func (m *mirror) newNode() int {
	m.ensure(m.n + 1)
	j := m.n
	m.n++
	for _, r := range m.rels {
		clear(r.b[j*m.w : (j+1)*m.w])
		r.marks[j] = int32(len(r.log))
	}
	m.rfOf[j], m.rmwW[j], m.loc[j] = -1, -1, -1
	m.deps[j] = nodeDeps{}
	return j
}

// row is row i of r.
func (m *mirror) row(r *grel, i int) set { return set(r.b[i*m.w : (i+1)*m.w]) }

// addEdge adds i → j to r; one of them must be the newest node.
func (m *mirror) addEdge(r *grel, i, j int) {
	r.b[i*m.w+j>>6] |= 1 << (uint(j) & 63)
	if i < j {
		r.log = append(r.log, int32(i))
	}
}

// has reports whether r relates i to j.
func (m *mirror) has(r *grel, i, j int) bool { return r.b[i*m.w+j>>6]&(1<<(uint(j)&63)) != 0 }

// setCol adds the members of s as predecessors of j, the newest node, in r.
func (m *mirror) setCol(r *grel, j int, s set) {
	for k, x := range s {
		for x != 0 {
			i := k<<6 | bits.TrailingZeros64(x)
			x &= x - 1
			r.b[i*m.w+j>>6] |= 1 << (uint(j) & 63)
			if i < j {
				r.log = append(r.log, int32(i))
			}
		}
	}
}

// col is the set of predecessors of j in r, into s.
func (m *mirror) col(r *grel, j int, s set) set {
	clear(s)
	word, bit := j>>6, uint64(1)<<(uint(j)&63)
	for i := 0; i < m.n; i++ {
		if r.b[i*m.w+word]&bit != 0 {
			s.add(i)
		}
	}
	return s
}

// tmp returns a cleared scratch set, valid until freeTmp.
func (m *mirror) tmp() set {
	if m.nTmp == len(m.scratch) {
		m.scratch = append(m.scratch, make(set, m.w))
	}
	s := m.scratch[m.nTmp]
	m.nTmp++
	clear(s)
	return s
}

// freeTmp releases the scratch sets handed out since mark.
func (m *mirror) freeTmp(mark int) { m.nTmp = mark }

// node is the node of event r of the graph the mirror holds (initial writes included).
func (m *mirror) node(r model.EventRef) int {
	if r.IsInit() {
		return int(r.Index)
	}
	return int(m.nodes[r.Thread][r.Index])
}

// holds reports whether the mirror has event r (an initial write always).
func (m *mirror) holds(r model.EventRef) bool {
	return r.IsInit() || int(r.Index) < len(m.nodes[r.Thread])
}

// sync makes the mirror hold exactly g's events (see the file comment). It reports
// false when g's missing events cannot be added in an order extending po ∪ rf (a
// po ∪ rf cycle): the caller then judges g the slow way.
func (m *mirror) sync(g *model.ExecutionGraph) bool {
	k, _ := m.match(g)
	return m.syncFrom(g, k)
}

// match returns how many nodes of the mirror g has as they are, k, and how many of the
// nodes after those g still has (a revisit keeps some; backtracking keeps none). k is
// -1 when g is of another program.
func (m *mirror) match(g *model.ExecutionGraph) (k, survivors int) {
	k = m.matchPrefix(g)
	return k, m.survivors(g, k)
}

// matchPrefix is match's k alone.
func (m *mirror) matchPrefix(g *model.ExecutionGraph) int {
	if m.prog != g.Prog || len(m.nodes) != len(g.Threads) {
		return -1
	}
	k := m.nIW
	for ; k < m.n && m.holdsAsIs(g, k); k++ {
	}
	for l := range m.co {
		k = m.coAgrees(g, l, k)
	}
	return k
}

// survivors is match's count of the nodes after the first k that g still has.
func (m *mirror) survivors(g *model.ExecutionGraph, k int) int {
	if k < 0 {
		return 0 // another program's nodes
	}
	n := 0
	for v := k; v < m.n; v++ {
		if m.holdsAsIs(g, v) {
			n++
		}
	}
	return n
}

// holdsAsIs reports whether g has node v's event.
func (m *mirror) holdsAsIs(g *model.ExecutionGraph, v int) bool {
	r := m.ref[v]
	evs := g.Threads[r.Thread].Events
	return int(r.Index) < len(evs) && sigOf(&evs[r.Index]) == m.sigs[v]
}

// syncFrom is sync once match has returned k.
func (m *mirror) syncFrom(g *model.ExecutionGraph, k int) bool {
	if k < 0 {
		m.reset(g.Prog)
		k = m.nIW
	}
	m.truncate(k)
	for progress := true; progress; {
		progress = false
		for t := range g.Threads {
			evs := g.Threads[t].Events
			for i := len(m.nodes[t]); i < len(evs); i++ {
				if rf := evs[i].RF; evs[i].Kind == model.KindRead && rf.IsThreadEvent() && !m.holds(rf) {
					break
				}
				m.add(g, t, i)
				progress = true
			}
		}
	}
	for t := range g.Threads {
		if len(m.nodes[t]) < len(g.Threads[t].Events) {
			return false
		}
	}
	return true
}

// coAgrees returns the largest k' <= k such that the writes of location l among the
// first k' nodes are in the same coherence order in g as in the mirror.
func (m *mirror) coAgrees(g *model.ExecutionGraph, l, k int) int {
	mine := m.co[l]
	j := 0 // position in mine, skipping nodes >= k
	for _, w := range g.Co[l] {
		if int(w.Index) >= len(m.nodes[w.Thread]) {
			continue
		}
		v := int(m.nodes[w.Thread][w.Index])
		if v >= k || m.ref[v] != w {
			continue
		}
		for j < len(mine) && int(mine[j]) >= k {
			j++
		}
		if j < len(mine) && int(mine[j]) == v {
			j++
			continue
		}
		return m.coAgreesExactly(g, l, k)
	}
	return k
}

// coAgreesExactly is coAgrees once the orders were found to differ: the nodes of l's
// writes below k, in g's coherence order and in the mirror's, may disagree on pairs,
// and every prefix of nodes that holds both ends of a discordant pair must go, so the
// cut is the least, over the discordant pairs, of the newer node. The first k' nodes'
// relations depend only on what those nodes are and on coherence among them (mirror.go),
// so nodes older than the cut are kept. A revisit that gives its write another place in
// coherence order moves that write alone; a cut at the oldest write it passed, as taken
// before, dropped and re-added every node from there on (under lkmm about a microsecond
// each; v2-2012 at three CPUs re-added 14% more nodes). Quadratic in the writes of one
// location, and run only when the orders differ.
func (m *mirror) coAgreesExactly(g *model.ExecutionGraph, l, k int) int {
	// rank[v]: v's position among the mirror's writes of l below k.
	r := int32(0)
	for _, u := range m.co[l] {
		if int(u) < k {
			m.rank[u] = r
			r++
		}
	}
	order := m.coOrder[:0] // g's order of the same nodes
	for _, w := range g.Co[l] {
		if int(w.Index) >= len(m.nodes[w.Thread]) {
			continue
		}
		if v := int(m.nodes[w.Thread][w.Index]); v < k && m.ref[v] == w {
			order = append(order, int32(v))
		}
	}
	m.coOrder = order
	cut := k
	for i, u := range order {
		for _, v := range order[i+1:] {
			if m.rank[v] < m.rank[u] { // u before v in g, after it in the mirror
				cut = min(cut, int(max(u, v)))
			}
		}
	}
	return cut
}

// truncate drops nodes k.. (the last added first).
func (m *mirror) truncate(k int) {
	if k >= m.n {
		return
	}
	m.sound = min(m.sound, k)
	for v := m.n - 1; v >= k; v-- {
		r := m.ref[v]
		m.nodes[r.Thread] = m.nodes[r.Thread][:r.Index]
		m.thr[r.Thread][v>>6] &^= 1 << (uint(v) & 63)
		if l := m.loc[v]; l >= 0 {
			if m.class[v]&cWrite != 0 {
				co := m.co[l]
				for i, u := range co {
					if int(u) == v {
						m.co[l] = append(co[:i], co[i+1:]...)
						break
					}
				}
				if m.class[v]&cRMWWrite != 0 {
					m.rmwW[m.nodes[r.Thread][r.Index-1]] = -1
				}
			} else {
				m.readsAt[l] = m.readsAt[l][:len(m.readsAt[l])-1]
			}
		}
	}
	// Clear the dropped nodes' columns in the rows kept (their rows are cleared when
	// they are made again).
	for _, r := range m.rels {
		end := len(r.log)
		for j := m.n - 1; j >= k; j-- {
			word, bit := j>>6, uint64(1)<<(uint(j)&63)
			for _, i := range r.log[r.marks[j]:end] {
				r.b[int(i)*m.w+word] &^= bit
			}
			end = int(r.marks[j])
		}
		r.log = r.log[:end]
	}
	w0 := k >> 6
	keep := uint64(1)<<(uint(k)&63) - 1
	for _, s := range m.sets {
		(*s)[w0] &= keep
		clear((*s)[w0+1:])
	}
	m.n = k
}

// add adds event i of thread t of g as a new node: base relations, then the model's.
func (m *mirror) add(g *model.ExecutionGraph, t, i int) {
	e := &g.Threads[t].Events[i]
	j := m.newNode()
	m.ref[j] = model.EventRef{Thread: int32(t), Index: int32(i)}
	m.sigs[j] = sigOf(e)
	m.class[j] = classify(g, t, i) &^ cPending
	m.nodes[t] = append(m.nodes[t], int32(j))
	m.thr[t].add(j)
	switch {
	case e.Kind == model.KindMarker:
	case m.depKind == hwDeps:
		m.deps[j].ctrl = depSources(g, t, i, e.CtrlAll, false)
	case m.depKind == cDeps:
		m.deps[j].ctrl = depSources(g, t, i, e.Ctrl, false)
	}
	if e.Kind != model.KindRead && e.Kind != model.KindWrite {
		m.onAdd(g, j)
		return
	}
	l := int(e.Loc)
	m.loc[j] = int32(l)
	m.mem.add(j)
	m.deps[j].addr = depSources(g, t, i, e.Addr, false)
	m.deps[j].data = depSources(g, t, i, e.Data, true)
	// po-loc: the earlier accesses of the thread to the same location.
	for _, u := range m.nodes[t][:i] {
		if m.loc[u] == int32(l) {
			m.addEdge(&m.poloc, int(u), j)
		}
	}
	if e.Kind == model.KindRead {
		m.reads.add(j)
		m.readsAt[l] = append(m.readsAt[l], int32(j))
		if !e.RF.IsSpeculated() {
			w := m.node(e.RF)
			m.rfOf[j] = int32(w)
			m.addEdge(&m.rf, w, j)
			// fr: every write coherence-after the one read.
			after := m.coPos(w) + 1
			for _, u := range m.co[l][after:] {
				m.addEdge(&m.fr, j, int(u))
			}
		}
	} else {
		m.writes.add(j)
		pos := m.coInsert(g, l, j)
		co := m.co[l]
		m.addEdge(&m.co_, l, j) // the initial write
		for _, u := range co[:pos] {
			m.addEdge(&m.co_, int(u), j)
		}
		for _, u := range co[pos+1:] {
			m.addEdge(&m.co_, j, int(u))
		}
		// fr into j: the reads of a write coherence-before j.
		for _, r := range m.readsAt[l] {
			if w := m.rfOf[r]; w >= 0 && (int(w) == l || m.coPos(int(w)) < pos) {
				m.addEdge(&m.fr, int(r), j)
			}
		}
		if e.Ann&model.AnnRMW != 0 {
			m.rmwW[m.nodes[t][i-1]] = int32(j)
		}
	}
	m.onAdd(g, j)
}

// coPos is the position of write node w in its location's coherence order (-1 for an
// initial write).
func (m *mirror) coPos(w int) int {
	if w < m.nIW {
		return -1
	}
	for i, u := range m.co[m.loc[w]] {
		if int(u) == w {
			return i
		}
	}
	panic("barriers: mirror write not in coherence order")
}

// coInsert puts write node j into location l's coherence order where g has it among
// the writes held, and returns its position.
func (m *mirror) coInsert(g *model.ExecutionGraph, l, j int) int {
	me := m.ref[j]
	pos := 0
	for _, w := range g.Co[l] {
		if w == me {
			break
		}
		if m.holds(w) {
			pos++
		}
	}
	co := append(m.co[l], 0)
	copy(co[pos+1:], co[pos:])
	co[pos] = int32(j)
	m.co[l] = co
	return pos
}

// depSet turns d, indices of events of thread t, into the set of their nodes.
func (m *mirror) depSet(t int, d model.DepSet, s set) set {
	nodes := m.nodes[t]
	for k, x := range d {
		for x != 0 {
			i := k<<6 | bits.TrailingZeros64(x)
			x &= x - 1
			s.add(int(nodes[i]))
		}
	}
	return s
}

// poBefore is the set of the nodes before j in its thread that are not markers, into s.
func (m *mirror) poBefore(j int, s set) set {
	r := m.ref[j]
	for _, u := range m.nodes[r.Thread][:r.Index] {
		if m.class[u]&cMarker == 0 {
			s.add(int(u))
		}
	}
	return s
}

// external reports whether nodes u and v are of different threads (an initial write is
// of none).
func (m *mirror) external(u, v int) bool {
	return u < m.nIW || v < m.nIW || m.ref[u].Thread != m.ref[v].Thread
}
