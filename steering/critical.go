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

// criticalSectionEnd is where a CPU thread's steering critical section ends: after the
// if/else that holds its first "steer" marker (every branch chooses a queue: cutting at
// the marker itself would drop the branches after it), or at that marker when no if
// holds it; and when a lock is still held there (the queue was read under tgt_lock),
// just after the unlock that releases it.
func criticalSectionEnd(code []model.Instr) int {
	first := -1
	for pc, in := range code {
		if in.Op == model.OpMark && in.Marker == MarkSteer {
			first = pc
			break
		}
	}
	if first < 0 {
		return -1
	}
	end := first
	for pc := 0; pc < first; pc++ {
		if in := code[pc]; in.Op == model.OpBranchFalse && in.Join > first && in.Join > end {
			end = in.Join
		}
	}
	held := 0
	for _, in := range code[:end] {
		switch in.Op {
		case model.OpLock:
			held++
		case model.OpUnlock:
			held--
		}
	}
	if held <= 0 {
		return end
	}
	for q := end; q < len(code); q++ {
		if code[q].Op == model.OpUnlock {
			held--
			if held == 0 {
				return q + 1
			}
		}
	}
	return end
}
