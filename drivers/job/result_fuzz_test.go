package job

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// FuzzParseResult: a termination message is what the pod wrote (the
// script's JSON, or the end of a log the tool filled): any message parses
// or is refused without a panic, and a parsed one gives a status whose
// Output is nil or one JSON object and whose artifacts are sorted.
func FuzzParseResult(f *testing.F) {
	f.Add(`{"v":1,"exitCode":0,"fileCount":2,"totalSize":3072,"sha256":"ab","artifacts":[{"path":"b","size":1,"sha256":"c"},{"path":"a","size":2,"sha256":"d"}],"output":"{\"backupTool\":{\"CheckPoint\":\"0/1\"}}"}`)
	f.Add(`{"v":1,"exitCode":3,"failed":"command 2 of step \"backup\"","logTail":"boom"}`)
	f.Add(`{"v":1,"exitCode":0,"fileCount":1,"output":"[1,2]","outputOmitted":70000}`)
	f.Add(`{"v":2}`)
	f.Add("tool: disk full\n")
	f.Fuzz(func(t *testing.T, message string) {
		r, ok := parseResult(message)
		if !ok {
			require.Equal(t, scriptResult{}, r)
			return
		}
		require.Equal(t, 1, r.Version)
		st := &drivers.TaskStatus{}
		r.applyTo(st)
		_ = r.failure()
		if st.Output != nil {
			var obj map[string]any
			require.NoError(t, json.Unmarshal(st.Output, &obj), "%s", st.Output)
		}
		for i := 1; i < len(st.Artifacts); i++ {
			require.LessOrEqual(t, st.Artifacts[i-1].Path, st.Artifacts[i].Path)
		}
	})
}
