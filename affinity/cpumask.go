package affinity

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MaxCPUs is the number of CPU ids a CPUMask can hold (ids 0..MaxCPUs-1). It plays
// the role of the kernel's NR_CPUS; a Topology with more CPUs is rejected.
const MaxCPUs = 256

const maskWords = MaxCPUs / 64

// CPUMask is a set of CPU ids, the model of the kernel's struct cpumask.
//
// It is a small value type: assignment copies it, == compares two masks, and it can
// be used as a map key (handy for hashing model states). The zero value is the empty
// mask.
type CPUMask struct {
	w [maskWords]uint64
}

// MaskOf returns the mask holding exactly the given CPU ids. It panics if an id is
// outside [0, MaxCPUs), like Set.
func MaskOf(cpus ...int) CPUMask {
	var m CPUMask
	for _, c := range cpus {
		m.Set(c)
	}
	return m
}

// MaskRange returns the mask holding the CPU ids lo..hi inclusive (empty if hi < lo).
func MaskRange(lo, hi int) CPUMask {
	var m CPUMask
	for c := lo; c <= hi; c++ {
		m.Set(c)
	}
	return m
}

// Has reports whether cpu is in the mask. Ids outside [0, MaxCPUs) are never in a mask.
func (m CPUMask) Has(cpu int) bool {
	if cpu < 0 || cpu >= MaxCPUs {
		return false
	}
	return m.w[cpu/64]&(1<<(cpu%64)) != 0
}

// Set adds cpu to the mask (cpumask_set_cpu). An id outside [0, MaxCPUs) is a
// programming error and panics; Spread and friends validate their input first, so
// they never reach this panic.
func (m *CPUMask) Set(cpu int) {
	if cpu < 0 || cpu >= MaxCPUs {
		panic(fmt.Sprintf("affinity: CPU id %d out of range [0,%d)", cpu, MaxCPUs))
	}
	m.w[cpu/64] |= 1 << (cpu % 64)
}

// Clear removes cpu from the mask (cpumask_clear_cpu). Ids outside the range are
// ignored, since they cannot be in the mask.
func (m *CPUMask) Clear(cpu int) {
	if cpu < 0 || cpu >= MaxCPUs {
		return
	}
	m.w[cpu/64] &^= 1 << (cpu % 64)
}

// Count returns the number of CPUs in the mask (cpumask_weight).
func (m CPUMask) Count() int {
	n := 0
	for _, w := range m.w {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether the mask holds no CPU (cpumask_empty).
func (m CPUMask) IsEmpty() bool {
	return m == CPUMask{}
}

// First returns the lowest CPU id in the mask, or -1 if it is empty (cpumask_first,
// with -1 standing for the kernel's "nr_cpu_ids").
func (m CPUMask) First() int {
	for i, w := range m.w {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// Cpus returns the CPU ids in the mask in increasing order (for_each_cpu).
func (m CPUMask) Cpus() []int {
	out := make([]int, 0, m.Count())
	for i, w := range m.w {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, i*64+b)
			w &^= 1 << b
		}
	}
	return out
}

// Or returns the union of m and o (cpumask_or).
func (m CPUMask) Or(o CPUMask) CPUMask {
	for i := range m.w {
		m.w[i] |= o.w[i]
	}
	return m
}

// And returns the intersection of m and o (cpumask_and).
func (m CPUMask) And(o CPUMask) CPUMask {
	for i := range m.w {
		m.w[i] &= o.w[i]
	}
	return m
}

// AndNot returns the CPUs of m that are not in o (cpumask_andnot).
func (m CPUMask) AndNot(o CPUMask) CPUMask {
	for i := range m.w {
		m.w[i] &^= o.w[i]
	}
	return m
}

// Intersects reports whether m and o share a CPU (cpumask_intersects).
func (m CPUMask) Intersects(o CPUMask) bool {
	return !m.And(o).IsEmpty()
}

// String renders the mask as a brace-enclosed, comma-separated list of CPU ids in
// increasing order: "{0,1}", "{}" for the empty mask.
func (m CPUMask) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range m.Cpus() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(c))
	}
	b.WriteByte('}')
	return b.String()
}

// List renders the mask in the kernel's cpulist format, the one used by
// /proc/irq/N/smp_affinity_list and /sys/devices/system/cpu/present: runs of
// consecutive ids collapse to "lo-hi", e.g. "0-3,6". The empty mask renders as "".
func (m CPUMask) List() string {
	cpus := m.Cpus()
	var parts []string
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(cpus[i]))
		} else {
			parts = append(parts, strconv.Itoa(cpus[i])+"-"+strconv.Itoa(cpus[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// ParseCPUList parses the kernel's cpulist format ("0-3,6", "" or "none" for the
// empty mask) and also accepts the brace form that String produces ("{0,1}").
// Errors are one line and name the offending piece.
func ParseCPUList(s string) (CPUMask, error) {
	var m CPUMask
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		s = s[1 : len(s)-1]
	}
	if s == "" || s == "none" {
		return m, nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parseCPUID(lo, s)
		if err != nil {
			return CPUMask{}, err
		}
		b := a
		if isRange {
			if b, err = parseCPUID(hi, s); err != nil {
				return CPUMask{}, err
			}
			if b < a {
				return CPUMask{}, fmt.Errorf("affinity: CPU list %q: range %q runs backwards", s, part)
			}
		}
		for c := a; c <= b; c++ {
			m.Set(c)
		}
	}
	return m, nil
}

func parseCPUID(tok, list string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(tok))
	if err != nil {
		return 0, fmt.Errorf("affinity: CPU list %q: %q is not a CPU id", list, tok)
	}
	if n < 0 || n >= MaxCPUs {
		return 0, fmt.Errorf("affinity: CPU list %q: CPU id %d out of range [0,%d)", list, n, MaxCPUs)
	}
	return n, nil
}

// takeFirst moves up to n CPUs from the front of *from into a new mask and returns
// it. With no SMT sibling information this is exactly what the kernel's
// irq_spread_init_one() / grp_spread_init_one() do: repeatedly take cpumask_first()
// of the node's remaining CPUs. (Their "use the siblings first" loop only changes
// the result when topology_sibling_cpumask() names other CPUs, which this package
// does not model; see the package documentation.)
func takeFirst(from *CPUMask, n int) CPUMask {
	var out CPUMask
	for ; n > 0; n-- {
		c := from.First()
		if c < 0 {
			break // the kernel's "should not happen" early return
		}
		from.Clear(c)
		out.Set(c)
	}
	return out
}
