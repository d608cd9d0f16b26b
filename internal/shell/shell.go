package shell

import (
	"regexp"
	"strings"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

var name = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// IsName reports whether s can name a shell variable (and so be exported
// by a shell): a letter or "_", then letters, digits and "_".
func IsName(s string) bool { return name.MatchString(s) }

// Quote returns s as one single-quoted shell word: the shell reads it back
// exactly, whatever it holds (quotes, "$", backquotes, newlines).
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Exports returns vars as shell code, one `export NAME='value'` line per
// variable, in order. Every name must satisfy IsName.
func Exports(vars []envvar.Var) []byte {
	var b strings.Builder
	for _, v := range vars {
		b.WriteString("export " + v.Name + "=" + Quote(v.Value) + "\n")
	}
	return []byte(b.String())
}
