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
	// destroy is virtscsi_target_destroy for target tg (Config.RemoveTarget); nil for
	// the plain kfree(tgt) of every version before v4.x.
	destroy func(b *builder, t *model.Thread, tg int)
	blkmq   bool // has virtscsi_pick_vq_mq (Config.BlkMQ)
	// anyCPU is set when the submit path never looks at the CPU (single): every CPU
	// with the same targets is interchangeable, not only those of one queue.
	anyCPU bool
}

// Variants lists the modelled versions in history order.
func Variants() []Variant {
	return []Variant{variantSingle, variantV2, variantV310, variantV317, variantV319, variantV4x}
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

// declareTgtSeq declares seqcount_t tgt_seq per target (seqcount_init).
func declareTgtSeq(b *builder) { b.L.TgtSeq = b.perTarget("tgt_seq", 0) }

// Mutant is a seeded bug: a small change to one variant that breaks (or, for some,
// is claimed to break) a property. The tests say which property catches each, under
// which memory model.
type Mutant struct {
	Name    string
	Variant string // the variant it applies to
	Doc     string
	// Needs names the configuration features its scenario adds ("kick-failure",
	// "blk-mq", "remove-target"): the code it changes only runs with them. Build turns
	// them on for the mutant whatever the configuration says (Scenario.Config records
	// the configuration used), and ConfigFor shows what that is.
	Needs []string
	// Equivalent, for a mutant that changes no outcome, says why it is equivalent to
	// its variant and names the test that shows it (docs/VERDICTS.md prints it);
	// empty for a mutant some property catches.
	Equivalent string
}

// ConfigFor is the configuration the mutant's scenario runs at when cfg is asked for:
// cfg with the features of Needs turned on, and the one of kick failures and target
// removal it does not need turned off (a command returned busy would never be done,
// see Config.Validate).
func (m Mutant) ConfigFor(cfg Config) Config {
	for _, n := range m.Needs {
		switch n {
		case NeedKickFailure:
			cfg.KickFailure = true
			cfg.RemoveTarget = false // the removal waits for every command (Config.Validate)
		case NeedBlkMQ:
			cfg.BlkMQ = true
		case NeedRemoveTarget:
			cfg.RemoveTarget = true
			cfg.KickFailure = false // the removal waits for every command (Config.Validate)
		}
	}
	return cfg
}

// Features a mutant's scenario may need (Mutant.Needs).
const (
	NeedKickFailure  = "kick-failure"
	NeedBlkMQ        = "blk-mq"
	NeedRemoveTarget = "remove-target"
)

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
	MutBusyNoDec        = "busy-no-dec"
	MutMqNoInc          = "mq-no-inc"
	MutDestroyNoWait    = "destroy-no-wait"
)

var mutants = []Mutant{
	{Name: MutWriteOutsideLock, Variant: "v2-2012",
		Doc: "virtscsi_queuecommand_multi: `tgt->req_vq = &vscsi->req_vqs[queue_num]` moved after spin_unlock(tgt_lock). " +
			"A second submitter can take the lock, see reqs > 1 and read the old req_vq before the first one publishes its choice."},
	{Name: MutReadBeforeInc, Variant: "v2-2012",
		Doc: "virtscsi_queuecommand: `req_vq = ACCESS_ONCE(tgt->req_vq)` hoisted above spin_lock(tgt_lock) and the increment. " +
			"The value read predates the steering decision it is meant to follow."},
	{Name: MutGeOne, Variant: "v2-2012",
		Doc: "the idle test `atomic_inc_return(&tgt->reqs) == 1` replaced by `>= 1`: every submission re-steers the target to its own CPU's queue."},
	{Name: MutIrqTgtLock, Variant: "v2-2012",
		Doc: "virtscsi_complete_cmd takes tgt_lock around atomic_dec(&tgt->reqs) while virtscsi_req_done holds vq_lock: " +
			"vq_lock → tgt_lock in completion against tgt_lock → vq_lock in virtscsi_kick_cmd."},
	{Name: MutDecBeforeConsume, Variant: "v3.10",
		Doc: "atomic_dec(&tgt->reqs) moved from virtscsi_complete_cmd to the end of virtscsi_queuecommand: reqs counts requests " +
			"being submitted instead of requests outstanding, so the target looks idle while its buffers still sit on a ring."},
	{Name: MutNoTgtLock, Variant: "v3.10",
		Doc: "spin_lock/spin_unlock of tgt_lock removed from virtscsi_pick_vq: the increment-and-steer is no longer a critical section."},
	{Name: MutSplitInc, Variant: "v3.10",
		Doc: "`atomic_inc_return(&tgt->reqs) > 1` split into `atomic_inc(&tgt->reqs); atomic_read(&tgt->reqs) > 1`: the test may see " +
			"other submitters' increments and completions' decrements, and the full barrier of atomic_inc_return is gone.",
		Equivalent: "inside tgt_lock no other submitter can increment reqs, so only a completion's decrement can fall between " +
			"atomic_inc and atomic_read, and it retires a request counted before ours: `> 1` still means another request is " +
			"outstanding, on req_vq, and the lock orders everything the decision reads and writes (steering/v3_10.go; " +
			"properties.TestSplitIncIsEquivalent: the same verdicts with the window explored)"},
	{Name: MutNoVqLock, Variant: "v3.17",
		Doc: "spin_lock/spin_unlock of vq_lock removed from virtscsi_vq_done: virtqueue_get_buf/detach_buf race with virtqueue_add " +
			"on num_free and the descriptor free list."},
	{Name: MutNoSeqRetry, Variant: "v3.19-seqcount",
		Doc: "virtscsi_pick_vq: the reader's `while (read_seqcount_retry(&tgt->tgt_seq, seq))` removed: req_vq is read once after read_seqcount_begin.",
		Equivalent: "a reader is counted by its fully ordered atomic_inc_return before read_seqcount_begin and a writer is only " +
			"elected by an increment that finds reqs at zero, so a write section the retry could see began before the reader " +
			"was counted, and its writer then keeps the old req_vq, the value read; the weak models' violations are the " +
			"variant's own (steering/v3_19.go; properties.TestNoSeqcountRetryIsEquivalent: the same verdicts under sc, and " +
			"under tso with and without the store-buffering repair)"},
	{Name: MutNoReaderCheck, Variant: "v3.19-seqcount",
		Doc: "virtscsi_pick_vq: the writer's `if (atomic_read(&tgt->reqs) > 1) { vq = tgt->req_vq; goto unlock; }` removed: " +
			"a writer no longer keeps the old queue when a reader arrived after its increment."},
	{Name: MutNoRetryNoCheck, Variant: "v3.19-seqcount",
		Doc: "both " + MutNoSeqRetry + " and " + MutNoReaderCheck + ": neither side of the seqcount protocol notices the other."},
	{Name: MutBusyNoDec, Variant: "v4.x", Needs: []string{NeedKickFailure},
		Doc: "virtscsi_queuecommand's busy path without its atomic_dec(&tgt->reqs): a failed kick returns SCSI_MLQUEUE_HOST_BUSY " +
			"with the request still counted, as every version before the fix did (reqs leaks and the target never looks idle again)."},
	{Name: MutMqNoInc, Variant: "v4.x", Needs: []string{NeedBlkMQ},
		Doc: "virtscsi_pick_vq_mq without atomic_inc(&tgt->reqs): virtscsi_complete_cmd " +
			"still decrements reqs for every command, so on blk-mq it decrements what it never incremented."},
	{Name: MutDestroyNoWait, Variant: "v4.x", Needs: []string{NeedRemoveTarget},
		Doc: "virtscsi_target_destroy frees tgt at once, as before the fix, instead of waiting for reqs to drain: " +
			"virtscsi_complete_cmd calls sc->scsi_done before atomic_dec(&tgt->reqs), so the midlayer can release the target " +
			"in between and the decrement lands in freed memory."},
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
