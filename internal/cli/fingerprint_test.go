package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fingerprintOfFiles writes files into a package directory "p" under a fresh root and
// returns SourceFingerprintOf that root.
func fingerprintOfFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "p"), 0o755))
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(root, "p", name), []byte(src), 0o644))
	}
	fp, err := SourceFingerprintOf(root, []string{"p"})
	require.NoError(t, err)
	return fp
}

const fingerprintBase = `package p

// F returns the answer.
func F() int {
	x := 41
	return x + 1
}
`

// The fingerprint follows the code and nothing else: a comment, a blank line, the
// indentation or a written semicolon leaves it alone; a changed literal, name or
// operator, a renamed file or a new non-test file changes it; test files do not count.
func TestSourceFingerprintHashesCodeNotComments(t *testing.T) {
	base := fingerprintOfFiles(t, map[string]string{"a.go": fingerprintBase})

	same := map[string]string{
		"comment changed": `package p

// F returns forty-two, computed the long way.
func F() int {
	x := 41 // one short
	/* a block comment */
	return x + 1
}
`,
		"layout changed": "package p\nfunc F() int {\n\n\n    x := 41;   return x + 1\n}\n",
	}
	for name, src := range same {
		assert.Equal(t, base, fingerprintOfFiles(t, map[string]string{"a.go": src}), name)
	}
	assert.Equal(t, base, fingerprintOfFiles(t, map[string]string{"a.go": fingerprintBase, "a_test.go": "package p\n"}),
		"a test file")

	differ := map[string]map[string]string{
		"literal":  {"a.go": "package p\nfunc F() int {\n\tx := 40\n\treturn x + 1\n}\n"},
		"name":     {"a.go": "package p\nfunc G() int {\n\tx := 41\n\treturn x + 1\n}\n"},
		"operator": {"a.go": "package p\nfunc F() int {\n\tx := 41\n\treturn x - 1\n}\n"},
		"renamed":  {"b.go": fingerprintBase},
		"new file": {"a.go": fingerprintBase, "b.go": "package p\n"},
	}
	for name, files := range differ {
		assert.NotEqual(t, base, fingerprintOfFiles(t, files), name)
	}
}

// A file the scanner cannot read is an error, not a fingerprint of half of it.
func TestSourceFingerprintRefusesBrokenFiles(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "p"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "p", "a.go"), []byte("package p\nvar s = \"unterminated\n"), 0o644))
	_, err := SourceFingerprintOf(root, []string{"p"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "p/a.go:2")

	_, err = SourceFingerprintOf(root, []string{"missing"})
	assert.Error(t, err)
}
