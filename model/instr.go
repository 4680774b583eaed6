package model

import (
	"fmt"
	"strings"
)

// OpCode is the operation of an instruction.
type OpCode uint8

// Instructions. Only OpLoad, OpStore, OpRMW, OpFence, OpLock, OpUnlock, OpTrylock and
// OpMark produce events; the others are thread-local.
const (
	OpAssign      OpCode = iota // Dst = Val
	OpLoad                      // Dst = *Loc
	OpStore                     // *Loc = Val
	OpRMW                       // Dst = rmw(*Loc, Val, Val2)
	OpFence                     // a barrier
	OpBranchFalse               // if !Cond goto Target; the if's blocks end at Join
	OpJump                      // goto Target
	OpAwaitBegin                // start of a spin-wait iteration
	OpAwaitCheck                // end of a spin-wait iteration: blocked unless Cond
	OpLock                      // spin_lock(Loc): blocked while *Loc != 0, then *Loc = 1
	OpUnlock                    // spin_unlock(Loc): *Loc = 0 with release
	OpTrylock                   // Dst = spin_trylock(Loc)
	OpMark                      // a logical action for the properties
	OpBound                     // a loop ran out of its bound: the execution is cut
)

// RMWKind says how a read-modify-write computes the value it writes.
type RMWKind uint8

// Read-modify-write operations.
const (
	RMWAdd       RMWKind = iota // old + Val
	RMWXchg                     // Val
	RMWCmpxchg                  // Val2 if old == Val, else no write
	RMWAnd                      // old & Val
	RMWOr                       // old | Val
	RMWAddUnless                // old + Val, unless old == Val2: then no write
)

// Instr is one instruction of a thread.
type Instr struct {
	Op        OpCode
	Dst       int // register written, or -1
	Loc       LocExpr
	Val, Val2 Expr
	Cond      Expr
	Target    int
	// Join is, for OpBranchFalse, the first instruction after the whole if statement
	// (both blocks): where the control dependency it creates ends under herd7's C
	// semantics (Event.Ctrl). Loop marks the exit test of a loop instead, whose
	// dependency never ends (see Thread.While).
	Join      int
	Loop      bool
	RMW       RMWKind
	ReturnNew bool // an *_return RMW yields the new value; xchg, cmpxchg and fetch_* the old
	Ann       Ann
	Fence     FenceKind
	Site      string // the name of the ordering annotation this instruction is, if any
	// Idle marks an OpAwaitBegin at which a blocked thread waits for work (a device or
	// interrupt thread with nothing to do): it is idle, not hung. A flag on the
	// instruction, so it survives rewriting (Program.Rewrite).
	Idle   bool
	Marker string
	Args   []Expr
	// Src is the kernel source this instruction models, as "function (file:line)" or
	// just "function"; empty when the model does not say (Thread.Source sets it).
	// Traces print it beside the event.
	Src string
}

// String prints the instruction as pseudo-C.
func (in *Instr) String(t *Thread) string {
	dst := ""
	if in.Dst >= 0 {
		dst = Reg{ID: in.Dst}.fmt(t) + " = "
	}
	site := ""
	if in.Site != "" {
		site = "   /* " + in.Site + " */"
	}
	loc := func() string {
		if in.Loc.Index == nil {
			return in.Loc.A.Name
		}
		return fmt.Sprintf("%s[%s]", in.Loc.A.Name, in.Loc.Index.fmt(t))
	}
	switch in.Op {
	case OpAssign:
		return dst + in.Val.fmt(t)
	case OpLoad:
		return fmt.Sprintf("%sload<%s>(%s)%s", dst, in.Ann, loc(), site)
	case OpStore:
		return fmt.Sprintf("store<%s>(%s, %s)%s", in.Ann, loc(), in.Val.fmt(t), site)
	case OpRMW:
		args := in.Val.fmt(t)
		if in.Val2 != nil {
			args += ", " + in.Val2.fmt(t)
		}
		return fmt.Sprintf("%srmw%d<%s>(%s, %s)%s", dst, in.RMW, in.Ann, loc(), args, site)
	case OpFence:
		if in.Fence.HasLoc() {
			return in.Fence.String() + "(" + loc() + ")" + site
		}
		return in.Fence.String() + "()" + site
	case OpBranchFalse:
		return fmt.Sprintf("if !%s goto %d", in.Cond.fmt(t), in.Target)
	case OpJump:
		return fmt.Sprintf("goto %d", in.Target)
	case OpAwaitBegin:
		return "await {"
	case OpAwaitCheck:
		return fmt.Sprintf("} until %s", in.Cond.fmt(t))
	case OpLock:
		return fmt.Sprintf("spin_lock(%s)%s", loc(), site)
	case OpUnlock:
		return fmt.Sprintf("spin_unlock(%s)%s", loc(), site)
	case OpTrylock:
		return fmt.Sprintf("%sspin_trylock(%s)%s", dst, loc(), site)
	case OpMark:
		var as []string
		for _, a := range in.Args {
			as = append(as, a.fmt(t))
		}
		return fmt.Sprintf("mark %s(%s)", in.Marker, strings.Join(as, ", "))
	case OpBound:
		return "loop bound exceeded"
	}
	return "?"
}
