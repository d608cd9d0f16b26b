package repopush_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/bench/repopush"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
)

// childEnv carries a child's options when the test binary re-executes
// itself to run one push (TestHelperPush).
const childEnv = "DP_REPOPUSH_CHILD"

func TestMain(m *testing.M) { os.Exit(s3env.RunMain(m)) }

// TestHelperPush is not a test: it runs one push in a child process.
func TestHelperPush(t *testing.T) {
	arg := os.Getenv(childEnv)
	if arg == "" {
		t.Skip("runs only as a child of TestFigureSmoke")
	}
	var o repopush.Options
	require.NoError(t, json.Unmarshal([]byte(arg), &o))
	r, err := repopush.Push(context.Background(), o)
	require.NoError(t, err)
	require.NoError(t, json.NewEncoder(os.Stdout).Encode(r))
	os.Exit(0) // nothing after the JSON line
}

// TestFigureSmoke runs figure 7 at 16 MiB against the real S3 server.
func TestFigureSmoke(t *testing.T) {
	srv := s3env.Require(t)
	file := filepath.Join(t.TempDir(), "dump.sql")
	require.NoError(t, repopush.WriteDumpFile(file, 16<<20))
	o := repopush.Options{Endpoint: srv.Endpoint, Region: s3env.Region, AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, Bucket: srv.NewBucket(t), File: file}
	f, err := repopush.RunFigure(t.Context(), o, 1, func(ctx context.Context, o repopush.Options) *exec.Cmd {
		data, _ := json.Marshal(o)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperPush$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(data))
		return cmd
	})
	require.NoError(t, err)
	s := f.Summarize()
	require.Greater(t, s.CompressionRatio, 3.0)
	require.Equal(t, int64(16<<20), f.Raw[0].Stored)
	require.Positive(t, s.PipelinePeakRSS)
	require.Positive(t, s.TimeRatio)
}
