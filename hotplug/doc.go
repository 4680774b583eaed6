// Package hotplug models CPU hotplug and managed interrupts around virtio-scsi's
// request queues, and checks properties P6–P10 of the brief on every execution.
//
// A scenario is a machine (an affinity topology: possible, present and online CPUs;
// some CPUs possibly unreachable by interrupts), a device with Queues request
// queues whose interrupt masks come from the affinity package (the spreading of
// v4.16, v4.17 or today), one to three requests each submitted from a CPU, and a
// sequence of hotplug steps. Build turns a variant and a Config into a model.Program
// with these threads:
//
//   - one submitter per request, running the variant's submission path;
//   - the device: consumes each posted request (marks its buffer used) and raises
//     the queue's interrupt; the interrupt core delivers it to the effective target
//     if the interrupt is started and the target online and reachable (the handler
//     then runs inline, as that CPU's interrupt), otherwise it is lost (a shut-down
//     managed interrupt goes to MANAGED_IRQ_SHUTDOWN_VECTOR, seed 002);
//   - the hotplug thread: the offline/online steps, which interleave with
//     everything else;
//   - with the Xen quirk, vCPU0 taking the spurious event of each bound channel.
//
// What only the hotplug thread writes (online flags, which interrupts are started
// and where, vector counts) is also tracked in Go while the steps are emitted, so
// the program stays small; everything the other threads read is shared memory.
//
// Variants, one file each, naming the kernel code they model:
//
//   - managed_411.go    per-target steering (cpu mod n) with managed interrupts
//   - blkmq_417.go      blk-mq's CPU → queue map from the masks; shutdown on offline
//   - drain_58.go       blk-mq hotplug drain: INACTIVE, retry, wait, shut down
//   - nonmanaged.go     interrupts migrate on offline and need vectors (seed 001)
//
// Mutants: "nonidempotent-handler" (every variant), "no-drain",
// "no-inactive-check", "reactivate-first" (drain-5.8). Build("drain-5.8+no-drain").
//
// Index:
//
//   - config.go     Config, Request, Step, parsing and validation
//   - scenario.go   Scenario, Build, Variants, markers, the builder and the probe state
//   - irq.go        device, delivery, handler, Xen bind event, managed offline/online
//   - check.go      Property, Violation, Check: P6–P10 over complete execution graphs
//   - verify.go     Verdict, Report, Verify (Holds only when the exploration completed),
//     Describe and FormatReport (the text the scenario scripts print)
//   - testdata/     datadriven scenario scripts with narrative and golden output
//
// The interrupt delivery path and the hotplug state machine are modeled at the level of
// the state they change, not with the code of the irq core (desc->lock, stop_machine);
// three full barriers (sites cpu_down:stop_machine(smp_mb), cpu_up:cpuhp(smp_mb),
// deliver:msi(smp_mb)) stand for the ordering that code gives. The blk-mq side carries
// the kernel's own annotations (set_bit + smp_mb__after_atomic() on INACTIVE,
// test_and_set_bit_lock as an acquire RMW, sbitmap_queue_clear's barriers), so a
// weak model's verdict on drain-5.8's store-buffering pair is about the kernel's code;
// verdicts that hinge on the irq core are only as good as those three barriers.
//
// DefaultConfig is the machine of the 2018 fix, b5b6e8c8d3b4 (Topology2018,
// Layout2018); docs/HISTORY.md cites the commits each variant models.
package hotplug
