package traces

import (
	"fmt"

	"github.com/steercheck/steercheck/hotplug"
	"github.com/steercheck/steercheck/steering"
)

// markerKey names a marker by its tag and its number of arguments: steering and
// hotplug share some tags ("submit", "enqueue", "complete") with other arguments.
type markerKey struct {
	tag   string
	arity int
}

// markerLabels spell each marker's arguments (see steering/scenario.go and
// hotplug/scenario.go for their meaning): "steer r0 → queue 1 (reqs was 2)".
var markerLabels = map[markerKey]func(a [3]int64) string{
	// steering
	{steering.MarkSubmit, 3}: func(a [3]int64) string { return fmt.Sprintf("submit r%d → target %d (cpu%d)", a[0], a[1], a[2]) },
	{steering.MarkSteer, 3}: func(a [3]int64) string {
		switch {
		case a[2] < 0:
			return fmt.Sprintf("steer r%d → queue %d (no test of reqs)", a[0], a[1])
		case a[2] > 1:
			return fmt.Sprintf("steer r%d → queue %d (reqs was %d: busy, follow req_vq)", a[0], a[1], a[2])
		}
		return fmt.Sprintf("steer r%d → queue %d (reqs was %d: idle, pick cpu's queue)", a[0], a[1], a[2])
	},
	{steering.MarkEnqueue, 2}: func(a [3]int64) string { return fmt.Sprintf("enqueue r%d on queue %d", a[0], a[1]) },
	{steering.MarkSubmitted, 2}: func(a [3]int64) string {
		if a[1] != 0 {
			return fmt.Sprintf("submitted r%d: accepted", a[0])
		}
		return fmt.Sprintf("submitted r%d: busy (SCSI_MLQUEUE_HOST_BUSY)", a[0])
	},
	{steering.MarkConsume, 2}:  func(a [3]int64) string { return fmt.Sprintf("consume r%d from queue %d", a[0], a[1]) },
	{steering.MarkComplete, 2}: func(a [3]int64) string { return fmt.Sprintf("complete r%d (queue %d)", a[0], a[1]) },
	// hotplug
	{hotplug.MarkSubmit, 2}: func(a [3]int64) string { return fmt.Sprintf("submit r%d (cpu%d)", a[0], a[1]) },
	{hotplug.MarkEnqueue, 3}: func(a [3]int64) string {
		if a[2] != 0 {
			return fmt.Sprintf("enqueue r%d on queue %d (saw it INACTIVE)", a[0], a[1])
		}
		return fmt.Sprintf("enqueue r%d on queue %d", a[0], a[1])
	},
	{hotplug.MarkRetry, 2}: func(a [3]int64) string {
		return fmt.Sprintf("retry r%d: queue %d INACTIVE, tag put back", a[0], a[1])
	},
	{hotplug.MarkFail, 1}: func(a [3]int64) string { return fmt.Sprintf("submit-fail r%d", a[0]) },
	{hotplug.MarkIRQ, 3}: func(a [3]int64) string {
		kind := map[int64]string{hotplug.DeliveryDevice: "raised by the device", hotplug.DeliveryXenBind: "spurious Xen bind event",
			hotplug.DeliveryOldCPU: "on the old CPU of an affinity change"}[a[2]]
		if kind == "" {
			kind = fmt.Sprintf("kind %d", a[2])
		}
		return fmt.Sprintf("irq queue %d on cpu%d (%s)", a[0], a[1], kind)
	},
	{hotplug.MarkComplete, 3}: func(a [3]int64) string {
		return fmt.Sprintf("complete r%d (queue %d, saw used: %d)", a[0], a[1], a[2])
	},
	{hotplug.MarkIRQEnd, 1}: func(a [3]int64) string { return fmt.Sprintf("irq-end queue %d", a[0]) },
	{hotplug.MarkLost, 2}: func(a [3]int64) string {
		if a[1] < 0 {
			return fmt.Sprintf("irq-lost queue %d (interrupt shut down)", a[0])
		}
		return fmt.Sprintf("irq-lost queue %d (cpu%d unreachable or offline)", a[0], a[1])
	},
	{hotplug.MarkOffline, 1}: func(a [3]int64) string { return fmt.Sprintf("offline cpu%d", a[0]) },
	{hotplug.MarkOnline, 1}:  func(a [3]int64) string { return fmt.Sprintf("online cpu%d", a[0]) },
	{hotplug.MarkShutdown, 2}: func(a [3]int64) string {
		return fmt.Sprintf("irq-shutdown queue %d (%d in flight)", a[0], a[1])
	},
	{hotplug.MarkStart, 2}: func(a [3]int64) string { return fmt.Sprintf("irq-start queue %d on cpu%d", a[0], a[1]) },
	{hotplug.MarkMove, 3}: func(a [3]int64) string {
		return fmt.Sprintf("irq-move queue %d: cpu%d → cpu%d", a[0], a[1], a[2])
	},
	{hotplug.MarkInactive, 1}: func(a [3]int64) string { return fmt.Sprintf("inactive queue %d", a[0]) },
	{hotplug.MarkDrained, 1}:  func(a [3]int64) string { return fmt.Sprintf("drained queue %d", a[0]) },
	{hotplug.MarkReactive, 1}: func(a [3]int64) string { return fmt.Sprintf("reactivate queue %d", a[0]) },
	{hotplug.MarkNoVector, 2}: func(a [3]int64) string {
		return fmt.Sprintf("offline-fail cpu%d (no vector for queue %d)", a[0], a[1])
	},
}

// markerText spells a marker event: labelled when markerLabels knows it, else the
// tag and its raw arguments.
func markerText(tag string, arity int, args [3]int64) string {
	if f, ok := markerLabels[markerKey{tag, arity}]; ok {
		return "» " + f(args)
	}
	s := "» " + tag
	for i := 0; i < arity && i < len(args); i++ {
		s += fmt.Sprintf(" %d", args[i])
	}
	return s
}

// LabelledMarker says whether markerText labels a marker's arguments (tests use it to
// check that every marker a model emits is labelled).
func LabelledMarker(tag string, arity int) bool {
	_, ok := markerLabels[markerKey{tag, arity}]
	return ok
}
