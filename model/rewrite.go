package model

// Rewrite returns a new program over the same locations and threads in which each
// instruction is replaced by what f returns for it: itself, nothing (removed), or
// several instructions (an insertion). Jumps keep their meaning: a jump to a
// replaced instruction goes to the first of its replacements, or to what follows when
// it was removed. f must not return jumps of its own. It is how ablation removes,
// weakens and inserts barriers.
func (p *Program) Rewrite(name string, f func(t *Thread, pc int, in Instr) []Instr) *Program {
	q := &Program{Name: name, Locs: append([]Location(nil), p.Locs...), arrays: append([]Array(nil), p.arrays...)}
	for _, src := range p.Threads {
		repl := make([][]Instr, len(src.Code))
		// newIndex[pc] is where old instruction pc (or the next kept one) lands.
		newIndex := make([]int, len(src.Code)+1)
		n := 0
		for pc := range src.Code {
			newIndex[pc] = n
			repl[pc] = f(src, pc, src.Code[pc])
			n += len(repl[pc])
		}
		newIndex[len(src.Code)] = n
		t := &Thread{ID: src.ID, Name: src.Name, Kind: src.Kind, prog: q, RegNames: append([]string(nil), src.RegNames...)}
		for pc := range src.Code {
			for _, in := range repl[pc] {
				if in.Op == OpBranchFalse || in.Op == OpJump {
					in.Target = newIndex[in.Target]
					in.Join = newIndex[in.Join]
				}
				t.Code = append(t.Code, in)
			}
		}
		q.Threads = append(q.Threads, t)
	}
	return q.Seal()
}
