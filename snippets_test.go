package dataprotection_test

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every Go snippet in README.md and in the packages' documentation is code
// that compiles and runs: the text of a test or Example of the module
// (whitespace aside). Change a snippet and its Example together.
func TestGoSnippetsAreCompiledExamplesOrTests(t *testing.T) {
	tests := testSources(t)
	snippets := append(readmeSnippets(t), godocSnippets(t)...)
	require.NotEmpty(t, snippets)
	for _, s := range snippets {
		want := squeeze(s.code)
		found := false
		for _, src := range tests {
			if strings.Contains(src, want) {
				found = true
				break
			}
		}
		assert.True(t, found, "%s: a Go snippet that no test or Example holds:\n%s", s.where, s.code)
	}
}

// The quick start of the package documentation is Example's body.
func TestDocQuickStartIsExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	body := exampleBody(t, "example_test.go", src, "Example")
	var quick string
	for _, s := range godocSnippets(t) {
		if s.where == "doc.go" {
			quick = s.code
		}
	}
	require.NotEmpty(t, quick, "doc.go has a Go snippet")
	assert.Equal(t, squeeze(body), squeeze(quick), "doc.go's quick start and Example differ")
}

type snippet struct{ where, code string }

// readmeSnippets returns the ```go blocks of README.md and of the
// examples' READMEs.
func readmeSnippets(t *testing.T) []snippet {
	files, err := filepath.Glob(filepath.Join("examples", "*", "README.md"))
	require.NoError(t, err)
	var out []snippet
	for _, f := range append([]string{"README.md"}, files...) {
		out = append(out, markdownSnippets(t, f)...)
	}
	return out
}

// markdownSnippets returns the ```go blocks of the markdown file path.
func markdownSnippets(t *testing.T, path string) []snippet {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []snippet
	var cur []string
	in := false
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```go":
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			out = append(out, snippet{where: path + ":" + strconv.Itoa(i+1), code: strings.Join(cur, "\n")})
		case in:
			cur = append(cur, line)
		}
	}
	return out
}

// godocSnippets returns the code blocks of the package documentation and
// doc comments of the module's public packages that parse as Go.
func godocSnippets(t *testing.T) []snippet {
	var out []snippet
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skipDir(path) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		full, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, cg := range full.Comments {
			for _, block := range codeBlocks(cg.Text()) {
				if isGo(block) || looksLikeGo(block) {
					out = append(out, snippet{where: path, code: block})
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// skipDir leaves out what is not documentation a user reads: generated
// clients, internal packages, commands and examples (whose documentation
// shows commands), testdata and nested modules.
func skipDir(path string) bool {
	base := filepath.Base(path)
	if path != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "internal") {
		return true
	}
	switch path {
	case "client", "examples", "cmd", "bench", "hack", "tools", "e2e":
		return true
	}
	return false
}

// codeBlocks returns the indented blocks of a doc comment's text.
func codeBlocks(text string) []string {
	var out, cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t") {
			cur = append(cur, line[1:])
			continue
		}
		if strings.TrimSpace(line) == "" && len(cur) > 0 {
			cur = append(cur, "")
			continue
		}
		flush()
	}
	flush()
	for i := range out {
		out[i] = strings.TrimRight(out[i], "\n")
	}
	return out
}

// isGo reports whether block parses as Go declarations or statements and
// has a call or a declaration in it (a YAML line such as "a: b" parses as
// a labelled statement).
func isGo(block string) bool {
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+block, 0); err == nil {
		return true
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+block+"\n}", 0)
	if err != nil {
		return false
	}
	calls := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr, *ast.AssignStmt, *ast.GoStmt, *ast.DeferStmt:
			calls = true
		}
		return true
	})
	return calls
}

// looksLikeGo reports whether block is meant as Go even though it does not
// parse (a placeholder such as New(...)): it is then held by no test.
func looksLikeGo(block string) bool {
	return strings.Contains(block, ":=") || strings.HasPrefix(block, "func ")
}

// testSources returns the squeezed text of every _test.go file of the
// module and of the nested example modules, and of the example programs
// (their tests run them).
func testSources(t *testing.T) []string {
	var out []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		program := strings.HasPrefix(path, "examples"+string(filepath.Separator)) && strings.HasSuffix(path, ".go")
		if !d.IsDir() && (strings.HasSuffix(path, "_test.go") || program) {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out = append(out, squeeze(string(data)))
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// exampleBody returns the source of the body of function name in src,
// without its braces and without a trailing // Output: comment.
func exampleBody(t *testing.T, path string, src []byte, name string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	require.NoError(t, err)
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			return string(src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset])
		}
	}
	t.Fatalf("%s: no function %s", path, name)
	return ""
}

// squeeze drops every white space character, so that indentation and line
// breaks do not matter.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
