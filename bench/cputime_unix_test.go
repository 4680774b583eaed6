//go:build unix

package bench

import "syscall"

// cpuSeconds is the processor time this process has used (user and system), or false
// where it cannot be read. The machines steercheck is measured on are shared, so
// benchmarks report it beside the wall time: it moves less with the load.
func cpuSeconds() (float64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	sec := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return sec(ru.Utime) + sec(ru.Stime), true
}
