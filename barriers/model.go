package barriers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// Model is a memory model: a consistency predicate over execution graphs.
//
// Consistent is called by the explorer after every event it adds, on the graph built
// so far; it must be prefix-closed. Implementations keep scratch buffers, so one Model
// value must not be used by two explorations at the same time: call New for each.
type Model interface {
	model.Consistency
	// Doc is a one-line description for `steercheck list`.
	Doc() string
}

type entry struct {
	doc  string
	make func() Model
}

var registry = map[string]entry{}

// register adds a model constructor under a name; called from init functions.
func register(name, doc string, mk func() Model) { registry[name] = entry{doc, mk} }

// New returns a fresh instance of the named model, or an error naming the models that
// exist.
func New(name string) (Model, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown memory model %q (have: %s)", name, strings.Join(Names(), ", "))
	}
	return e.make(), nil
}

// Names lists the available models, strongest first.
func Names() []string {
	order := map[string]int{"sc": 0, "tso": 1, "lkmm": 2, "lkmm-alpha": 3, "armv8": 4, "power": 5}
	var out []string
	for n := range registry {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		oi, iok := order[out[i]]
		oj, jok := order[out[j]]
		if iok && jok {
			return oi < oj
		}
		if iok != jok {
			return iok
		}
		return out[i] < out[j]
	})
	return out
}

// Doc returns the one-line description of a model.
func Doc(name string) string { return registry[name].doc }
