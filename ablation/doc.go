// Package ablation names the ordering annotations of a program and rewrites the
// program without one of them, or with one more barrier: the edits behind
// `steercheck barriers`.
//
// An ordering annotation is every instruction that carries one site name
// (model.Thread.Site): the same kernel source line in every thread that runs it. A
// spin_lock site and the spin_unlock site of the same function and lock form one
// annotation, the lock pair. Each annotation has one weakening, the edit that takes
// its ordering away while keeping the rest of the code:
//
//	annotation                                   weakening
//	a fence (smp_mb, smp_wmb, smp_rmb, …)         removed
//	a lock pair (spin_lock … spin_unlock)         both removed
//	a fully ordered, acquire or release RMW       made relaxed (atomicity kept)
//	smp_load_acquire / smp_store_release          made READ_ONCE / WRITE_ONCE
//	READ_ONCE / WRITE_ONCE / ACCESS_ONCE /        made plain
//	  atomic_read / atomic_set / rcu_dereference
//
// Sites with nothing to weaken (plain accesses, relaxed void atomics) are positions
// only: a repair may add a barrier after them (Repairs).
//
// Edits are values with a stable one-line spelling (Edit.String, ParseEdit), which
// traces record so that a witness of an ablated program replays:
//
//	weaken queuecommand_multi:smp_wmb
//	insert smp_mb after pick_vq:atomic_read(reqs)
//	strengthen pick_vq:READ_ONCE(req_vq) to acquire
//
// Files: annotation.go (Annotations), edit.go (Edit, ParseEdit, Apply), repair.go
// (the menu of single-barrier repairs).
package ablation
