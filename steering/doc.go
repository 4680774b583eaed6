// Package steering holds the Linux virtio-scsi multiqueue queue-steering protocol as
// executable models: each historical version of drivers/scsi/virtio_scsi.c is a
// Variant whose Go code mirrors the C line by line (the C line in a comment beside
// each DSL statement), built for a Config (CPUs, targets, queues, ring size, the
// requests each CPU submits) into a model.Program the explorer enumerates.
//
// A Scenario has one thread per submitting CPU (kind "cpu": its requests through the
// variant's queuecommand, in order), one device thread per request virtqueue (kind
// "device": waits for avail->idx to pass each slot, takes the buffer, marks it used)
// and one interrupt thread per queue (kind "irq": waits for used->idx to pass each
// slot, then runs the variant's completion path). Device and interrupt threads
// blocked at their top-level spin-wait are idle, not hung: model.Instr.Idle and
// Scenario.Idle say so. Marker events (MarkSubmit, MarkSteer, MarkEnqueue,
// MarkSubmitted, MarkConsume, MarkComplete) record the logical actions the properties
// package reads; every ordering annotation (lock, fence, ONCE access, fully ordered
// atomic) carries a stable site name such as "queuecommand_multi:smp_wmb".
//
// Shared state: per target tgt_lock or tgt_seq, reqs and req_vq (a queue index, so
// vq_lock and the rings are addressed through it: an address dependency); per queue
// vq_lock and the split-virtqueue fields, num_free always, the free list when
// descriptors are reused (virtqueue.go explains the two levels of detail); per request
// scsi_done with Config.RemoveTarget. Each variant's file documents what its version
// does on the busy path (ring full → SCSI_MLQUEUE_HOST_BUSY): none before v4.x undoes
// the increment of reqs. Each file names, at its top, the commits it models
// (docs/HISTORY.md), and every statement carries the kernel function it models
// (model.Thread.Source).
//
// Index:
//   - config.go     Config, Request, Validate, ParseRequests, DefaultConfig
//   - scenario.go   Scenario, Build, Layout, ThreadInfo, roles, marker tags
//   - builder.go    shared locations, CPU and interrupt threads (and which are
//     interchangeable: declareSymmetry), address helpers
//   - virtqueue.go  virtqueue_add / virtqueue_get_buf / detach_buf and the device
//   - catalog.go    Variant, Variants (history order); Mutant, Mutants: the seeded
//     bugs and the variant each applies to
//   - single.go     single: virtscsi_queuecommand_single of the v2 patch
//   - v2_2012.go    v2-2012: the v2 multiqueue patch of Dec 2012 (seeds/003)
//   - v3_10.go      v3.10: virtscsi_pick_vq under tgt_lock, as merged
//   - v3_17.go      v3.17: plain read under the lock, no completion barrier
//   - v3_19.go      v3.19-seqcount: tgt_lock replaced by a seqcount
//   - v4_x.go       v4.x: 3.19's code with the blk-mq path and three later fixes (busy
//     path, blk-mq increment, target_destroy's wait)
//   - critical.go   CriticalSections: the submitting CPUs' steering critical sections
//     (what fits a litmus test)
package steering
