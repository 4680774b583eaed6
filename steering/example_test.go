package steering_test

import (
	"fmt"

	"github.com/steercheck/steercheck/steering"
)

func ExampleBuild() {
	cfg := steering.DefaultConfig()
	sc, err := steering.Build("v3.10", "", cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Program.Name, "for", sc.Config)
	for t, info := range sc.Threads {
		idle := 0
		for _, in := range sc.Program.Threads[t].Code {
			if in.Idle {
				idle++
			}
		}
		fmt.Printf("%s (%s %d), %d idle points\n", sc.ThreadName(t), info.Role, info.Index, idle)
	}
	for _, r := range sc.Requests {
		fmt.Println(sc.DescribeRequest(r.ID))
	}

	_, err = steering.Build("v3.10", steering.MutGeOne, cfg)
	fmt.Println(err)
	// Output:
	// v3.10 for cpus=3 targets=1 queues=2 requests=0:0,1:0,2:0
	// cpu0 (cpu 0), 0 idle points
	// cpu1 (cpu 1), 0 idle points
	// cpu2 (cpu 2), 0 idle points
	// device0 (device 0), 3 idle points
	// device1 (device 1), 3 idle points
	// irq0 (irq 0), 3 idle points
	// irq1 (irq 1), 3 idle points
	// r0 (cpu0 → target 0)
	// r1 (cpu1 → target 0)
	// r2 (cpu2 → target 0)
	// mutant "ge-one" applies to variant v2-2012, not v3.10
}
