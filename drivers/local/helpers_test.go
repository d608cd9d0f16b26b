package local_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const mount = "/backupdata"

// fixture is a local driver over fresh directories.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	opts  local.Options
	d     *local.Driver
	root  string
	state string
}

func newFixture(t *testing.T, mut ...func(*local.Options)) *fixture {
	dir := t.TempDir()
	f := &fixture{t: t, ctx: context.Background(), root: filepath.Join(dir, "root"), state: filepath.Join(dir, "state")}
	f.opts = local.Options{Root: f.root, StateDir: f.state, KillGrace: 2 * time.Second}
	for _, m := range mut {
		m(&f.opts)
	}
	f.d = f.newDriver()
	return f
}

// newDriver returns a new driver over the fixture's directories, closed
// when the test ends.
func (f *fixture) newDriver() *local.Driver {
	d, err := local.New(f.opts)
	require.NoError(f.t, err)
	f.t.Cleanup(func() { _ = d.Close() })
	return d
}

// task returns a backup task of claim "c" whose BACKUP_DIR is
// /backupdata/ns/<id>, with one step of commands. It is cleaned up when
// the test ends.
func (f *fixture) task(id string, commands ...string) *drivers.Task {
	f.t.Cleanup(func() { _ = f.d.Cleanup(context.Background(), id) })
	return &drivers.Task{
		ID: id, Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Owner: drivers.ObjectRef{Kind: "Backup", Namespace: "ns", Name: id},
		Env:   []corev1.EnvVar{{Name: "BACKUP_NAME", Value: id}, {Name: "BACKUP_DIR", Value: path.Join(mount, "ns", id)}},
		Storage: &drivers.Storage{ClaimName: "c", MountPath: mount, Path: path.Join("ns", id),
			Create: &drivers.ClaimTemplate{}},
		Steps: []drivers.Step{{Name: "main", Commands: commands}},
	}
}

// dir is the local backup directory of task id.
func (f *fixture) dir(id string) string { return filepath.Join(f.root, "c", "ns", id) }

func (f *fixture) start(task *drivers.Task) {
	f.t.Helper()
	require.NoError(f.t, f.d.Start(f.ctx, task))
}

// wait polls d until the task is terminal.
func wait(t *testing.T, d *local.Driver, id string) *drivers.TaskStatus {
	t.Helper()
	return waitFor(t, d, id, func(s *drivers.TaskStatus) bool { return s.Phase.IsTerminal() })
}

func waitFor(t *testing.T, d *local.Driver, id string, done func(*drivers.TaskStatus) bool) *drivers.TaskStatus {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := d.Status(context.Background(), id)
		require.NoError(t, err)
		if done(st) {
			return st
		}
		require.True(t, time.Now().Before(deadline), "task %s: timeout; last status %+v", id, st)
		time.Sleep(2 * time.Millisecond)
	}
}

// eventually polls cond for up to 10s.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		require.True(t, time.Now().Before(deadline), msg)
		time.Sleep(2 * time.Millisecond)
	}
}

// secretEnv is a variable whose value is key of secret name.
func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

// timeIn returns the time ms milliseconds from now.
func timeIn(ms int) time.Time { return time.Now().Add(time.Duration(ms) * time.Millisecond) }

// processesLive reports whether some process of the task still holds its
// lock, that is, still lives.
func (f *fixture) processesLive(id string) bool {
	fd, err := os.OpenFile(filepath.Join(f.state, ".locks", id), os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer fd.Close()
	if err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	_ = syscall.Flock(int(fd.Fd()), syscall.LOCK_UN)
	return false
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		if _, serr := os.Stat("/proc/self/stat"); serr != nil { // no procfs
			return syscall.Kill(pid, 0) == nil
		}
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// env is a plain variable.
func env(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
