package steering

import "github.com/steercheck/steercheck/model"

// This file is the catalogue of what Build can build: the variants, in history
// order, and the mutants seeded into them.

// Variant is one historical version of the steering code.
type Variant struct {
	Name   string // "v3.10"
	Kernel string // the kernel version (or patch) it models
	Doc    string // one paragraph: what changed, what it relies on

	perTarget func(*builder)                              // declares tgt_lock or tgt_seq
	submit    func(*builder, *model.Thread, RequestInfo)  // queuecommand for one request
	complete  func(b *builder, t *model.Thread, q, j int) // virtscsi_req_done for buffer j of queue q
}

// Variants lists the modelled versions in history order.
func Variants() []Variant {
	return []Variant{variantSingle, variantV2, variantV310, variantV317, variantV319}
}

// VariantNames lists the variant names in history order.
func VariantNames() []string {
	var out []string
	for _, v := range Variants() {
		out = append(out, v.Name)
	}
	return out
}

func lookupVariant(name string) (Variant, bool) {
	for _, v := range Variants() {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

// declareTgtLock declares spinlock_t tgt_lock per target (spin_lock_init).
func declareTgtLock(b *builder) { b.L.TgtLock = b.perTarget("tgt_lock", 0) }

// Mutant is a seeded bug: a small change to one variant that breaks (or, for some,
// is claimed to break) a property. The tests say which property catches each, under
// which memory model.
type Mutant struct {
	Name    string
	Variant string // the variant it applies to
	Doc     string
}

// Mutant names.
const (
	MutWriteOutsideLock = "write-outside-lock"
	MutReadBeforeInc    = "read-before-inc"
	MutDecBeforeConsume = "dec-before-consume"
	MutNoTgtLock        = "no-tgt-lock"
	MutSplitInc         = "split-inc"
	MutGeOne            = "ge-one"
	MutNoVqLock         = "no-vq-lock-completion"
	MutNoSeqRetry       = "no-seqcount-retry"
	MutNoReaderCheck    = "no-reader-check"
	MutNoRetryNoCheck   = "no-retry-no-reader-check"
	MutIrqTgtLock       = "irq-takes-tgt-lock"
)

var mutants = []Mutant{
	{MutWriteOutsideLock, "v2-2012",
		"virtscsi_queuecommand_multi: `tgt->req_vq = &vscsi->req_vqs[queue_num]` moved after spin_unlock(tgt_lock). " +
			"A second submitter can take the lock, see reqs > 1 and read the old req_vq before the first one publishes its choice."},
	{MutReadBeforeInc, "v2-2012",
		"virtscsi_queuecommand: `req_vq = ACCESS_ONCE(tgt->req_vq)` hoisted above spin_lock(tgt_lock) and the increment. " +
			"The value read predates the steering decision it is meant to follow."},
	{MutGeOne, "v2-2012",
		"the idle test `atomic_inc_return(&tgt->reqs) == 1` replaced by `>= 1`: every submission re-steers the target to its own CPU's queue."},
	{MutIrqTgtLock, "v2-2012",
		"virtscsi_complete_cmd takes tgt_lock around atomic_dec(&tgt->reqs) while virtscsi_req_done holds vq_lock: " +
			"vq_lock → tgt_lock in completion against tgt_lock → vq_lock in virtscsi_kick_cmd."},
	{MutDecBeforeConsume, "v3.10",
		"atomic_dec(&tgt->reqs) moved from virtscsi_complete_cmd to the end of virtscsi_queuecommand: reqs counts requests " +
			"being submitted instead of requests outstanding, so the target looks idle while its buffers still sit on a ring."},
	{MutNoTgtLock, "v3.10",
		"spin_lock/spin_unlock of tgt_lock removed from virtscsi_pick_vq: the increment-and-steer is no longer a critical section."},
	{MutSplitInc, "v3.10",
		"`atomic_inc_return(&tgt->reqs) > 1` split into `atomic_inc(&tgt->reqs); atomic_read(&tgt->reqs) > 1`: the test may see " +
			"other submitters' increments and completions' decrements, and the full barrier of atomic_inc_return is gone."},
	{MutNoVqLock, "v3.17",
		"spin_lock/spin_unlock of vq_lock removed from virtscsi_vq_done: virtqueue_get_buf/detach_buf race with virtqueue_add " +
			"on num_free and the descriptor free list."},
	{MutNoSeqRetry, "v3.19-seqcount",
		"virtscsi_pick_vq: the reader's `while (read_seqcount_retry(&tgt->tgt_seq, seq))` removed: req_vq is read once after read_seqcount_begin."},
	{MutNoReaderCheck, "v3.19-seqcount",
		"virtscsi_pick_vq: the writer's `if (atomic_read(&tgt->reqs) > 1) { vq = tgt->req_vq; goto unlock; }` removed: " +
			"a writer no longer keeps the old queue when a reader arrived after its increment."},
	{MutNoRetryNoCheck, "v3.19-seqcount",
		"both " + MutNoSeqRetry + " and " + MutNoReaderCheck + ": neither side of the seqcount protocol notices the other."},
}

// Mutants lists every mutant, grouped by variant in history order.
func Mutants() []Mutant {
	out := make([]Mutant, len(mutants))
	copy(out, mutants)
	return out
}

// MutantNames lists the mutant names.
func MutantNames() []string {
	var out []string
	for _, m := range mutants {
		out = append(out, m.Name)
	}
	return out
}

// MutantsOf lists the mutants that apply to a variant.
func MutantsOf(variant string) []Mutant {
	var out []Mutant
	for _, m := range mutants {
		if m.Variant == variant {
			out = append(out, m)
		}
	}
	return out
}

func lookupMutant(name string) (Mutant, bool) {
	for _, m := range mutants {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}
