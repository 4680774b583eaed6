package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeExamples are the "bin/steercheck ..." lines of the README's sh blocks, as
// argument lists (quotes and trailing comments handled).
func readmeExamples(t *testing.T, readme string) [][]string {
	var out [][]string
	inSh := false
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
		case strings.HasPrefix(line, "```"):
			inSh = false
		case inSh && strings.HasPrefix(line, "bin/steercheck "):
			out = append(out, shellWords(t, strings.TrimPrefix(line, "bin/steercheck ")))
		}
	}
	return out
}

// shellWords splits a command line as sh would, for the README's simple lines:
// spaces, double quotes, and a comment from " #" on.
func shellWords(t *testing.T, line string) []string {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			quoted, inWord = !quoted, true
		case c == '#' && !quoted && !inWord:
			return words
		case (c == ' ' || c == '\t') && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '>' && !quoted:
			t.Fatalf("README example redirects its output (use --out): %s", line)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// Every example in the README works in a fresh clone: run from the repository root,
// with the traces it refers to made first and its output files redirected to a
// temporary directory. check and litmus run with a canceled context: they validate
// everything and stop before exploring (exit 130); barriers is only parsed.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	examples := readmeExamples(t, string(b))
	require.GreaterOrEqual(t, len(examples), 10, "README examples")
	t.Chdir(filepath.Join("..", ".."))
	tmp := t.TempDir()
	traces := filepath.Join(tmp, "steercheck-traces")
	code, _, errs := run("check", "--mutant", "no-tgt-lock", "--model", "sc", "--traces", traces, "--quiet")
	require.Equal(t, ExitViolation, code, errs)
	_, dotErr := exec.LookPath("dot")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, ex := range examples {
		line := "bin/steercheck " + strings.Join(ex, " ")
		args := make([]string, len(ex))
		for i, a := range ex {
			switch {
			case strings.HasPrefix(a, "steercheck-traces/"):
				a = filepath.Join(tmp, a)
			case i > 0 && (ex[i-1] == "--out" || ex[i-1] == "-o" || ex[i-1] == "--json"):
				a = filepath.Join(tmp, a)
			}
			args[i] = a
		}
		switch args[0] {
		case "barriers":
			c, _ := lookup("barriers")
			fs := newFlagSet(c.name)
			c.setup(fs, &env{cmd: c.name})
			var out, errb strings.Builder
			_, code, ok := fs.parse(args[1:], &out, &errb, c)
			assert.True(t, ok, "%s: code %d: %s", line, code, errb.String())
		case "check", "litmus":
			var out, errb strings.Builder
			code := MainContext(canceled, args, &out, &errb)
			assert.Equal(t, ExitInterrupt, code, "%s: %s", line, errb.String())
		default:
			if strings.Contains(line, "--format svg") && dotErr != nil {
				t.Logf("skipped without Graphviz's dot: %s", line)
				continue
			}
			code, _, errs := run(args...)
			assert.NotEqual(t, ExitUsage, code, "%s: %s", line, errs)
			assert.NotEqual(t, ExitNotRepro, code, "%s", line)
		}
	}
}
