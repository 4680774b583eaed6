// Package barriers holds steercheck's memory models.
//
// A Model is a consistency predicate over execution graphs (model.ExecutionGraph): the
// explorer asks it, every time the graph grows, whether the graph so far is allowed.
// Models without po∪rf cycles (sc, tso) must be prefix-closed; models that allow them
// (lkmm, lkmm-alpha, armv8: load buffering) say so with PorfCycles, must be
// prefix-closed on graphs with an acyclic po∪rf, and monotone in reads-from: the
// explorer's second phase asks them about graphs in which some reads have no write
// yet (model.Speculated), and such a read adds no rf and no fr edge (execution.go).
//
// Index:
//   - model.go       the Model interface, the registry of models by name (New, Names)
//   - graphindex.go  dense event numbering and a cycle check, for SC
//   - sc.go          sequential consistency: acyclic(po ∪ rf ∪ co ∪ fr), incremental
//   - relation.go    a relation algebra over dense bitset matrices
//   - execution.go   the base relations and event classes of a graph (po, rf, co, fr,
//     rmw, addr/data/ctrl, fences, lock events), initial writes included
//   - support.go     Supports: which primitives a model can judge, by name
//   - tso.go         x86-TSO with the kernel's x86 mapping
//   - lkmm.go        the Linux-kernel memory model (linux-kernel.bell/.cat, lock.cat)
//   - lkmm_plain.go  its plain-coherence axiom, checked one racing pair at a time
//   - lkmm_flags.go  its flags (data-race, mixed-accesses, unmatched-*, lock flags), as
//     herd7 prints them
//   - lkmm_srcu.go   its SRCU read-side critical sections (srcu-rscs) and SRCU flags
//   - lkmm_alpha.go  lkmm before 4.15: address-dependent loads need smp_read_barrier_depends
//   - armv8.go       ARMv8 AArch64 (Pulte et al. 2018) with the kernel's arm64 mapping
//   - localorder.go  each weak model's local order, for the open-pair analysis
//   - order.go       Ordered / GlobalOrder: each model's global order (sc, tso, armv8,
//     lkmm), for the properties that judge "before"
package barriers
