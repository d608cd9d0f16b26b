package shell_test

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/shell"
)

var hostile = []string{"", "plain", "it's", `"$HOME" \n $(id) ` + "`id`", "line\nbreak\n", "'''", "é ☃", "x'; touch marker; echo '"}

func TestQuoteRoundTripsThroughTheShell(t *testing.T) {
	for _, s := range hostile {
		out, err := exec.Command("sh", "-c", "printf '%s' "+shell.Quote(s)).Output()
		require.NoError(t, err)
		assert.Equal(t, s, string(out))
	}
}

func TestExportsRoundTripThroughTheShell(t *testing.T) {
	var vars []envvar.Var
	for i, s := range hostile {
		vars = append(vars, envvar.Var{Name: "V" + string(rune('A'+i)), Value: s})
	}
	cmd := exec.Command("sh", "-c", `eval "$(cat)"; for v in VA VB VC VD VE VF VG VH; do env | grep -c "^$v=" >/dev/null || exit 9; done; printf '%s|%s' "$VD" "$VE"`)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	go func() { _, _ = stdin.Write(shell.Exports(vars)); stdin.Close() }()
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, hostile[3]+"|"+hostile[4], string(out), "exported, exact, even with trailing newlines")
}

func TestIsName(t *testing.T) {
	for s, want := range map[string]bool{"A": true, "_a1": true, "DB_PASSWORD": true, "": false, "1A": false, "a.b": false, "a-b": false, "a=b": false} {
		assert.Equal(t, want, shell.IsName(s), s)
	}
}
