package hotplug

import "github.com/steercheck/steercheck/model"

// nonmanaged: the baseline before managed interrupts (virtio-scsi up to v4.10 with
// virtqueue_set_affinity() hints; any driver that spreads with affinity hints, seed
// 001's i40e). Queues come from the same CPU → queue map, but the interrupts are
// ordinary ones: when their CPU goes offline they are moved to a remaining online CPU,
// which needs a free vector there:
//
//	arch/x86/kernel/irq.c    fixup_irqs() / irq_migrate_all_off_this_cpu():
//	                         migrate_one_irq() breaks affinity to the online CPUs
//	arch/x86/kernel/apic/vector.c lapic_can_unplug_cpu(): if the remaining CPUs have
//	                         no room for the vectors to move, cpu_down() fails
//	                         with -ENOSPC (the CPU stays online)
//	kernel/irq/matrix.c      irq_matrix_alloc(): the least loaded CPU is picked
//
// The hotplug thread alone changes the vector counts, so they are tracked in Go as
// the steps are emitted; a failed offline is an "offline-fail" marker and the CPU
// stays online. Managed variants reserve their vectors on every CPU of the mask at
// probe and shut down instead of moving, so they never run out (P10).
func init() {
	register("nonmanaged", &variant{
		kernel:  "migrate_one_irq() + lapic_can_unplug_cpu() with non-managed interrupts (≤ v4.10)",
		managed: false,
		mutants: []string{"nonidempotent-handler"},
		build:   buildNonManaged,
	})
}

func buildNonManaged(b *builder) {
	l := &b.sc.L
	b.threads(b.blkmqSubmit, func(t *model.Thread, s Step) {
		if s.Online {
			if b.online.Has(s.CPU) { // an earlier offline of it failed
				return
			}
			t.Source("cpu_up (kernel/cpu.c)")
			t.Site("cpu_up:set_cpu_online(true)").WriteOnce(l.Online.At(s.CPU), 1) // set_cpu_online(cpu, true)
			t.Mark(MarkOnline, s.CPU)
			b.online.Set(s.CPU)
			b.vectors[s.CPU] = b.sc.Config.VectorBase
			return
		}
		if !b.online.Has(s.CPU) {
			return
		}
		t.Source("cpu_down → lapic_can_unplug_cpu, fixup_irqs → migrate_one_irq (arch/x86/kernel)")
		// lapic_can_unplug_cpu(): plan the moves on a copy first.
		b.online.Clear(s.CPU)
		saved := append([]int(nil), b.vectors...)
		type move struct{ q, to int }
		var moves []move
		for q := range b.irqCPU {
			if b.irqCPU[q] != s.CPU {
				continue
			}
			to, ok := b.leastLoaded()
			if !ok {
				b.online.Set(s.CPU)
				copy(b.vectors, saved)
				t.Mark(MarkNoVector, s.CPU, q)
				return
			}
			b.vectors[to]++
			moves = append(moves, move{q, to})
		}
		b.vectors[s.CPU] = 0
		t.Site("cpu_down:set_cpu_online(false)").WriteOnce(l.Online.At(s.CPU), 0) // set_cpu_online(cpu, false)
		t.Mark(MarkOffline, s.CPU)
		for _, m := range moves {
			t.Site("migrate_one_irq:irq_do_set_affinity(irq_cpu)").WriteOnce(l.IRQCPU.At(m.q), m.to) // irq_do_set_affinity()
			t.Mark(MarkMove, m.q, s.CPU, m.to)
			b.irqCPU[m.q] = m.to
		}
	})
}
