package litmus

import (
	"fmt"
	"strings"
)

// herd7.go says which tests herd7 runs with the kernel's current model
// (`herd7 -conf linux-kernel.cfg`, herdtools7 7.58): the rules its C parser and
// linux-kernel.def impose beyond what Parse accepts. Export checks its output against
// them, and the tests check every file of docs/litmus/ (and that the kernel's own
// tests pass, which herd7 runs).

// herd7Macros are the names linux-kernel.def defines (the kernel's current model,
// tools/memory-model, 2025 mainline): the only calls herd7 knows. The list holds
// names only; TestHerd7MacrosMatchTheKernelDef compares it with the .def when
// ../shared/litmus/lkmm-model/ is there.
var herd7Macros = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
		READ_ONCE WRITE_ONCE smp_store_release smp_load_acquire rcu_assign_pointer
		rcu_dereference smp_store_mb
		smp_mb smp_rmb smp_wmb smp_mb__before_atomic smp_mb__after_atomic
		smp_mb__after_spinlock smp_mb__after_unlock_lock smp_mb__after_srcu_read_unlock barrier
		spin_lock spin_unlock spin_trylock spin_is_locked
		rcu_read_lock rcu_read_unlock synchronize_rcu synchronize_rcu_expedited
		srcu_read_lock srcu_read_unlock srcu_down_read srcu_up_read
		synchronize_srcu synchronize_srcu_expedited
		atomic_read atomic_set atomic_read_acquire atomic_set_release
		atomic_add atomic_sub atomic_and atomic_or atomic_xor atomic_inc atomic_dec atomic_andnot
		atomic_sub_and_test atomic_dec_and_test atomic_inc_and_test atomic_add_unless`) {
		m[n] = true
	}
	orders := []string{"", "_relaxed", "_acquire", "_release"}
	for _, base := range []string{"xchg", "cmpxchg", "atomic_xchg", "atomic_cmpxchg",
		"atomic_add_return", "atomic_sub_return", "atomic_inc_return", "atomic_dec_return",
		"atomic_fetch_add", "atomic_fetch_sub", "atomic_fetch_inc", "atomic_fetch_dec",
		"atomic_fetch_and", "atomic_fetch_or", "atomic_fetch_xor", "atomic_fetch_andnot",
		"atomic_add_negative"} {
		for _, o := range orders {
			m[base+o] = true
		}
	}
	return m
}()

// herd7Keywords are the words herd7's C lexer reserves (lib/CLexer.mll): types, C11
// atomics and mutexes, its internal primitives and statements. None can name a
// location, a parameter or a register; nor can "P" followed by digits (a thread).
var herd7Keywords = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
		volatile const _Atomic atomic char int long struct void if else while regions
		int8_t uint8_t int16_t uint16_t int32_t uint32_t int64_t uint64_t
		__int128_t __uint128_t __int128 __uint128 intptr_t uintptr_t
		mtx_t spinlock_t atomic_t atomic_int srcu_struct
		atomic_fetch_add_explicit atomic_fetch_sub_explicit atomic_fetch_or_explicit
		atomic_fetch_xor_explicit atomic_fetch_and_explicit
		memory_order_acquire memory_order_release memory_order_acq_rel memory_order_seq_cst
		memory_order_relaxed memory_order_consume
		atomic_thread_fence atomic_load_explicit atomic_store_explicit atomic_exchange_explicit
		lock mtx_lock unlock mtx_unlock WCAS SCAS
		atomic_compare_exchange_weak atomic_compare_exchange_strong
		atomic_compare_exchange_weak_explicit atomic_compare_exchange_strong_explicit
		__fence __load __store __srcu __xchg __cmpxchg __lock __trylock __islocked __unlock
		__atomic_op __atomic_op_return __atomic_fetch_op __atomic_add_unless`) {
		m[n] = true
	}
	return m
}()

// herd7Reserved reports whether herd7 cannot read name as a name.
func herd7Reserved(name string) bool {
	if herd7Keywords[name] {
		return true
	}
	if len(name) > 1 && name[0] == 'P' {
		for _, c := range name[1:] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// herd7Binary are the binary operators of herd7's C expressions. It has no "%", "<<",
// ">>", "&&" or "||"; its comparisons do not chain without parentheses.
var herd7Binary = map[BinaryOp]bool{
	OpMul: true, OpDiv: true, OpAdd: true, OpSub: true, OpBitAnd: true, OpBitOr: true, OpXor: true,
	OpEq: true, OpNe: true, OpLt: true, OpLe: true, OpGt: true, OpGe: true,
}

// CheckHerd7 reports the first thing in t that herd7 with the kernel's current model
// rejects, as a *ParseError at it; nil when it finds none. The rules:
//   - every call names a macro of linux-kernel.def (smp_read_barrier_depends, for
//     one, is gone since Linux 4.15);
//   - expressions use herd7's operators only: no "!", "~", "%", "<<", ">>", "&&" or
//     "||", and "-" in front of an integer only;
//   - no block is empty ("if (r0) { }" is a syntax error to herd7) and no thread
//     body either;
//   - the initial state declares no spinlock_t ("Cannot find the size of type
//     spinlock_t"): a lock is a thread parameter only, as in the kernel's tests;
//   - no location, parameter or local is named with a word herd7's C lexer reserves
//     ("lock", "atomic", "P1", ...).
//
// The tree does not record parentheses, so a chain of comparisons ("a < b == c",
// which herd7 rejects) goes unnoticed; Export parenthesises every operand that is an
// operation.
func CheckHerd7(t *Test) error {
	fail := func(p Pos, format string, args ...any) error {
		return &ParseError{File: t.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
	}
	for _, d := range t.Init {
		if d.Type.Name == "spinlock_t" && d.Type.Ptr == 0 {
			return fail(d.Pos, "herd7 cannot size spinlock_t %s: declare a lock as a thread parameter only", d.Loc)
		}
		if herd7Reserved(d.Loc.Name) {
			return fail(d.Pos, "%s is a word herd7's C reserves", d.Loc.Name)
		}
	}
	for _, th := range t.Threads {
		if len(th.Body) == 0 {
			return fail(th.Pos, "herd7 rejects the empty body of P%d", th.ID)
		}
		for _, p := range th.Params {
			if herd7Reserved(p.Name) {
				return fail(p.Pos, "%s is a word herd7's C reserves", p.Name)
			}
		}
		var err error
		for _, s := range th.Body {
			Inspect(s, func(n Node) bool {
				if err == nil {
					err = herd7Node(n, fail)
				}
				return err == nil
			})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// herd7Node checks one node of a thread body for CheckHerd7.
func herd7Node(n Node, fail func(Pos, string, ...any) error) error {
	switch n := n.(type) {
	case *Ident:
		if herd7Reserved(n.Name) {
			return fail(n.Pos, "%s is a word herd7's C reserves", n.Name)
		}
	case *DeclStmt:
		if herd7Reserved(n.Name) {
			return fail(n.Pos, "%s is a word herd7's C reserves", n.Name)
		}
	case *CallExpr:
		if !herd7Macros[n.Func] {
			return fail(n.Pos, "%s is no macro of the kernel's linux-kernel.def", n.Func)
		}
		if p, ok := LookupPrimitive(n.Func); ok && len(n.Args) != p.Arity {
			return fail(n.Pos, "%s takes %d argument(s), got %d", n.Func, p.Arity, len(n.Args))
		}
	case *BinaryExpr:
		if !herd7Binary[n.Op] {
			return fail(n.Pos, "herd7's C has no operator %s", n.Op)
		}
	case *UnaryExpr:
		if _, lit := n.X.(*IntLit); n.Op != OpNeg || !lit {
			return fail(n.Pos, "herd7's C has no unary %s (only a negative integer)", n.Op)
		}
	case *BlockStmt:
		if len(n.Stmts) == 0 {
			return fail(n.Pos, "herd7 rejects an empty block")
		}
	}
	return nil
}

// CheckDeclarations reports the first declaration of t that is not used, or use that
// is not declared, as a *ParseError; nil when everything declared is used and
// everything used is declared. The rules (the kernel's tests keep them; herd7 would
// accept less, but a reader should not have to wonder what an unused name is for):
//   - every local a thread declares appears in its body;
//   - every parameter appears in its thread's body, and is a location of the initial
//     state unless it is a spinlock_t or a struct srcu_struct (herd7 gives neither a
//     declaration);
//   - every location of the initial state is a parameter of some thread;
//   - every register the condition, filter or locations list names is declared by its
//     thread, and every shared location they name is declared or a lock parameter.
func CheckDeclarations(t *Test) error {
	fail := func(p Pos, format string, args ...any) error {
		return &ParseError{File: t.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
	}
	declared := map[string]bool{}
	for _, d := range t.Init {
		if !d.Loc.IsReg() {
			declared[d.Loc.Name] = true
		}
	}
	params := map[string]bool{}
	locals := make([]map[string]bool, len(t.Threads))
	for i, th := range t.Threads {
		used := map[string]bool{}
		for _, s := range th.Body {
			Inspect(s, func(n Node) bool {
				if id, ok := n.(*Ident); ok {
					used[id.Name] = true
				}
				return true
			})
		}
		locals[i] = map[string]bool{}
		for _, s := range th.Body {
			d, ok := s.(*DeclStmt)
			if !ok {
				continue
			}
			if !used[d.Name] {
				return fail(d.Pos, "P%d declares %s and never uses it", th.ID, d.Name)
			}
			locals[i][d.Name] = true
		}
		for _, p := range th.Params {
			if !used[p.Name] {
				return fail(p.Pos, "P%d's parameter %s is never used", th.ID, p.Name)
			}
			if !declared[p.Name] && p.Type.Name != "spinlock_t" && p.Type.Name != "struct srcu_struct" {
				return fail(p.Pos, "P%d's parameter %s is no location of the initial state", th.ID, p.Name)
			}
			params[p.Name] = true
		}
	}
	for _, d := range t.Init {
		if !d.Loc.IsReg() && !params[d.Loc.Name] {
			return fail(d.Pos, "the initial state declares %s and no thread uses it", d.Loc.Name)
		}
	}
	var err error
	checkLoc := func(p Pos, l Loc) {
		switch {
		case err != nil:
		case l.IsReg() && (l.Thread >= len(t.Threads) || !locals[l.Thread][l.Name]):
			err = fail(p, "%s names no register P%d declares", l, l.Thread)
		case !l.IsReg() && !params[l.Name]:
			err = fail(p, "%s names no location a thread uses", l)
		}
	}
	for _, l := range t.Locations {
		checkLoc(Pos{}, l)
	}
	for _, pr := range []Prop{t.Filter, condProp(t.Cond)} {
		if pr == nil {
			continue
		}
		Inspect(pr, func(n Node) bool {
			if a, ok := n.(*AtomProp); ok {
				checkLoc(a.Pos, a.Loc)
				if a.Value.Kind == ValueLoc {
					checkLoc(a.Pos, a.Value.Loc)
				}
			}
			return err == nil
		})
	}
	return err
}

// condProp is the proposition of c, nil when there is none.
func condProp(c *Condition) Prop {
	if c == nil {
		return nil
	}
	return c.Prop
}
