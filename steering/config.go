package steering

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Request is one SCSI command a CPU submits: the CPU that calls queuecommand and the
// target (sc->device->id) it is addressed to. Requests are numbered by their index in
// Config.Requests; that number is the request id every marker carries.
type Request struct {
	CPU    int
	Target int
}

// Config sizes a scenario: how many CPUs, targets and request virtqueues the guest
// has, how big each virtqueue's ring is, and which requests are submitted. Each CPU
// submits its requests one after the other, in the order they appear in Requests.
type Config struct {
	CPUs     int
	Targets  int
	Queues   int // request virtqueues (num_queues)
	RingSize int // descriptors per request virtqueue (vring.num); 0 = room for every request
	Requests []Request
	// KickFailure models a full ring: the ring gets RingSize descriptors (1 when
	// RingSize is 0) so that virtqueue_add fails with -ENOSPC and queuecommand returns
	// SCSI_MLQUEUE_HOST_BUSY. Without it the ring holds every request and no kick fails.
	KickFailure bool
	// BlkMQ runs the host on blk-mq (scsi_mod.use_blk_mq=1): virtscsi_queuecommand_multi
	// takes virtscsi_pick_vq_mq, the hardware queue blk-mq picked for the submitting CPU
	// (cpu mod num_queues here), instead of per-target steering. Only variants with that
	// path (v4.x) accept it.
	BlkMQ bool
	// RemoveTarget adds the removal of every target once its commands are done
	// (scsi_remove_target → ... → virtscsi_target_destroy, which frees tgt): a thread per
	// target that waits until the midlayer has seen each of the target's commands
	// complete (sc->scsi_done), then runs the variant's virtscsi_target_destroy.
	RemoveTarget bool
}

// MaxRequests bounds the number of requests of a scenario; beyond it the interrupt
// handler thread would produce more events than model.MaxThreadEvents allows.
const MaxRequests = 6

// DefaultConfig is the smallest interesting scenario: three CPUs each submitting one
// request to the same target over two virtqueues, so that CPU 0 and CPU 2 steer to
// queue 0 and CPU 1 to queue 1.
func DefaultConfig() Config {
	return Config{
		CPUs:     3,
		Targets:  1,
		Queues:   2,
		Requests: []Request{{CPU: 0, Target: 0}, {CPU: 1, Target: 0}, {CPU: 2, Target: 0}},
	}
}

// Validate reports the first problem of the configuration as a one-line error.
func (c Config) Validate() error {
	switch {
	case c.CPUs < 1:
		return fmt.Errorf("cpus must be at least 1 (got %d)", c.CPUs)
	case c.Targets < 1:
		return fmt.Errorf("targets must be at least 1 (got %d)", c.Targets)
	case c.Queues < 1:
		return fmt.Errorf("queues must be at least 1 (got %d)", c.Queues)
	case c.RingSize < 0:
		return fmt.Errorf("ring-size must not be negative (got %d)", c.RingSize)
	case c.RingSize > 0 && !c.KickFailure && c.RingSize < len(c.Requests):
		return fmt.Errorf("ring-size %d is smaller than the %d requests: set kick-failure to model a full ring", c.RingSize, len(c.Requests))
	case c.RemoveTarget && c.KickFailure:
		return errors.New("remove-target and kick-failure together: a command returned busy is requeued by the midlayer, which the model does not do, so the removal would wait for it forever")
	case len(c.Requests) == 0:
		return errors.New("no requests: give at least one cpu:target pair")
	case len(c.Requests) > MaxRequests:
		return fmt.Errorf("%d requests: at most %d are supported (model.MaxThreadEvents)", len(c.Requests), MaxRequests)
	}
	for i, r := range c.Requests {
		if r.CPU < 0 || r.CPU >= c.CPUs {
			return fmt.Errorf("requests[%d]: cpu %d out of range (cpus=%d)", i, r.CPU, c.CPUs)
		}
		if r.Target < 0 || r.Target >= c.Targets {
			return fmt.Errorf("requests[%d]: target %d out of range (targets=%d)", i, r.Target, c.Targets)
		}
	}
	return nil
}

// Ring is the number of descriptors each virtqueue has in the model: RingSize, or 1
// for KickFailure without a size, or one per request.
func (c Config) Ring() int {
	switch {
	case c.RingSize > 0:
		return c.RingSize
	case c.KickFailure:
		return 1
	}
	return len(c.Requests)
}

// ParseRequests parses the flag form of a request list: comma-separated cpu:target
// pairs such as "0:0,1:0,2:1".
func ParseRequests(s string) ([]Request, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty request list: want cpu:target pairs like 0:0,1:0")
	}
	var out []Request
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		cpu, tgt, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("requests[%d]: %q is not a cpu:target pair", i, item)
		}
		c, err := strconv.Atoi(cpu)
		if err != nil {
			return nil, fmt.Errorf("requests[%d]: cpu %q is not a number", i, cpu)
		}
		t, err := strconv.Atoi(tgt)
		if err != nil {
			return nil, fmt.Errorf("requests[%d]: target %q is not a number", i, tgt)
		}
		out = append(out, Request{CPU: c, Target: t})
	}
	return out, nil
}

// FormatRequests is the inverse of ParseRequests.
func FormatRequests(rs []Request) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%d:%d", r.CPU, r.Target)
	}
	return strings.Join(parts, ",")
}

// String prints the configuration in the key=value form the CLI and the scenario
// scripts use: "cpus=3 targets=1 queues=2 requests=0:0,1:0,2:0".
func (c Config) String() string {
	s := fmt.Sprintf("cpus=%d targets=%d queues=%d requests=%s", c.CPUs, c.Targets, c.Queues, FormatRequests(c.Requests))
	if c.RingSize > 0 {
		s += fmt.Sprintf(" ring-size=%d", c.RingSize)
	}
	if c.KickFailure {
		s += " kick-failure"
	}
	if c.BlkMQ {
		s += " blk-mq"
	}
	if c.RemoveTarget {
		s += " remove-target"
	}
	return s
}
