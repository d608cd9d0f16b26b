package envvar_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

func TestExpandFollowsKubernetesRules(t *testing.T) {
	vars := map[string]string{"BACKUP_DIR": "/backup/b1", "NAME": "b1"}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	cases := map[string]string{
		"$(BACKUP_DIR)/data": "/backup/b1/data",
		"$(NAME)-$(NAME)":    "b1-b1",
		"$$(BACKUP_DIR)":     "$(BACKUP_DIR)",
		"$(UNKNOWN)/x":       "$(UNKNOWN)/x",
		"$BACKUP_DIR":        "$BACKUP_DIR",
		"cost: 5$":           "cost: 5$",
		"$(unterminated":     "$(unterminated",
		"no references":      "no references",
	}
	for in, want := range cases {
		assert.Equal(t, want, envvar.Expand(in, lookup), in)
	}
}

func TestSubstituteThenExpandEqualsOneExpansion(t *testing.T) {
	early := map[string]string{"DIR": "/b/$x", "NAME": "b1"}
	late := map[string]string{"DIR": "/b/$x", "NAME": "b1", "PASS": "p$(w)"}
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(n string) (string, bool) { v, ok := m[n]; return v, ok }
	}
	for _, in := range []string{"$(DIR)/data", "$(PASS)@$(NAME)", "$$(NAME) $$5", "$(NOPE)", "plain"} {
		once := envvar.Expand(in, lookup(late))
		twice := envvar.Expand(envvar.Substitute(in, lookup(early)), lookup(late))
		assert.Equal(t, once, twice, in)
	}
	assert.Equal(t, "a$$b", envvar.Escape("a$b"))
}
