package linearize

import (
	"testing"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"
)

// bruteForce decides linearizability of a history against the per-target FIFO by
// trying every order of its operations that respects real time (a before b when a
// returned before b was called), target by target.
func bruteForce(ops []porcupine.Operation) bool {
	for _, part := range partitionByTarget(ops) {
		if !bruteForcePart(part, make([]bool, len(part)), State(nil), len(part)) {
			return false
		}
	}
	return true
}

func bruteForcePart(ops []porcupine.Operation, used []bool, s State, left int) bool {
	if left == 0 {
		return true
	}
	for i := range ops {
		if used[i] || !minimal(ops, used, i) {
			continue
		}
		ok, next := Step(s, ops[i].Input.(Input), ops[i].Output.(Output))
		if !ok {
			continue
		}
		used[i] = true
		found := bruteForcePart(ops, used, next, left-1)
		used[i] = false
		if found {
			return true
		}
	}
	return false
}

// minimal reports whether no unused operation returned before ops[i] was called.
func minimal(ops []porcupine.Operation, used []bool, i int) bool {
	for j := range ops {
		if j != i && !used[j] && ops[j].Return < ops[i].Call {
			return false
		}
	}
	return true
}

// genHistory draws a small history over two targets: enqueues of distinct requests
// and dequeues of drawn requests (some never enqueued), with drawn intervals.
func genHistory(t *rapid.T) []porcupine.Operation {
	n := rapid.IntRange(0, 7).Draw(t, "ops")
	var ops []porcupine.Operation
	nextReq := 0
	for i := 0; i < n; i++ {
		call := rapid.Int64Range(0, 12).Draw(t, "call")
		ret := call + rapid.Int64Range(0, 6).Draw(t, "len")
		target := rapid.IntRange(0, 1).Draw(t, "target")
		if rapid.Bool().Draw(t, "enqueue") {
			ops = append(ops, porcupine.Operation{ClientId: i, Input: Input{Kind: Enqueue, Target: target, Req: nextReq},
				Output: Output{Req: -1}, Call: call, Return: ret})
			nextReq++
			continue
		}
		req := rapid.IntRange(0, 4).Draw(t, "req")
		ops = append(ops, porcupine.Operation{ClientId: i, Input: Input{Kind: Dequeue, Target: target},
			Output: Output{Req: req}, Call: call, Return: ret})
	}
	return ops
}

func TestFIFOModelAgreesWithBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ops := genHistory(t)
		want := bruteForce(ops)
		got := porcupine.CheckOperationsTimeout(FIFOModel(), ops, 0)
		if got == porcupine.Unknown {
			t.Fatalf("porcupine timed out on %d operations", len(ops))
		}
		if (got == porcupine.Ok) != want {
			for _, op := range ops {
				t.Logf("[%d,%d] %s", op.Call, op.Return, Describe(op.Input.(Input), op.Output.(Output)))
			}
			t.Fatalf("porcupine says %v, brute force says linearizable=%v", got, want)
		}
	})
}

func TestStepIsPure(t *testing.T) {
	s := State{1, 2}
	ok, n := Step(s, Input{Kind: Enqueue, Req: 3}, Output{Req: -1})
	if !ok || len(s) != 2 || n.String() != "[r1 r2 r3]" {
		t.Fatalf("enqueue: ok=%v s=%v n=%v", ok, s, n)
	}
	if ok, _ := Step(n, Input{Kind: Dequeue}, Output{Req: 2}); ok {
		t.Fatal("dequeue of r2 with r1 at the head is legal")
	}
	ok, n = Step(n, Input{Kind: Dequeue}, Output{Req: 1})
	if !ok || n.String() != "[r2 r3]" {
		t.Fatalf("dequeue: ok=%v n=%v", ok, n)
	}
}
