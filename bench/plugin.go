package bench

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The ways the plugin figure reaches the instant driver.
const (
	// PluginDirect calls the driver in this process, no wire.
	PluginDirect = "direct"
	// PluginWire goes through the plugin protocol (gRPC on a local socket)
	// to a server in this process: plugin.InProcess.
	PluginWire = "in-process wire"
	// PluginSubprocess goes to a real plugin process started by a
	// plugin.Manager (with go-plugin's automatic mutual TLS).
	PluginSubprocess = "subprocess"
)

// PluginResult is one measurement of Start+Status.
type PluginResult struct {
	Mode string
	// NsPerOp is the time of one Start and one Status; AllocsPerOp and
	// BytesPerOp the host side's allocations.
	NsPerOp     float64
	AllocsPerOp int64
	BytesPerOp  int64
}

// PluginDriver returns the instant driver reached the way mode says, and a
// function that releases it. For PluginSubprocess, exe is the binary to
// start with PluginServeEnv=1 (it must call ServePluginIfAsked first).
func PluginDriver(ctx context.Context, mode, exe string) (drivers.Driver, func(), error) {
	switch mode {
	case PluginDirect:
		return newInstantDriver(), func() {}, nil
	case PluginWire:
		reg, stop, err := plugin.InProcess(plugin.ServeOptions{Drivers: map[string]drivers.Driver{PluginDriverName: newInstantDriver()}})
		if err != nil {
			return nil, nil, err
		}
		return reg[PluginDriverName], stop, nil
	case PluginSubprocess:
		m, err := plugin.NewManager(ctx, plugin.ManagerOptions{HealthInterval: -1,
			Binaries: []plugin.Binary{{Name: "bench-plugin", Path: exe, Env: []string{PluginServeEnv + "=1"}}}})
		if err != nil {
			return nil, nil, err
		}
		return m.Drivers()[PluginDriverName], func() { _ = m.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown plugin mode %q", mode)
}

// PluginRoundTrip measures Start of a new task plus Status of it, the
// round trip of an engine step that starts a task, with testing.Benchmark.
func PluginRoundTrip(ctx context.Context, mode, exe string) (PluginResult, error) {
	d, release, err := PluginDriver(ctx, mode, exe)
	if err != nil {
		return PluginResult{}, err
	}
	defer release()
	var callErr error
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if err := StartStatus(ctx, d, i); err != nil {
				callErr = err
				b.FailNow()
			}
		}
	})
	if callErr != nil {
		return PluginResult{}, callErr
	}
	return PluginResult{Mode: mode, NsPerOp: float64(r.NsPerOp()), AllocsPerOp: r.AllocsPerOp(), BytesPerOp: r.AllocedBytesPerOp()}, nil
}

// StartStatus starts the i-th task (a backup task as the engine resolves
// it) and reads its status, which must be Succeeded.
func StartStatus(ctx context.Context, d drivers.Driver, i int) error {
	t := pluginTask(i)
	if err := d.Start(ctx, t); err != nil {
		return err
	}
	st, err := d.Status(ctx, t.ID)
	if err == nil && st.Phase != drivers.Succeeded {
		err = fmt.Errorf("task %s is %s", t.ID, st.Phase)
	}
	return err
}

// pluginTask is a datafile backup task of the size the engine sends.
func pluginTask(i int) *drivers.Task {
	name := fmt.Sprintf("b-%07d", i)
	return &drivers.Task{ID: name + "-uid-0-main", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Owner:  drivers.ObjectRef{Kind: "Backup", Namespace: "demo", Name: name, UID: "0d6c6c1e-8f0b-4c52-9d1c-2f4f7d4a9b11"},
		Labels: map[string]string{v1alpha1.LabelBackupName: name, v1alpha1.LabelBackupType: "datafile"},
		Image:  "registry.example/pg-tools:16",
		Steps:  []drivers.Step{{Name: "backup", Commands: []string{`pg_basebackup -h "$DB_HOST" -U "$DB_USER" -D "$BACKUP_DIR" -Ft -z`}}},
		Env: []corev1.EnvVar{{Name: "DB_HOST", Value: "pg-0.pg"},
			{Name: "DB_USER", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "pg"}, Key: "username"}}},
			{Name: "BACKUP_NAME", Value: name}, {Name: "BACKUP_DIR", Value: "/backupdata/demo/" + name}},
		Target:  benchTarget("demo"),
		Storage: &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/" + name}}
}
