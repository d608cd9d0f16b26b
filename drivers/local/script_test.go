package local

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// The supervisor and the capture are files of their own (supervisor.sh,
// capture.sh), embedded: they parse.
func TestScriptsParse(t *testing.T) {
	for name, script := range map[string][]byte{"supervisor.sh": supervisorScript, "capture.sh": captureScript} {
		cmd := exec.Command("sh", "-n", "/dev/stdin")
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		go func() { _, _ = stdin.Write(script); stdin.Close() }()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "sh -n %s: %s", name, out)
	}
}
