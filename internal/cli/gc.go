package cli

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// GCPercent is the garbage collector's target unless GOGC says otherwise. The explorer
// is stateless (a graph per revisit depth): under sc its live heap stays at a few tens
// of megabytes while the checkers allocate short-lived garbage per execution, so the
// default target (100) collects far more often than memory needs, on a core the
// workers (check --workers) would use. Measured on 2 cores, v3.10 under sc at 4 CPUs:
// 80.7 s with 1 worker and 46.6 s with 2 at GOGC=100; 68.2 s and 34.0 s at 400, with
// 43 MB of peak memory.
const GCPercent = 400

// memoryLimitShare is the share of the machine's memory (or of the cgroup's limit,
// when it is smaller) the heap may grow to before the collector works harder, unless
// GOMEMLIMIT says otherwise. GCPercent alone lets the heap grow to five times what is
// live: harmless at 43 MB, fatal for a weak-model run at four CPUs, whose second
// phase keeps about 7 GB live. A `make verdicts` with two such runs at once (14 GB
// live) was killed by the kernel's OOM killer at 23 GB on a 24 GB machine. The limit
// is soft: a run that truly needs more still gets it (and the collector slows down
// near the limit rather than the process dying early).
const memoryLimitShare = 0.85

// ConfigureGC sets the collector's target (GCPercent) and its soft memory limit
// (memoryLimitShare of the memory available), each unless the user set GOGC or
// GOMEMLIMIT. The collector's settings change how fast a run is, never what it finds.
func ConfigureGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if avail := availableMemory(); avail > 0 {
			debug.SetMemoryLimit(int64(float64(avail) * memoryLimitShare))
		}
	}
}

// availableMemory returns the bytes of memory this process may use: the machine's
// (/proc/meminfo's MemTotal) or its cgroup's limit (cgroup v2 memory.max, or v1's
// memory.limit_in_bytes), whichever is smaller; 0 when neither can be read.
func availableMemory() int64 {
	total := int64(0)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		total = parseMemTotal(b)
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(f); err == nil {
			if lim := parseCgroupLimit(b); lim > 0 && (total == 0 || lim < total) {
				total = lim
			}
		}
	}
	return total
}

// parseMemTotal returns /proc/meminfo's MemTotal in bytes, 0 when it is missing or
// malformed.
func parseMemTotal(meminfo []byte) int64 {
	s := bufio.NewScanner(bytes.NewReader(meminfo))
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb <= 0 || kb > 1<<52 {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// parseCgroupLimit returns a cgroup memory limit in bytes: 0 for "max" (no limit),
// for v1's "no limit" (a number near 2^63) and for anything malformed.
func parseCgroupLimit(b []byte) int64 {
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || v <= 0 || v >= 1<<62 {
		return 0
	}
	return v
}
