package litmus

import (
	"fmt"
	"strings"

	"github.com/steercheck/steercheck/model"
)

// ExportPattern writes pt (model.PatternOf: one execution as straight-line code) as a
// C litmus test called name whose exists clause is the outcome the execution reached,
// with a comment that starts with head (where the execution comes from) and names
// every address dependency the straight-line code does not carry.
func ExportPattern(pt *model.Pattern, name, head string) (string, error) {
	locs := ExportedNames(pt.Program)
	var conj []string
	for _, x := range pt.Expect {
		if x.Thread < 0 {
			l, ok := pt.Program.LocByName(x.Name)
			if !ok {
				return "", fmt.Errorf("litmus: pattern %s: no location %s", name, x.Name)
			}
			conj = append(conj, fmt.Sprintf("%s=%d", locs[l], x.Val))
			continue
		}
		conj = append(conj, fmt.Sprintf("%d:%s=%d", x.Thread, x.Name, x.Val))
	}
	cond := "exists (true)"
	if len(conj) > 0 {
		cond = "exists (" + strings.Join(conj, " /\\ ") + ")"
	}
	lines := []string{head, "The exists clause is the outcome the execution reached: every register and every location it wrote."}
	for _, l := range pt.Lost {
		lines = append(lines, "Not carried (the location is a constant here): "+l+".")
	}
	return Export(pt.Program, name, cond, lines...)
}
