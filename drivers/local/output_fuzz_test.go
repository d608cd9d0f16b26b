package local

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

// FuzzOutputOf: whatever a tool prints on standard output and whatever its
// secret, the JSON output found is nil or one valid JSON object in which
// the secret appears nowhere, not even escaped.
func FuzzOutputOf(f *testing.F) {
	f.Add([]byte("starting\n{\"a\":1}\n{\"backupTool\":{\"CheckPoint\":\"0/1\"}}\ndone\n"), true, "")
	f.Add([]byte("{\n  \"userContext\": {\"p\": \"pa\\\"ss\"}\n}\n"), true, `pa"ss`)
	f.Add([]byte("cut line\"}\n{\"userContext\":{\"port\":5432}}\n"), false, "5432")
	f.Add([]byte("{\"a\":1}{\"b\":2}\n[1]\n{"), false, "x")
	f.Fuzz(func(t *testing.T, data []byte, whole bool, secret string) {
		out := outputOf(data, whole, envvar.NewRedactor(secret))
		if out == nil {
			return
		}
		var obj map[string]any
		require.NoError(t, json.Unmarshal(out, &obj), "%s", out)
		require.NotNil(t, obj)
		if secret == "" || strings.Contains(envvar.Redacted, secret) {
			return
		}
		canonical, err := json.Marshal(obj)
		require.NoError(t, err)
		escaped, _ := json.Marshal(secret)
		require.NotContains(t, string(canonical), string(escaped[1:len(escaped)-1]))
	})
}
