package local

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// The supervisor is a file of its own (supervisor.sh), embedded: it parses.
func TestSupervisorScriptParses(t *testing.T) {
	cmd := exec.Command("sh", "-n", "/dev/stdin")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	go func() { _, _ = stdin.Write(supervisorScript); stdin.Close() }()
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "sh -n supervisor.sh: %s", out)
}
