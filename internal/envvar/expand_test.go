package envvar_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

func TestExpandFollowsKubernetesRules(t *testing.T) {
	vars := map[string]string{"BACKUP_DIR": "/backup/b1", "NAME": "b1", "EMPTY": "", "REF": "$(NAME)"}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	cases := []struct{ name, in, want string }{
		{"a whole reference", "$(BACKUP_DIR)", "/backup/b1"},
		{"a reference in text", "$(BACKUP_DIR)/data", "/backup/b1/data"},
		{"a repeated reference", "$(NAME)-$(NAME)", "b1-b1"},
		{"an escaped reference", "$$(BACKUP_DIR)", "$(BACKUP_DIR)"},
		{"an escape and a reference", "$$(NAME)_$(NAME)", "$(NAME)_b1"},
		{"an escaped operator before text", "x-$$NAME", "x-$NAME"},
		{"an unknown name", "$(UNKNOWN)/x", "$(UNKNOWN)/x"},
		{"an empty value", "a$(EMPTY)b", "ab"},
		{"a value that is a reference is not expanded again", "$(REF)", "$(NAME)"},
		{"a bare operator", "$BACKUP_DIR", "$BACKUP_DIR"},
		{"shell syntax", "${NAME} $? $!", "${NAME} $? $!"},
		{"an operator at the end", "cost: 5$", "cost: 5$"},
		{"an unterminated reference", "$(unterminated", "$(unterminated"},
		{"an unterminated reference, then an escape", "$(a $$b", "$(a $b"},
		{"an unterminated reference, then escapes", "$( $$x $$$$", "$( $x $$"},
		{"a reference closed by a later escaped one", "$( $$(NAME) $$$$", "$( $$(NAME) $$"},
		{"an unterminated reference at the end", "$(NAME)_$(", "b1_$("},
		{"many unterminated references", "--$($($(--$$", "--$($($(--$"},
		{"a reference within an unterminated one", "$(a$(NAME)", "$(a$(NAME)"},
		{"an escape inside a name", "$(a$$b)", "$(a$$b)"},
		{"an even run of operators", "$$$$$$(NAME)", "$$$(NAME)"},
		{"an odd run of operators", "$$$$$$$(NAME)", "$$$b1"},
		{"a closer without an opener", "$NAME)", "$NAME)"},
		{"no references", "no references", "no references"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, envvar.Expand(tc.in, lookup), "%s: %q", tc.name, tc.in)
	}
}

func TestSubstituteThenExpandEqualsOneExpansion(t *testing.T) {
	early := map[string]string{"DIR": "/b/$x", "NAME": "b1"}
	late := map[string]string{"DIR": "/b/$x", "NAME": "b1", "PASS": "p$(w)"}
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(n string) (string, bool) { v, ok := m[n]; return v, ok }
	}
	for _, in := range []string{"$(DIR)/data", "$(PASS)@$(NAME)", "$$(NAME) $$5", "$(NOPE)", "plain", "$(x $$y $(NAME"} {
		once := envvar.Expand(in, lookup(late))
		twice := envvar.Expand(envvar.Substitute(in, lookup(early)), lookup(late))
		assert.Equal(t, once, twice, in)
	}
	assert.Equal(t, "a$$b", envvar.Escape("a$b"))
}
