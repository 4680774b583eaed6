package bench

import (
	"fmt"

	"github.com/steercheck/steercheck/model"
)

// vq.go is the cross-tool benchmark program of ../shared/bench/vq.c (a small C model of
// per-target queue steering written for GenMC), in the program DSL, as the C file has
// it with -DUSE_LKMM (the kernel primitives) and -DNQ=NSUB (every CPU picks its own
// queue):
//
//	submitter i:                              completer:
//	    spin_lock(&tgt_lock);                     for k in 0..NSUB-1:
//	    if (atomic_inc_return(&reqs) == 1) {          assume(atomic_read_acquire(&queued) > k)
//	            ++epoch;                                 (literal: assume(atomic_read(&reqs) > 0))
//	            chosen[epoch] = i;                    atomic_dec(&reqs);
//	            WRITE_ONCE(req_vq, i);
//	    }
//	    my_epoch[i] = epoch;
//	    spin_unlock(&tgt_lock);
//	    v = READ_ONCE(req_vq);
//	    res[i] = v;
//	    atomic_inc_return_release(&queued);       (-DCOMPLETE_AFTER_QUEUE only)
//
// The ghost variables (epoch, chosen, my_epoch, res) are plain accesses, as in the C
// file; GenMC's __VERIFIER_assume is a spin-wait (Thread.Await), whose failed final
// iteration GenMC and the explorer both count as a blocked execution. main's final
// check reads only after every thread has joined and adds no execution.
//
// GenMC's execution counts (../shared/bench/README.md), the same under every model:
// after-queue 10, 306, 19,608 and 2,178,360 at N=2..5; literal 8, 150 and 5,088 at
// N=2..4.

// VQExecutions are GenMC's complete-execution counts of vq.c with
// -DCOMPLETE_AFTER_QUEUE, by number of submitters.
var VQExecutions = map[int]int64{2: 10, 3: 306, 4: 19_608, 5: 2_178_360}

// VQLiteralExecutions are GenMC's counts of vq.c without -DCOMPLETE_AFTER_QUEUE.
var VQLiteralExecutions = map[int]int64{2: 8, 3: 150, 4: 5_088}

// VQ builds vq.c with n submitters; afterQueue is -DCOMPLETE_AFTER_QUEUE.
func VQ(n int, afterQueue bool) *model.Program {
	name := fmt.Sprintf("vq-%d-literal", n)
	if afterQueue {
		name = fmt.Sprintf("vq-%d", n)
	}
	p := model.NewProgram(name)
	lock := p.Var("tgt_lock", 0)
	reqs := p.Var("reqs", 0)
	queued := p.Var("queued", 0)
	reqVq := p.Var("req_vq", -1)
	epoch := p.Var("epoch", 0)
	chosen := p.ArrayOf("chosen", n+1, 0)
	myEpoch := p.ArrayOf("my_epoch", n, 0)
	res := p.ArrayOf("res", n, 0)
	for i := 0; i < n; i++ {
		t := p.Thread(fmt.Sprintf("submitter%d", i), "cpu")
		t.SpinLock(lock)
		first := t.AtomicIncReturn(reqs)
		t.If(model.Eq(first, 1), func() {
			e := t.Let(model.Add(t.Read(epoch), 1))
			t.Write(epoch, e)
			t.Write(chosen.Idx(e), i)
			t.WriteOnce(reqVq, i)
		})
		t.Write(myEpoch.At(i), t.Read(epoch))
		t.SpinUnlock(lock)
		v := t.ReadOnce(reqVq)
		t.Write(res.At(i), v)
		if afterQueue {
			t.RMWOp(model.RMWAdd, queued, 1, nil, model.AnnRelease, true) // atomic_inc_return_release
		}
	}
	c := p.Thread("completer", "cpu")
	for k := 0; k < n; k++ {
		if afterQueue {
			c.Await(func() model.Expr { return model.Gt(c.LoadAcquire(queued), k) })
		} else {
			c.Await(func() model.Expr { return model.Gt(c.AtomicRead(reqs), 0) })
		}
		c.AtomicDec(reqs)
	}
	return p.Seal()
}
