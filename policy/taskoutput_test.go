package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
)

func TestTaskOutputSaysWhyThereIsNoUsableOutput(t *testing.T) {
	tests := []struct {
		name     string
		st       drivers.TaskStatus
		required bool
		want     string // "" means no error
		output   string
	}{
		{name: "a JSON object is the output", st: drivers.TaskStatus{Output: []byte(`{"a":1}`)}, required: true, output: `{"a":1}`},
		{name: "a 10 MB object is too large", st: drivers.TaskStatus{OutputSize: 10 << 20, OutputStart: `{"userContext":`},
			required: true, want: "output is 10485760 bytes, more than 65536"},
		{name: "text is quoted from its start, with its size", st: drivers.TaskStatus{OutputSize: 300, OutputStart: `error: [REDACTED] refused`},
			required: true, want: `output is not a JSON object: "error: [REDACTED] refused" (300 bytes in all)`},
		{name: "nothing printed", required: true, want: "output is empty"},
		{name: "a line the driver could not carry", st: drivers.TaskStatus{OutputSize: 3000}, required: true,
			want: "output is 3000 bytes, more than the driver could report"},
		{name: "a tool's log is no manifest and no error", st: drivers.TaskStatus{OutputSize: 10 << 20, OutputStart: "copying..."}},
		{name: "a tool's object too large is an error", st: drivers.TaskStatus{OutputSize: 10 << 20, OutputStart: `{"backupTool":`},
			want: "output is 10485760 bytes, more than 65536"},
		{name: "a tool that printed nothing", st: drivers.TaskStatus{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := policy.TaskOutput(&tt.st, tt.required)
			if tt.want != "" {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tt.want), "%q does not start with %q", err, tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.output, string(out))
		})
	}
}

func TestOutputStartIsRedactedThenCut(t *testing.T) {
	secret := "hunter2"
	long := "  \n" + secret + " " + strings.Repeat("é", 300)
	got := drivers.OutputStartOf([]byte(long), func(s string) string { return strings.ReplaceAll(s, secret, "[REDACTED]") })
	assert.True(t, strings.HasPrefix(got, "[REDACTED] é"), got)
	assert.LessOrEqual(t, len(got), drivers.MaxOutputStart)
	assert.NotContains(t, got, "\uFFFD", "cut at a character boundary")
}
