package model

// Slice returns a new program over the same locations with only the given threads,
// each cut just before instruction cuts[i] (or whole when cuts[i] < 0), and without
// marker instructions. Jumps past the cut go to the new end; jumps to a removed marker
// go to the instruction after it. It is how a scenario's critical section becomes a
// program that fits the litmus format.
func (p *Program) Slice(name string, threads []int, cuts []int) *Program {
	q := &Program{Name: name, Locs: append([]Location(nil), p.Locs...), arrays: append([]Array(nil), p.arrays...)}
	for i, ti := range threads {
		src := p.Threads[ti]
		end := len(src.Code)
		if cuts[i] >= 0 && cuts[i] < end {
			end = cuts[i]
		}
		// newIndex[pc] is where old instruction pc (or the next kept one) lands.
		newIndex := make([]int, end+1)
		n := 0
		for pc := 0; pc < end; pc++ {
			newIndex[pc] = n
			if src.Code[pc].Op != OpMark {
				n++
			}
		}
		newIndex[end] = n
		t := &Thread{ID: i, Name: src.Name, Kind: src.Kind, prog: q, RegNames: append([]string(nil), src.RegNames...)}
		for pc := 0; pc < end; pc++ {
			in := src.Code[pc]
			if in.Op == OpMark {
				continue
			}
			if in.Op == OpBranchFalse || in.Op == OpJump {
				in.Target = newIndex[min(in.Target, end)]
				in.Join = newIndex[min(in.Join, end)]
			}
			t.Code = append(t.Code, in)
		}
		q.Threads = append(q.Threads, t)
	}
	return q.Seal()
}
