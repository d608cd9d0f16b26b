package local_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// The driver says where a task's log and data are, and reads the log back
// through drivers.LogReader, secrets redacted.
func TestLogsAndLocations(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.Secrets = local.SecretMap{"ns/db": {"password": "hunter2-x"}} })
	task := f.task("logs-1", `echo "hello from $DB_PASSWORD"`, `echo done >&2`, `echo data > "$BACKUP_DIR/f"`)
	task.Env = append(task.Env, secretEnv("DB_PASSWORD", "db", "password"))
	var d drivers.Driver = f.d
	lr, ok := d.(drivers.LogReader)
	require.True(t, ok)
	dl, ok := d.(drivers.DataLocator)
	require.True(t, ok)
	assert.Equal(t, filepath.Join(f.state, "logs-1", "output.log"), lr.LogLocation(task))
	assert.Equal(t, f.dir("logs-1"), dl.DataLocation(task), "the directory on disk that BACKUP_DIR stands for")

	f.start(task)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, "logs-1").Phase)
	rc, err := lr.Logs(f.ctx, "logs-1")
	require.NoError(t, err)
	out, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	// The two streams are captured apart (Logs): their lines are all
	// there, redacted, in an order the test does not fix.
	assert.ElementsMatch(t, []string{"hello from [REDACTED]", "done", ""}, strings.Split(string(out), "\n"))
	_, err = os.Stat(filepath.Join(f.dir("logs-1"), "f"))
	require.NoError(t, err, "the data is where DataLocation says")

	_, err = lr.Logs(f.ctx, "never-ran")
	assert.True(t, drivers.IsNotFound(err), "%v", err)
}
