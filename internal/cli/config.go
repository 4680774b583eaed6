package cli

import (
	"flag"
	"fmt"

	"github.com/steercheck/steercheck/steering"
)

// configFlags declares the scenario configuration flags on fs; the returned function,
// called after parsing, builds and validates the configuration.
func configFlags(fs *flag.FlagSet) func() (steering.Config, error) {
	cpus := fs.Int("cpus", 0, "submitting CPUs (default: the default configuration's)")
	targets := fs.Int("targets", 0, "targets")
	queues := fs.Int("queues", 0, "request virtqueues")
	ring := fs.Int("ring-size", -1, "descriptors per virtqueue (0: room for every request)")
	requests := fs.String("requests", "", "requests as cpu:target pairs in submission order, e.g. 0:0,1:0,2:1")
	kickFail := fs.Bool("kick-failure", false, "model a full ring: kicks can fail and return busy")
	return func() (steering.Config, error) {
		cfg := steering.DefaultConfig()
		if *cpus != 0 {
			cfg.CPUs = *cpus
		}
		if *targets != 0 {
			cfg.Targets = *targets
		}
		if *queues != 0 {
			cfg.Queues = *queues
		}
		if *ring >= 0 {
			cfg.RingSize = *ring
		}
		cfg.KickFailure = *kickFail
		if *requests != "" {
			rs, err := steering.ParseRequests(*requests)
			if err != nil {
				return cfg, fmt.Errorf("--requests: %v", err)
			}
			cfg.Requests = rs
		}
		if err := cfg.Validate(); err != nil {
			return cfg, fmt.Errorf("configuration: %v", err)
		}
		return cfg, nil
	}
}
