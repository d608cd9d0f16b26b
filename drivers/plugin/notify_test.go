package plugin_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestExamplePluginNotifiesOverTheProtocol runs the example plugin as a
// real subprocess: its driver, built on drivers/local, notifies when a
// task's process exits, and the notification crosses the protocol.
func TestExamplePluginNotifiesOverTheProtocol(t *testing.T) {
	dir := t.TempDir()
	source := filepath.Join(dir, "source")
	require.NoError(t, os.MkdirAll(source, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(source, "data"), []byte("rows"), 0o600))
	m, err := plugin.NewManager(context.Background(), plugin.ManagerOptions{Binaries: exampleBinaries(t),
		Env: exampleEnv(filepath.Join(dir, "root"), filepath.Join(dir, "state"))})
	require.NoError(t, err)
	defer m.Close()
	d, err := m.Drivers().Lookup(exampleName)
	require.NoError(t, err)
	n, ok := d.(drivers.Notifier)
	require.True(t, ok, "a plugin's driver is a drivers.Notifier")

	notified := make(chan string, 100)
	require.NoError(t, n.Notify(t.Context(), func(id string) {
		select {
		case notified <- id:
		default:
		}
	}))
	gate := filepath.Join(dir, "go")
	task := &drivers.Task{ID: "plugin-notify-b1", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Owner:   drivers.ObjectRef{Kind: "Backup", Namespace: "ns", Name: "b1"},
		Env:     []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/b1"}, {Name: "SOURCE_DIR", Value: source}},
		Storage: &drivers.Storage{ClaimName: "c", MountPath: "/backupdata", Path: "ns/b1", Create: &drivers.ClaimTemplate{}},
		Steps:   []drivers.Step{{Name: "wait", Commands: []string{"while [ ! -e " + gate + " ]; do sleep 0.01; done"}}}}
	require.NoError(t, d.Start(context.Background(), task))
	require.NoError(t, os.WriteFile(gate, nil, 0o600))
	timeout := time.After(time.Minute)
	for {
		select {
		case id := <-notified:
			if id != task.ID {
				continue
			}
			st, err := d.Status(context.Background(), task.ID)
			require.NoError(t, err)
			if st.Phase.IsTerminal() {
				require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
				return
			}
		case <-timeout:
			t.Fatal("no notification of the task's end crossed the protocol")
		}
	}
}

func TestPluginDriverNotifiesOnlyWhenItsDriverDoes(t *testing.T) {
	for name, tc := range map[string]struct {
		notifies bool
		want     drivers.Code
	}{
		"a driver that notifies": {notifies: true},
		"a driver that cannot":   {want: drivers.Unimplemented},
	} {
		t.Run(name, func(t *testing.T) {
			mem := memdriver.New(func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Held: true} })
			mem.Notifies = tc.notifies
			d := plugin.TestDriver(t, mem)
			n, ok := d.(drivers.Notifier)
			require.True(t, ok)
			got := make(chan string, 1)
			err := n.Notify(t.Context(), func(id string) { got <- id })
			if tc.want != drivers.Unknown {
				require.Error(t, err)
				require.Equal(t, tc.want, drivers.ErrorCode(err), "%v", err)
				return
			}
			require.NoError(t, err)
			require.NoError(t, d.Start(context.Background(), &drivers.Task{ID: "held", Kind: drivers.KindBackup,
				BackupType: v1alpha1.BackupTypeDataFile, Owner: drivers.ObjectRef{Kind: "Backup", Namespace: "ns", Name: "b1"},
				Storage: &drivers.Storage{ClaimName: "c", MountPath: "/backupdata", Path: "ns/b1"},
				Steps:   []drivers.Step{{Name: "s", Commands: []string{"true"}}}}))
			mem.Release("held")
			select {
			case id := <-got:
				require.Equal(t, "held", id)
			case <-time.After(time.Minute):
				t.Fatal("no notification")
			}
		})
	}
}
