package local

import (
	"bytes"
	"context"
	"io"
	"path/filepath"

	"github.com/dpsdk/dataprotection/drivers"
)

// Logs implements drivers.LogReader: the end of the task's combined output
// that its state directory keeps (at most drivers.MaxLogBytes, secret
// values redacted, see Log). Each stream keeps its own order, but standard
// output passes through the capture's tee while standard error does not,
// so a line of one may come before an earlier line of the other. NotFound
// when the driver has no state of the task.
func (d *Driver) Logs(ctx context.Context, id string) (io.ReadCloser, error) {
	out, err := d.Log(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(out) > drivers.MaxLogBytes {
		out = out[len(out)-drivers.MaxLogBytes:]
	}
	return io.NopCloser(bytes.NewReader(out)), nil
}

// LogLocation implements drivers.LogReader: the file in the task's state
// directory that keeps the end of its combined output (OutputKeptBytes at
// least; the older part, when it was cut, in the same name with ".1"),
// unredacted: the state directory is the host's, mode 0700.
func (d *Driver) LogLocation(t *drivers.Task) string {
	if t == nil || !validID(t.ID) {
		return ""
	}
	return filepath.Join(d.taskDir(t.ID), fileLog)
}

// DataLocation implements drivers.DataLocator: the directory on this
// machine that holds a backup task's data — the claim's directory under
// Root that the task's mount path (BACKUP_DIR's parent, the filePath of a
// Backup's status) stands for; for a backup staged before its upload to a
// repository, "" (the data is in the repository).
func (d *Driver) DataLocation(t *drivers.Task) string {
	if t == nil || t.Storage == nil || t.Storage.ClaimName == "" {
		return ""
	}
	return d.place(t.Storage).dir
}

var (
	_ drivers.LogReader   = (*Driver)(nil)
	_ drivers.DataLocator = (*Driver)(nil)
)
