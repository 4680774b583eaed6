package requirements

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/steercheck/steercheck/barriers"
	"github.com/steercheck/steercheck/model"
	"github.com/steercheck/steercheck/steering"
)

// races.go: the data races a variant has as written, under the kernel's models.
//
// Some variants race by design: a seqcount writer increments the sequence with a
// plain access that readers read with READ_ONCE, and retries make the race harmless
// in practice while LKMM still flags it. Weakening an annotation that already races
// says nothing new about it, so Check asks whether the weakened annotation races
// only when it did not before; and the report lists the races of the code as
// written apart from the ablation table (Table.BaselineRaces).

// RaceSummary is what the exploration of a variant as written found about races under
// one model: the annotation sites (model.Instr.Site, "" for an access without one)
// and locations of every racing access, whether the exploration completed, and one
// example.
type RaceSummary struct {
	Model      string
	Sites      []string // sorted; "" stands for unnamed accesses
	Locations  []string // sorted
	Example    string   // the first race found, in words
	Executions int64
	Complete   bool
	Reason     model.StopReason
}

// baselineRaces caches, per model, the sites of the variant's racing accesses.
type baselineRaces struct {
	mu   sync.Mutex
	done map[string]*RaceSummary
}

// sites returns the set of sites whose accesses race in some execution of the
// variant as written under modelName (computed once per model), and the summary.
func (b *baselineRaces) sites(sc *steering.Scenario, modelName string, opts model.Options) (map[string]bool, *RaceSummary, error) {
	sum, err := b.summary(sc, modelName, opts)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]bool{}
	for _, s := range sum.Sites {
		out[s] = true
	}
	return out, sum, nil
}

// summary explores the variant as written under modelName and collects every race.
func (b *baselineRaces) summary(sc *steering.Scenario, modelName string, opts model.Options) (*RaceSummary, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.done[modelName]; ok {
		return s, nil
	}
	m, err := barriers.New(modelName)
	if err != nil {
		return nil, err
	}
	finder, err := barriers.New(modelName)
	if err != nil {
		return nil, err
	}
	rf, ok := finder.(interface {
		DataRaces(*model.ExecutionGraph) []barriers.Race
	})
	if !ok {
		return nil, fmt.Errorf("requirements: %s has no data races", modelName)
	}
	sites, locs := map[string]bool{}, map[string]bool{}
	sum := &RaceSummary{Model: modelName}
	res := model.Explore(sc.Program, m, opts, func(g *model.ExecutionGraph) bool {
		for _, r := range rf.DataRaces(g) {
			for _, e := range []model.EventRef{r.First, r.Second} {
				if e.IsThreadEvent() {
					sites[g.Prog.Threads[e.Thread].Code[g.Event(e).PC].Site] = true
					locs[g.LocName(g.Event(e).Loc)] = true
				}
			}
			if sum.Example == "" {
				sum.Example = describeRace(g, r)
			}
		}
		return true
	})
	sum.Executions, sum.Complete, sum.Reason = res.Executions, res.Complete(), res.Reason
	for s := range sites {
		sum.Sites = append(sum.Sites, s)
	}
	for l := range locs {
		sum.Locations = append(sum.Locations, l)
	}
	sort.Strings(sum.Sites)
	sort.Strings(sum.Locations)
	if b.done == nil {
		b.done = map[string]*RaceSummary{}
	}
	b.done[modelName] = sum
	return sum, nil
}

// describeRace says which accesses race: "cpu0: store<plain>(tgt_seq[0], …) and
// cpu1: seq_begin = load<once>(tgt_seq[0])".
func describeRace(g *model.ExecutionGraph, r barriers.Race) string {
	var parts []string
	for _, e := range []model.EventRef{r.First, r.Second} {
		if !e.IsThreadEvent() {
			parts = append(parts, "the initial value of "+g.LocName(model.LocID(e.Index)))
			continue
		}
		th := g.Prog.Threads[e.Thread]
		parts = append(parts, fmt.Sprintf("%s: %s", th.Name, th.Code[g.Event(e).PC].String(th)))
	}
	return strings.Join(parts, " and ")
}

// BaselineRaces explores the variant as written under every model of models that has
// data races (lkmm, lkmm-alpha) and summarizes them; a hotplug variant has none to
// report (its models are judged on P6–P10).
func (s *Subject) BaselineRaces(models []string, b Budget) ([]RaceSummary, error) {
	if s.steer == nil {
		return nil, nil
	}
	var out []RaceSummary
	for _, name := range models {
		m, err := barriers.New(name)
		if err != nil {
			return nil, err
		}
		if !barriers.HasDataRaces(m) {
			continue
		}
		sum, err := s.races.summary(s.steer, name, b.options(m))
		if err != nil {
			return nil, err
		}
		out = append(out, *sum)
	}
	return out, nil
}
