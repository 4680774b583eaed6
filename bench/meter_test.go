package bench

import "testing"

// meter measures a benchmark's b.N runs: start it before the loop, report after.
type meter struct {
	cpu0  float64
	cpuOK bool
}

func startMeter() meter {
	cpu, ok := cpuSeconds()
	return meter{cpu0: cpu, cpuOK: ok}
}

// report gives the executions of the last run, executions per second, the wall time
// and (where it can be read) the processor time per run.
func (mt meter) report(b *testing.B, executions int64) {
	cpu1, _ := cpuSeconds()
	perRun := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(executions), "executions")
	b.ReportMetric(float64(executions)/perRun, "exec/s")
	b.ReportMetric(perRun, "s/run")
	if mt.cpuOK {
		b.ReportMetric((cpu1-mt.cpu0)/float64(b.N), "cpu-s/run")
	}
}
