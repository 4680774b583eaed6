package cli

import (
	"fmt"

	"github.com/steercheck/steercheck/steering"
)

// Bounds of the configuration flags. Beyond them a scenario is either rejected by
// the model (a thread may produce at most model.MaxThreadEvents events, which caps
// the requests at steering.MaxRequests and the queues the device polls) or far too
// large to explore: four CPUs already take hundreds of thousands of executions.
const (
	maxCPUs    = 16
	maxTargets = 16
	maxQueues  = 16
	maxRing    = 64
)

// configFlags declares the scenario configuration flags on fs; the returned function,
// called after parsing, builds and validates the configuration.
func configFlags(fs *flagSet) func() (steering.Config, error) {
	def := steering.DefaultConfig()
	cpus := fs.intRange("cpus", def.CPUs, 1, maxCPUs, fmt.Sprintf("`N` submitting CPUs, 1 to %d (default: %d, the default configuration's)", maxCPUs, def.CPUs))
	targets := fs.intRange("targets", def.Targets, 1, maxTargets, fmt.Sprintf("`N` targets, 1 to %d (default: %d)", maxTargets, def.Targets))
	queues := fs.intRange("queues", def.Queues, 1, maxQueues, fmt.Sprintf("`N` request virtqueues, 1 to %d (default: %d; hotplug variants: at most the topology's CPUs, default 4)", maxQueues, def.Queues))
	ring := fs.intRange("ring-size", def.RingSize, 0, maxRing, fmt.Sprintf("`N` descriptors per virtqueue, 0 to %d; 0 (the default) gives every request room, so no kick fails", maxRing))
	requests := fs.text("requests", steering.FormatRequests(def.Requests), fmt.Sprintf("requests as `CPU:TARGET` pairs in submission order, at most %d (default: %s, one request per CPU to target 0); hotplug variants: CPU[:TARGET],... (default: 2)", steering.MaxRequests, steering.FormatRequests(def.Requests)))
	kickFail := fs.Bool("kick-failure", false, "model a full ring: kicks can fail and return busy (default: off)")
	return func() (steering.Config, error) {
		cfg := steering.Config{CPUs: *cpus, Targets: *targets, Queues: *queues, RingSize: *ring, KickFailure: *kickFail}
		rs, err := steering.ParseRequests(*requests)
		if err != nil {
			return cfg, fmt.Errorf("--requests: %v", err)
		}
		cfg.Requests = rs
		if err := cfg.Validate(); err != nil {
			return cfg, fmt.Errorf("configuration: %v", err)
		}
		return cfg, nil
	}
}
