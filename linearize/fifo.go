package linearize

import (
	"fmt"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Kind says what an operation does to a target's queue.
type Kind uint8

// Operation kinds.
const (
	Enqueue Kind = iota // a request submitted to the target (queuecommand)
	Dequeue             // the device consumed a request of the target
)

func (k Kind) String() string {
	if k == Enqueue {
		return "enqueue"
	}
	return "dequeue"
}

// Input is the input of one operation of the history.
type Input struct {
	Kind   Kind
	Target int
	Req    int // the request enqueued; unused for a dequeue
}

// Output is the output of one operation: for a dequeue, the request the device
// consumed; Req is -1 for an enqueue.
type Output struct {
	Req int
}

// State is the sequential FIFO of one target: the requests enqueued and not yet
// dequeued, oldest first. A State is never modified in place.
type State []int

// Step applies one operation to s. It reports whether the operation is legal (a
// dequeue must return the oldest request) and the state after it.
func Step(s State, in Input, out Output) (bool, State) {
	if selfTestMutation == mutAnyDequeue && in.Kind == Dequeue {
		return true, s // broken on purpose: a dequeue may return anything
	}
	switch in.Kind {
	case Enqueue:
		n := make(State, len(s)+1)
		copy(n, s)
		n[len(s)] = in.Req
		return true, n
	case Dequeue:
		if len(s) == 0 || s[0] != out.Req {
			return false, s
		}
		return true, s[1:]
	}
	return false, s
}

func (s State) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = fmt.Sprintf("r%d", r)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Describe is a short text for an operation: "enqueue r1 (target 0)" or
// "dequeue → r2 (target 0)".
func Describe(in Input, out Output) string {
	if in.Kind == Enqueue {
		return fmt.Sprintf("enqueue r%d (target %d)", in.Req, in.Target)
	}
	return fmt.Sprintf("dequeue → r%d (target %d)", out.Req, in.Target)
}

// FIFOModel is the sequential specification of P1 as a porcupine model: one FIFO per
// target, the history partitioned by target, states hashed and compared by content.
func FIFOModel() porcupine.Model {
	return porcupine.Model{
		Partition: partitionByTarget,
		Init:      func() interface{} { return State(nil) },
		Step: func(state, input, output interface{}) (bool, interface{}) {
			ok, next := Step(state.(State), input.(Input), output.(Output))
			return ok, next
		},
		Equal: func(a, b interface{}) bool { return equalStates(a.(State), b.(State)) },
		Hash:  func(state interface{}) uint64 { return hashState(state.(State)) },
		DescribeOperation: func(input, output interface{}) string {
			return Describe(input.(Input), output.(Output))
		},
		DescribeState: func(state interface{}) string { return state.(State).String() },
		DescribeOperationMetadata: func(info interface{}) string {
			switch m := info.(type) {
			case string:
				return m
			case fmt.Stringer:
				return m.String()
			}
			return ""
		},
	}
}

// hashState is FNV-1a over the requests of s, eight bytes each.
func hashState(s State) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, r := range s {
		v := uint64(r)
		for i := 0; i < 8; i++ {
			h ^= v & 0xff
			h *= prime
			v >>= 8
		}
	}
	return h
}

func equalStates(a, b State) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// partitionByTarget splits a history into one sub-history per target, in target
// order, each keeping the operations' relative order.
func partitionByTarget(history []porcupine.Operation) [][]porcupine.Operation {
	var byTarget [][]porcupine.Operation
	for _, op := range history {
		t := op.Input.(Input).Target
		for t >= len(byTarget) {
			byTarget = append(byTarget, nil)
		}
		byTarget[t] = append(byTarget[t], op)
	}
	out := byTarget[:0]
	for _, ops := range byTarget {
		if ops != nil {
			out = append(out, ops)
		}
	}
	return out
}

// selfTestMutation, set only by tests (export_test.go), breaks the FIFO model on
// purpose so the tests can show their properties catch a broken checker.
var selfTestMutation int

const mutAnyDequeue = 1
