// Package requirements finds which ordering annotations (barriers, locks, ONCE
// accesses, acquire/release and fully ordered atomics) each variant needs, under which
// memory model, and writes docs/BARRIERS.md from the results.
//
// For each variant (Subject) at a small fixed configuration, Ablate weakens every
// annotation alone (package ablation) and checks the result under sc, tso, lkmm,
// lkmm-alpha and armv8: required (a property breaks; the witness is minimized,
// saved and replayed), not required (the exploration completed and every property
// held) or undecided. Under the weak models named in Budget.CycleModels (lkmm,
// lkmm-alpha and armv8 by default) the explorations are complete, cycles included; under the others they
// enumerate the executions without po∪rf cycles (model.Options.AcyclicOnly) and are
// complete only when the model's local order proves no cycle consistent; otherwise an
// entry without a violation stays undecided, never "not required".
//
// Sufficient searches minimal sets of annotations that keep every property (greedy
// descents in several orders, sound under monotonicity, with a check budget it
// reports when hit). FindRepairs searches, under each model under which a variant
// fails, the model itself: the strongest submitting code first (if even that fails,
// no repair exists and the violation left is reported), then each single barrier of
// a menu at each site of the submitting CPUs' code, then pairs. Generate writes the document; its source fingerprint makes
// a test fail when the document is stale.
//
// Files: subject.go (a variant and one check), ablate.go (the table), sufficient.go,
// repair.go, witness.go (minimized witnesses), report.go (Markdown and the review
// questions of seed 003), generate.go (the whole document), litmus.go (the critical
// sections around a required annotation as a pair of litmus tests sharing the exists
// clause of the states only the weakened ones reach; our runner's record beside every
// exported test), pattern.go (each required annotation's witness as a pair of
// straight-line litmus tests, weakened and as written). The exported tests run under
// herd7 with the kernel's current model; docs_litmus_test.go checks docs/litmus/
// against herd7's rules, and against herd7 itself where it is installed (make herd7).
package requirements
