package steering

import "github.com/steercheck/steercheck/model"

// CriticalSections slices p (the scenario's program, possibly edited by ablation) to its
// submitting CPUs' steering critical sections, markers dropped: the part of a scenario
// that fits the litmus format (litmus.Export).
func (s *Scenario) CriticalSections(p *model.Program, name string) *model.Program {
	var threads, cuts []int
	for t, info := range s.Threads {
		if info.Role != RoleCPU {
			continue
		}
		threads, cuts = append(threads, t), append(cuts, criticalSectionEnd(p.Threads[t].Code))
	}
	return p.Slice(name, threads, cuts)
}

// criticalSectionEnd is where a CPU thread's steering critical section ends: at its
// first "steer" marker, or, when a lock is still held there (the queue was read under
// tgt_lock), just after the unlock that releases it.
func criticalSectionEnd(code []model.Instr) int {
	held := 0
	for pc, in := range code {
		switch in.Op {
		case model.OpLock:
			held++
		case model.OpUnlock:
			held--
		case model.OpMark:
			if in.Marker != MarkSteer {
				continue
			}
			if held == 0 {
				return pc
			}
			for q := pc + 1; q < len(code); q++ {
				if code[q].Op == model.OpUnlock {
					held--
					if held == 0 {
						return q + 1
					}
				}
			}
			return pc
		}
	}
	return -1
}
