package repourl

import (
	"os"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// parseKeys reads recipients and identities from the environment. A
// malformed key shows when the repository uses it, with an error that
// does not quote a secret.
func (c *Config) parseKeys(getenv func(string) string) error {
	c.Write.Recipients = strings.FieldsFunc(getenv(EnvRecipients), func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r'
	})
	ids := keyLines(getenv(EnvIdentity))
	if path := getenv(EnvIdentityFile); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return drivers.Errorf(drivers.InvalidArgument, "%s: cannot read the identity file", EnvIdentityFile)
		}
		ids = append(ids, keyLines(string(data))...)
	}
	c.Read.Identities = ids
	return nil
}

// keyLines returns the non-empty lines that are not comments.
func keyLines(s string) []string {
	var keys []string
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			keys = append(keys, line)
		}
	}
	return keys
}
