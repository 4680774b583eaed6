package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"

	"github.com/steercheck/steercheck/linearize"
	"github.com/steercheck/steercheck/traces"
)

// svgMissing is the message explain --format svg prints without Graphviz.
const svgMissing = "steercheck: --format svg needs Graphviz's dot on PATH (apt-get install graphviz)"

var explainCommand = command{
	name:    "explain",
	args:    "TRACE",
	summary: "show a saved trace as CPU columns, a porcupine history page or a DOT/SVG graph",
	help: "Replays the trace and draws its execution. text: CPU columns with a legend, the kernel source of each " +
		"event where the model names it, and (steering traces) P1 judged as linearizability by porcupine. dot: the " +
		"execution graph as Graphviz source; svg: the same drawn by Graphviz's dot. html: porcupine's history page " +
		"with the steering decisions (steering traces; needs --out). Output goes to standard output, or to the file " +
		"--out names: explain writes no other file.",
	exits: `1    the trace's violation reproduces (as replay)
4    it does not reproduce
2    bad usage, or the file is not a valid trace or does not replay, or dot failed
`,
	setup: func(fs *flagSet, e *env) func([]string) int {
		format := fs.text("format", "text", "`FORMAT`: text (CPU columns), dot (Graphviz source), svg (runs dot) or html (porcupine history page) (default: text)")
		out := fs.text("out", "", "write the output to `FILE` instead of standard output (html needs it)")
		fs.alias("o", "out")
		ctrl := fs.Bool("ctrl", false, "dot, svg: draw control-dependency edges too (hidden by default: every event after a branch has one)")
		return func(pos []string) int {
			if len(pos) != 1 {
				return e.fail("explain takes one trace file (got %d arguments; run 'steercheck explain --help')", len(pos))
			}
			return runExplain(e, pos[0], *format, *out, *ctrl)
		}
	},
}

func runExplain(e *env, path, format, out string, ctrl bool) int {
	switch format {
	case "text", "dot", "svg", "html":
	default:
		return e.fail("--format must be text, dot, svg or html (got %q)", format)
	}
	if format == "html" && out == "" {
		return e.fail("--format html writes a page: give its path with --out FILE")
	}
	var dotPath string
	if format == "svg" {
		p, err := exec.LookPath("dot")
		if err != nil {
			fmt.Fprintln(e.stderr, svgMissing)
			return ExitUsage
		}
		dotPath = p
	}
	tr, r, code, ok := loadTrace(e, path)
	if !ok {
		return code
	}
	hl := r.Highlight(tr.Property)
	title := fmt.Sprintf("%s — %s %s", traceName(tr), tr.Property, tr.Name)
	var text bytes.Buffer
	switch format {
	case "dot":
		text.WriteString(traces.DOTWith(r.Graph, hl, traces.DOTOptions{Title: title, Ctrl: ctrl}))
	case "svg":
		cmd := exec.Command(dotPath, "-Tsvg")
		cmd.Stdin = bytes.NewReader([]byte(traces.DOTWith(r.Graph, hl, traces.DOTOptions{Title: title, Ctrl: ctrl})))
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &text, &errb
		if err := cmd.Run(); err != nil {
			return e.fail("dot: %v: %s", err, errb.String())
		}
	case "html":
		if r.Scenario == nil {
			return e.fail("--format html: the porcupine history is of steering traces; %s is a hotplug trace", path)
		}
		res := linearize.CheckFIFO(r.Scenario, r.Graph, 0)
		if err := linearize.WriteHTML(out, r.Scenario, r.Graph, res); err != nil {
			return e.fail("%v", err)
		}
	default:
		fmt.Fprintf(&text, "%s\n%s %s: %s\n\n", traceHeading(tr, r), tr.Property, tr.Name, tr.Message)
		text.WriteString(traces.Render(r.Graph, hl))
		if r.Scenario != nil {
			res := linearize.CheckFIFO(r.Scenario, r.Graph, 0)
			fmt.Fprintf(&text, "\nP1 as linearizability (porcupine): %s", res.Verdict)
			if res.Message != "" {
				fmt.Fprintf(&text, ": %s", res.Message)
			}
			fmt.Fprintf(&text, "\nporcupine's history page: steercheck explain %s --format html --out FILE.html\n", path)
		}
	}
	if format != "html" {
		if out == "" {
			e.stdout.Write(text.Bytes())
		} else if err := os.WriteFile(out, text.Bytes(), 0o644); err != nil {
			return e.fail("%v", err)
		}
	}
	if r.Reproduced {
		return ExitViolation
	}
	return ExitNotRepro
}

// traceName is "variant" or "variant+mutant", with the model: "v2-2012+ge-one under sc".
func traceName(tr *traces.Trace) string {
	name := tr.Variant
	if tr.Mutant != "" {
		name += "+" + tr.Mutant
	}
	return name + " under " + tr.Model
}
