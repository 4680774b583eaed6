package cli

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/traces"
)

// svgMissing is the message explain --format svg prints without Graphviz.
const svgMissing = "steercheck: --format svg needs Graphviz's dot on PATH (apt-get install graphviz)"

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", stderr)
	format := fs.String("format", "text", "text (CPU columns), dot (Graphviz source) or svg (runs dot)")
	pos, code, ok := parseInterleaved(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fail(stderr, "explain takes one trace file (got %d arguments)", len(pos))
	}
	switch *format {
	case "text", "dot", "svg":
	default:
		return fail(stderr, "--format must be text, dot or svg (got %q)", *format)
	}
	var dotPath string
	if *format == "svg" {
		p, err := exec.LookPath("dot")
		if err != nil {
			fmt.Fprintln(stderr, svgMissing)
			return ExitUsage
		}
		dotPath = p
	}
	tr, err := traces.ReadFile(pos[0])
	if err != nil {
		return fail(stderr, "%v", err)
	}
	r, err := tr.Replay()
	if err != nil {
		return fail(stderr, "%s: %v", pos[0], err)
	}
	hl := r.Highlight(tr.Property)
	switch *format {
	case "dot":
		fmt.Fprint(stdout, traces.DOT(r.Graph, hl))
	case "svg":
		cmd := exec.Command(dotPath, "-Tsvg")
		cmd.Stdin = strings.NewReader(traces.DOT(r.Graph, hl))
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = stdout, &errb
		if err := cmd.Run(); err != nil {
			return fail(stderr, "dot: %v: %s", err, errb.String())
		}
	default:
		name := tr.Variant
		if tr.Mutant != "" {
			name += "+" + tr.Mutant
		}
		if r.Hotplug != nil {
			// No porcupine history: P1 is a steering property.
			fmt.Fprintf(stdout, "%s under %s\n%s\n%s %s: %s\n\n", name, tr.Model, hotplugHeader(r.Hotplug), tr.Property, tr.Name, tr.Message)
			fmt.Fprintln(stdout, traces.Render(r.Graph, hl))
			break
		}
		fmt.Fprintf(stdout, "%s under %s, %s\n%s %s: %s\n\n", name, tr.Model, r.Scenario.Config, tr.Property, tr.Name, tr.Message)
		fmt.Fprintln(stdout, traces.Render(r.Graph, hl))
		res := linearize.CheckFIFO(r.Scenario, r.Graph, 0)
		html := strings.TrimSuffix(pos[0], ".json") + ".p1.html"
		if err := linearize.WriteHTML(html, r.Scenario, r.Graph, res); err != nil {
			return fail(stderr, "%v", err)
		}
		fmt.Fprintf(stdout, "P1 as linearizability (porcupine): %s", res.Verdict)
		if res.Message != "" {
			fmt.Fprintf(stdout, ": %s", res.Message)
		}
		fmt.Fprintf(stdout, "\nhistory with steering decisions: %s\n", html)
	}
	if r.Reproduced {
		return ExitViolation
	}
	return ExitHolds
}
