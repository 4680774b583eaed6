package model_test

import (
	"fmt"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
)

// A consumer spins until a flag is set, then reads a slot whose index it read too:
// the pattern of one execution is straight-line code, the spin-wait reduced to its
// final read, the computed address to a constant (reported as lost), the control
// dependency on the flag to an if around the rest of the thread: what follows a
// spin-wait depends on its exit test under every model.
func ExamplePatternOf() {
	p := model.NewProgram("slot")
	flag, idx, slot := p.Var("flag", 0), p.Var("idx", 0), p.ArrayOf("slot", 2, 0)
	prod := p.Thread("producer", "cpu")
	prod.WriteOnce(idx, 1)
	prod.WriteOnce(slot.At(1), 7)
	prod.SmpWmb()
	prod.WriteOnce(flag, 1)
	cons := p.Thread("consumer", "cpu")
	cons.Await(func() model.Expr { return model.Eq(cons.ReadOnce(flag), 1) })
	cons.SmpRmb()
	i := cons.ReadOnce(idx)
	cons.ReadOnce(slot.Idx(i))

	m, _ := barriers.New("sc")
	model.Explore(p, m, model.Options{}, func(g *model.ExecutionGraph) bool {
		pt, err := model.PatternOf(g, "slot-pattern")
		if err != nil {
			fmt.Println(err)
			return false
		}
		fmt.Print(pt.Program)
		fmt.Println("expect:", pt.Expect)
		fmt.Println("lost:", pt.Lost)
		return false
	})
	// Output:
	// program slot-pattern
	//   flag = 0
	//   idx = 0
	//   slot[1] = 0
	// thread producer (cpu)
	//     0  store<once>(idx, 1)
	//     1  store<once>(slot[1], 7)
	//     2  smp_wmb()
	//     3  store<once>(flag, 1)
	// thread consumer (cpu)
	//     0  r0 = load<once>(flag)
	//     1  if !(r0 == 1) goto 5
	//     2  smp_rmb()
	//     3  r1 = load<once>(idx)
	//     4  r2 = load<once>(slot[1])
	// expect: [{1 r0 1} {1 r1 1} {1 r2 7} {-1 flag 1} {-1 idx 1} {-1 slot[1] 7}]
	// lost: [consumer: the address of slot[1] (r2 = load<once>(slot[r1])) depended on the read of idx]
}
