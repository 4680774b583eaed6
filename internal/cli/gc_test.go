package cli

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseMemTotal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"MemTotal:       24683756 kB\nMemFree:        24308380 kB\n", 24683756 << 10},
		{"MemFree: 1 kB\nMemTotal: 2048 kB\n", 2048 << 10},
		{"MemFree: 1 kB\n", 0},
		{"MemTotal: lots kB\n", 0},
		{"MemTotal: 2048 MB\n", 0},
		{"MemTotal: -5 kB\n", 0},
		{"", 0},
	} {
		assert.Equal(t, c.want, parseMemTotal([]byte(c.in)), "%q", c.in)
	}
}

func TestParseCgroupLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"max\n", 0},
		{"4294967296\n", 4294967296},
		{"9223372036854771712\n", 0}, // cgroup v1's "no limit"
		{"0\n", 0},
		{"", 0},
		{"12x\n", 0},
	} {
		assert.Equal(t, c.want, parseCgroupLimit([]byte(c.in)), "%q", c.in)
	}
}

func TestAvailableMemoryOnLinux(t *testing.T) {
	if _, err := os.Stat("/proc/meminfo"); err != nil {
		t.Skip("no /proc/meminfo: not Linux")
	}
	assert.Positive(t, availableMemory())
}
