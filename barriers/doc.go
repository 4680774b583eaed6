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
// Every model but sc is written twice. The whole-relation form (Violation, on an
// execution built from scratch, relation.go and execution.go) states the model as its
// .cat file does and is the reference. The incremental form keeps a mirror of the
// graph the explorer grows, one event at a time, with each relation kept as rows and
// columns that only the new event changes, and checks only what the new event can
// break (model.IncrementalConsistency: ConsistentWith); Consistent judges whole graphs
// on the same mirror, and falls back to the reference for graphs with a po ∪ rf cycle
// (and, for lkmm, programs with RCU). Tests compare both forms on every candidate graph
// of the tables and of random and shape programs, and on every call the explorer makes
// (incremental_test.go); docs/PERFORMANCE.md measures the difference.
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
//   - mirror.go      a graph's events as nodes numbered in the order they were added,
//     kept in step with the graphs the explorer asks about, with rf, co, fr and po-loc
//   - mirror_pool.go a few mirrors per model, for the graphs the explorer jumps between
//   - mirror_search.go  cycles through one node, and any cycle, in unions of relations
//   - incremental.go what the incremental checks share (when an event cannot break an
//     axiom), and tso's
//   - armv8_incremental.go  armv8's: ob's local part, node by node
//   - lkmm_incremental.go   lkmm's and lkmm-alpha's: dependencies, cumul-fence, prop, hb,
//     pb, node by node; the lock axioms for one event
//   - lkmm_incremental_fences.go  the columns of the .cat's fence relations for one node
//   - lkmm_plain_incremental.go   plain-coherence for the racing pairs one node changes
//   - order.go       Ordered / GlobalOrder: each model's global order (sc, tso, armv8,
//     lkmm), for the properties that judge "before"
package barriers
