package dataprotection_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxRawLiteralLines is the longest multi-line raw string literal that non-test
// code may hold: longer programs (shell, AWK) and prose (help texts) are
// files of their own, embedded with //go:embed, so that they are read,
// checked and tested as what they are.
const maxRawLiteralLines = 10

// generatedFile is the marker of a generated Go file (go help generate).
var generatedFile = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

func TestNoLongRawStringLiteralInNonTestCode(t *testing.T) {
	var found []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if generatedFile.Match(src) {
			return nil
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || !strings.HasPrefix(lit.Value, "`") {
				return true
			}
			if lines := strings.Count(lit.Value, "\n") + 1; lines > maxRawLiteralLines {
				found = append(found, fset.Position(lit.Pos()).String())
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("raw string literals over %d lines in non-test code (make them files and //go:embed them):\n%s",
			maxRawLiteralLines, strings.Join(found, "\n"))
	}
}
