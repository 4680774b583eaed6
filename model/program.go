package model

import (
	"fmt"
	"strings"
)

// Value is the content of a shared location or a register. Pointers are modelled as
// indices into arrays of locations (a `struct virtio_scsi_vq *` is the queue's index).
type Value = int64

// LocID names one shared memory location of a Program (one element of an Array).
type LocID int32

// Location describes one shared memory location.
type Location struct {
	Name  string // "tgt0.reqs", or "vq_lock[1]" for an array element
	Array string // the array it belongs to ("vq_lock"); equal to Name for scalars
	Index int    // its index within the array
	Init  Value  // the value of the initial write
}

// Program is a bounded concurrent program: shared locations and threads of
// instructions. Build one with NewProgram, Var, Array and Thread; a Program is immutable
// once Seal (or the first exploration) has been called.
type Program struct {
	Name    string
	Locs    []Location
	Threads []*Thread
	arrays  []Array
	sealed  bool
	// symmetric holds the classes of interchangeable threads (Symmetric).
	symmetric [][]int
}

// NewProgram returns an empty program.
func NewProgram(name string) *Program { return &Program{Name: name} }

// Array is a contiguous group of shared locations, indexed by a value. A scalar
// variable is an Array of length one.
type Array struct {
	Name string
	Base LocID
	Len  int
}

// Var declares a shared scalar location with an initial value.
func (p *Program) Var(name string, init Value) Array {
	return p.ArrayOf(name, 1, init)
}

// ArrayOf declares n shared locations name[0..n-1], all with the same initial value.
func (p *Program) ArrayOf(name string, n int, init Value) Array {
	if p.sealed {
		panic("model: program is sealed")
	}
	if n < 1 {
		panic(fmt.Sprintf("model: array %s has length %d", name, n))
	}
	a := Array{Name: name, Base: LocID(len(p.Locs)), Len: n}
	for i := 0; i < n; i++ {
		ln := name
		if n > 1 {
			ln = fmt.Sprintf("%s[%d]", name, i)
		}
		p.Locs = append(p.Locs, Location{Name: ln, Array: name, Index: i, Init: init})
	}
	p.arrays = append(p.arrays, a)
	return a
}

// SetInit changes the initial value of one element.
func (p *Program) SetInit(a Array, i int, v Value) { p.Locs[int(a.Base)+i].Init = v }

// LocByName finds a location by its printed name.
func (p *Program) LocByName(name string) (LocID, bool) {
	for i, l := range p.Locs {
		if l.Name == name {
			return LocID(i), true
		}
	}
	return 0, false
}

// ArrayByName finds an array by name.
func (p *Program) ArrayByName(name string) (Array, bool) {
	for _, a := range p.arrays {
		if a.Name == name {
			return a, true
		}
	}
	return Array{}, false
}

// Arrays returns the declared arrays in declaration order.
func (p *Program) Arrays() []Array { return p.arrays }

// Addr is something that names a shared location: an Array (its element 0), or an
// element chosen by a constant or a register (Array.At, Array.Idx).
type Addr interface{ address() LocExpr }

// LocExpr is a location computed at run time: Base + Index, with 0 <= Index < Len.
// When Index reads registers, the access carries an address dependency on them.
type LocExpr struct {
	A     Array
	Index Expr // nil means element 0
}

func (a Array) address() LocExpr   { return LocExpr{A: a} }
func (l LocExpr) address() LocExpr { return l }

// At names element i of the array.
func (a Array) At(i int) LocExpr {
	if i < 0 || i >= a.Len {
		panic(fmt.Sprintf("model: %s[%d] out of range (len %d)", a.Name, i, a.Len))
	}
	return LocExpr{A: a, Index: Const(Value(i))}
}

// Idx names the element selected by an expression (an address dependency).
func (a Array) Idx(e any) LocExpr { return LocExpr{A: a, Index: E(e)} }

func (l LocExpr) String() string {
	if l.Index == nil {
		return l.A.Name
	}
	return fmt.Sprintf("%s[%s]", l.A.Name, l.Index)
}

// Thread creates a new thread. Kind is a free-form role ("cpu", "device", "irq") used
// by renderings; name is what traces and diagrams print.
func (p *Program) Thread(name, kind string) *Thread {
	if p.sealed {
		panic("model: program is sealed")
	}
	t := &Thread{ID: len(p.Threads), Name: name, Kind: kind, prog: p}
	p.Threads = append(p.Threads, t)
	return t
}

// Seal finishes the program: resolves jumps and freezes it. Explore calls it.
func (p *Program) Seal() *Program {
	if p.sealed {
		return p
	}
	p.sealed = true
	return p
}

// String prints the program as pseudo-C, one thread after the other.
func (p *Program) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "program %s\n", p.Name)
	for _, l := range p.Locs {
		fmt.Fprintf(&b, "  %s = %d\n", l.Name, l.Init)
	}
	for _, t := range p.Threads {
		fmt.Fprintf(&b, "thread %s (%s)\n", t.Name, t.Kind)
		for pc, in := range t.Code {
			fmt.Fprintf(&b, "  %3d  %s\n", pc, in.String(t))
		}
	}
	return b.String()
}
