package properties_test

import (
	"fmt"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/properties"
	"github.com/steercheck/steercheck/steering"
)

func ExampleVerify() {
	m, _ := barriers.New("sc")

	good, _ := steering.Build("v3.10", "", steering.DefaultConfig())
	rep := properties.Verify(good, m, model.Options{}, nil)
	fmt.Println("v3.10:", rep.Verdict, rep.Result.Executions, "executions")

	bad, _ := steering.Build("v2-2012", steering.MutWriteOutsideLock, steering.DefaultConfig())
	rep = properties.Verify(bad, m, model.Options{}, nil)
	fmt.Println("v2-2012+write-outside-lock:", rep.Verdict)
	fmt.Println(rep.Violation)
	// Output:
	// v3.10: holds 2094 executions
	// v2-2012+write-outside-lock: violated
	// P2 one-queue: target 0 on two queues at once: r1 (cpu1 → target 0) outstanding on queue 1 while r2 (cpu2 → target 0) is outstanding on queue 0
}
