package adversarial_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/store/bolt"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// world is the embedded engine as a host runs it: a bolt store, the local
// driver running real processes, local targets, and engine.Run. The
// attacker is a tenant: it writes the objects of its namespace (Backups,
// BackupPolicies, RestoreJobs, their status-update scripts and secrets)
// and what its database's tools print; the BackupTools are the
// operator's.
type world struct {
	t       *testing.T
	ctx     context.Context
	st      *bolt.Store
	driver  *local.Driver
	root    string // the local driver's Root
	secrets local.SecretMap
	events  *record.FakeRecorder
	logs    *syncBuffer // the engine's and the driver's log lines
}

// worldOptions are what a test sets before the engine starts.
type worldOptions struct {
	secrets local.SecretMap
	targets local.Targets
	// db is the bolt file; default a new one.
	db string
	// onCorrupt receives the store's reports of records that do not decode.
	onCorrupt func(error)
	// restoreJobTTL is how long finished RestoreJobs are kept; default
	// the engine's.
	restoreJobTTL time.Duration
}

// newWorld starts the engine over fresh directories; it stops when the
// test ends.
func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	dir := t.TempDir()
	w := &world{t: t, ctx: context.Background(), root: filepath.Join(dir, "root"), secrets: o.secrets,
		events: record.NewFakeRecorder(10000), logs: &syncBuffer{}}
	if o.db == "" {
		o.db = filepath.Join(dir, "dataprotection.db")
	}
	st, err := bolt.New(o.db, bolt.Options{NoSync: true, OnCorrupt: o.onCorrupt})
	require.NoError(t, err)
	w.st = st
	logger := funcr.New(func(prefix, args string) { w.logs.WriteString(prefix + " " + args + "\n") },
		funcr.Options{Verbosity: 10})
	w.driver, err = local.New(local.Options{Root: w.root, Secrets: o.secrets, KillGrace: time.Second,
		Logger: logger})
	require.NoError(t, err)
	engine, err := dataprotection.New(dataprotection.Config{Store: st, Drivers: drivers.Registry{"job": w.driver},
		Targets: o.targets, Secrets: o.secrets, Events: w.events, Logger: logger,
		Options: dataprotection.Options{PollInterval: 50 * time.Millisecond, RetryDelay: 100 * time.Millisecond,
			RestoreJobTTL: o.restoreJobTTL}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = engine.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = w.driver.Close()
		_ = st.Close()
	})
	return w
}

// stateDir is the local driver's state directory (its default).
func (w *world) stateDir() string { return filepath.Join(w.root, local.DefaultStateDirName) }

// tool creates the operator's BackupTool name with the given backup
// commands.
func (w *world) tool(name string, commands ...string) {
	w.t.Helper()
	_, err := w.st.BackupTools().Create(w.ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: commands}})
	require.NoError(w.t, err)
}

// policy creates the tenant's BackupPolicy namespace/name: the tool, the
// claim "data", the targets labelled app=<namespace>, the credentials of
// secret "db" when the world has one, and status updates.
func (w *world) policy(namespace, name, tool string, updates ...v1alpha1.BackupStatusUpdate) {
	w.t.Helper()
	base := v1alpha1.BasePolicy{BackupStatusUpdates: updates, Target: v1alpha1.TargetCluster{
		LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": namespace}}}}
	if _, ok := w.secrets[namespace+"/db"]; ok {
		base.Target.Secret = &v1alpha1.BackupPolicySecret{Name: "db"}
	}
	_, err := w.st.BackupPolicies().Create(w.ctx, &v1alpha1.BackupPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{BasePolicy: base,
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "data"}, BackupToolName: tool}}})
	require.NoError(w.t, err)
}

// backup creates Backup namespace/name of policy and waits until it is
// Completed or Failed (within timeout).
func (w *world) backup(namespace, name, policy string, timeout time.Duration) *v1alpha1.Backup {
	w.t.Helper()
	_, err := w.st.Backups().Create(w.ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: policy, BackupType: v1alpha1.BackupTypeDataFile}})
	require.NoError(w.t, err)
	return w.waitBackup(namespace, name, timeout, func(b *v1alpha1.Backup) bool { return b.Status.Phase.IsTerminal() })
}

// waitBackup polls Backup namespace/name until done says so.
func (w *world) waitBackup(namespace, name string, timeout time.Duration, done func(*v1alpha1.Backup) bool) *v1alpha1.Backup {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, err := w.st.Backups().Get(w.ctx, namespace, name)
		require.NoError(w.t, err)
		if done(b) {
			return b
		}
		require.True(w.t, time.Now().Before(deadline), "backup %s/%s: timeout; phase %q, reason %q",
			namespace, name, b.Status.Phase, b.Status.FailureReason)
		time.Sleep(20 * time.Millisecond)
	}
}

// eventText returns the events recorded so far, one a line.
func (w *world) eventText() string {
	var b strings.Builder
	for {
		select {
		case e := <-w.events.Events:
			b.WriteString(e + "\n")
		default:
			return b.String()
		}
	}
}

// backupDir is the local directory of Backup namespace/name in claim
// "data".
func (w *world) backupDir(namespace, name string) string {
	return filepath.Join(w.root, "data", namespace, name)
}

// readFile returns the content of the file at path, trimmed; "" when it
// cannot be read.
func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) WriteString(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.WriteString(line)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
