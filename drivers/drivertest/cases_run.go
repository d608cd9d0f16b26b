package drivertest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"path"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func runCases() []testCase {
	return []testCase{
		{"backup completes and reports artifacts with size and sha256 checksum", testBackupArtifacts},
		{"Start is idempotent on the task ID", testStartIdempotent},
		{"restore round-trips the data written by a backup", testRestoreRoundTrip},
		{"all commands of all steps run in order with step env overriding task env", testStepsInOrder},
		{"$(VAR) references in env values are expanded", testEnvExpansion},
		{"a task's JSON standard output is reported as Output", testJSONOutput},
		{"a failing command reports Failed with a message, log tail and error code", testFailingCommand},
		{"delete-artifacts removes a backup's data and is idempotent", testDeleteArtifacts},
		{"snapshot backup reports its snapshots and size", testSnapshotBackup},
		{"snapshot restore completes", testSnapshotRestore},
	}
}

// payload is what a backup task writes: its files, by path under
// BACKUP_DIR, and the commands that write them from DT_DATA and DT_NOTE.
type payload struct {
	files map[string]string
	env   []corev1.EnvVar
	cmds  []string
}

func newPayload() payload {
	data := randomHex(12 << 10) // 24 KiB of text
	note := "drivertest note " + randomHex(8) + "\n"
	return payload{
		files: map[string]string{"data.bin": data, "sub/note.txt": note},
		env:   []corev1.EnvVar{{Name: "DT_DATA", Value: data}, {Name: "DT_NOTE", Value: note}},
		cmds: []string{mkdir, `printf '%s' "$DT_DATA" > "$BACKUP_DIR/data.bin"`,
			`mkdir -p "$BACKUP_DIR/sub" && printf '%s' "$DT_NOTE" > "$BACKUP_DIR/sub/note.txt"`},
	}
}

// artifacts returns the artifacts the payload's files make, sorted by path.
func (p payload) artifacts() ([]drivers.Artifact, int64) {
	var arts []drivers.Artifact
	var total int64
	for _, name := range []string{"data.bin", "sub/note.txt"} {
		sum := sha256.Sum256([]byte(p.files[name]))
		arts = append(arts, drivers.Artifact{Path: name, Size: int64(len(p.files[name])), Checksum: "sha256:" + hex.EncodeToString(sum[:])})
		total += int64(len(p.files[name]))
	}
	return arts, total
}

// backupTask returns a backup of type typ that writes a new payload.
func (e *env) backupTask(typ v1alpha1.BackupType) (*drivers.Task, payload) {
	p := newPayload()
	return e.newTask("backup", drivers.KindBackup, typ, p.env, step("backup", p.cmds...)), p
}

// readFile reads name, relative to the claim's root, through the harness.
func (e *env) readFile(t testing.TB, claim, name string) string {
	t.Helper()
	data, err := e.h.ReadFile(e.ctx, claim, name)
	require.NoError(t, err, "ReadFile %s", name)
	return string(data)
}

// requireMissing checks that name does not exist in claim.
func (e *env) requireMissing(t testing.TB, claim, name, why string) {
	t.Helper()
	_, err := e.h.ReadFile(e.ctx, claim, name)
	require.True(t, errors.Is(err, fs.ErrNotExist), "%s: %s exists (or ReadFile failed otherwise: %v)", why, name, err)
}

func testBackupArtifacts(t *testing.T, e *env) {
	typ := e.fileBackupType(t, drivers.KindBackup)
	task, p := e.backupTask(typ)
	e.start(t, task, Succeed)
	st := e.waitSucceeded(t, task.ID)

	want, total := p.artifacts()
	assert.Equal(t, want, st.Artifacts, "every regular file under BACKUP_DIR, sorted by path, with size and sha256")
	assert.Equal(t, total, st.TotalSize, "TotalSize is the sum of the artifacts' sizes")
	assert.False(t, st.StartTime.IsZero(), "StartTime")
	assert.False(t, st.CompletionTime.IsZero(), "CompletionTime")
	assert.False(t, st.CompletionTime.Before(st.StartTime), "CompletionTime %s before StartTime %s", st.CompletionTime, st.StartTime)
	assert.Equal(t, drivers.Unknown, st.ErrorCode, "a succeeded task has no error code")
	for name, content := range p.files {
		assert.Equal(t, content, e.readFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), name)), name)
	}
	requireSameStatus(t, st, e.status(t, task.ID), "the status of a finished task does not change")
}

func testStartIdempotent(t *testing.T, e *env) {
	f := e.requireCommands(t)
	task := e.newTask("idem", f.kind, f.typ, nil,
		step("count", mkdir, `echo run >> "$BACKUP_DIR/runs"`, `sleep 0.3`))
	e.start(t, task, Succeed)
	require.NoError(t, e.d.Start(e.ctx, task), "a second Start of a running task")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			copied := *task
			errs[i] = e.d.Start(e.ctx, &copied)
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "concurrent Start %d", i)
	}
	st := e.waitSucceeded(t, task.ID)
	require.NoError(t, e.d.Start(e.ctx, task), "Start of a finished task")
	again := e.status(t, task.ID)
	assert.Equal(t, st.Phase, again.Phase, "Start of a finished task changed its phase")
	assert.True(t, st.CompletionTime.Equal(again.CompletionTime), "Start of a finished task ran it again")
	assert.Equal(t, "run\n", e.readFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "runs")),
		"the task's commands ran once")
}

func testRestoreRoundTrip(t *testing.T, e *env) {
	typ := e.fileBackupType(t, drivers.KindBackup, drivers.KindRestore)
	backup, p := e.backupTask(typ)
	e.start(t, backup, Succeed)
	e.waitSucceeded(t, backup.ID)

	restored := path.Join(Dir, "restored-"+backup.ID)
	restore := e.newTask("restore", drivers.KindRestore, typ,
		[]corev1.EnvVar{{Name: "RESTORE_DIR", Value: path.Join(MountPath, restored)}},
		step("restore", `mkdir -p "$RESTORE_DIR"`, `cp -R "$BACKUP_DIR/." "$RESTORE_DIR/"`))
	restore.Storage.Path = backup.Storage.Path
	restore.Storage.Create = nil
	restore.Env[1].Value = backupDir(backup.ID)
	e.start(t, restore, Succeed)
	st := e.waitSucceeded(t, restore.ID)
	assert.Empty(t, st.Artifacts, "a restore reports no artifacts")
	for name, content := range p.files {
		require.Equal(t, content, e.readFile(t, restore.Storage.ClaimName, path.Join(restored, name)), "restored %s", name)
	}
}

func testStepsInOrder(t *testing.T, e *env) {
	f := e.requireCommands(t)
	out := `"$BACKUP_DIR/order"`
	first := step("first", mkdir, `echo "1:$A:$B" >> `+out, `echo "2:$A" >> `+out)
	first.Env = []corev1.EnvVar{{Name: "A", Value: "step-a"}}
	second := step("second", `echo "3:$A:$B" >> `+out)
	third := step("third", `echo "4:$A:$B" >> `+out)
	third.Env = []corev1.EnvVar{{Name: "B", Value: "step-b"}, {Name: "A", Value: "$(B)+"}}
	task := e.newTask("steps", f.kind, f.typ, []corev1.EnvVar{{Name: "A", Value: "task-a"}, {Name: "B", Value: "task-b"}},
		first, second, third)
	e.start(t, task, Succeed)
	e.waitSucceeded(t, task.ID)
	assert.Equal(t, "1:step-a:task-b\n2:step-a\n3:task-a:task-b\n4:step-b+:step-b\n",
		e.readFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "order")))
}

func testEnvExpansion(t *testing.T, e *env) {
	f := e.requireCommands(t)
	s := step("expand", mkdir,
		`printf '%s|%s|%s|%s|%s|%s' "$DERIVED" "$ESCAPED" "$UNKNOWN" "$LATER" "$STEPVAR" "$DIR" > "$BACKUP_DIR/env"`)
	s.Env = []corev1.EnvVar{{Name: "STEPVAR", Value: "$(DERIVED)/step"}}
	task := e.newTask("expand", f.kind, f.typ, []corev1.EnvVar{
		{Name: "BASE", Value: "base"},
		{Name: "DERIVED", Value: "$(BASE)-x-$(BACKUP_NAME)"},
		{Name: "ESCAPED", Value: "$$(BASE)"},
		{Name: "UNKNOWN", Value: "$(DT_NOT_DEFINED)"},
		{Name: "LATER", Value: "$(DEFINED_AFTER)"},
		{Name: "DEFINED_AFTER", Value: "late"},
		{Name: "DIR", Value: "$(BACKUP_DIR)"},
	}, s)
	e.start(t, task, Succeed)
	e.waitSucceeded(t, task.ID)
	got := e.readFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "env"))
	want := "base-x-" + task.ID + "|$(BASE)|$(DT_NOT_DEFINED)|$(DEFINED_AFTER)|base-x-" + task.ID + "/step|"
	require.Greater(t, len(got), len(want), "env: %q", got)
	assert.Equal(t, want, got[:len(want)], "expansion follows the Kubernetes rules")
	assert.NotEmpty(t, got[len(want):], "$(BACKUP_DIR) expands to the task's backup directory")
}

func testJSONOutput(t *testing.T, e *env) {
	f := e.requireCommands(t)
	if e.caps.Supports(drivers.KindStatusUpdate, f.typ) {
		f.kind = drivers.KindStatusUpdate
	}
	task := e.newTask("json", f.kind, f.typ, nil,
		step("output", mkdir, `echo '{"drivertest":"`+e.run+`","n":1}'`))
	e.start(t, task, Succeed)
	st := e.waitSucceeded(t, task.ID)
	require.NotEmpty(t, st.Output, "a task whose standard output is a JSON object reports it")
	assert.JSONEq(t, `{"drivertest":"`+e.run+`","n":1}`, string(st.Output))
}

func testFailingCommand(t *testing.T, e *env) {
	e.eachFlavour(t, func(t *testing.T, f flavour) {
		task := e.behaving(f, Fail)
		e.start(t, task, Fail)
		st := e.waitTerminal(t, task.ID)
		require.Equal(t, drivers.Failed, st.Phase, describe(st))
		assert.NotEmpty(t, st.Message, "a failed task says why")
		assert.False(t, st.CompletionTime.IsZero(), "CompletionTime of a failed task")
		assert.NotContains(t, []drivers.Code{drivers.Canceled, drivers.DeadlineExceeded}, st.ErrorCode,
			"a task that failed by itself was neither cancelled nor past its deadline")
		if f.snapshot {
			return
		}
		assert.Equal(t, drivers.Unknown, st.ErrorCode, "a command that exits non-zero has code Unknown")
		assert.Contains(t, st.LogTail, "drivertest: boom", "the log tail holds the failing command's output")
		e.requireMissing(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "never"), "commands after the failing one must not run")
		requireSameStatus(t, st, e.status(t, task.ID), "the status of a finished task does not change")
	})
}

func testDeleteArtifacts(t *testing.T, e *env) {
	typ := e.fileBackupType(t, drivers.KindBackup, drivers.KindDeleteArtifacts)
	backup, _ := e.backupTask(typ)
	e.start(t, backup, Succeed)
	e.waitSucceeded(t, backup.ID)
	claim := backup.Storage.ClaimName

	for i := range 2 { // the second deletion finds nothing to delete
		del := e.newTask("delete", drivers.KindDeleteArtifacts, typ, nil)
		del.Env[1].Value = backupDir(backup.ID)
		del.Storage.Path, del.Storage.Create = backup.Storage.Path, nil
		e.start(t, del, Succeed)
		st := e.waitSucceeded(t, del.ID)
		assert.Empty(t, st.Artifacts, "deletion %d reports no artifacts", i+1)
		e.requireMissing(t, claim, path.Join(relDir(backup.ID), "data.bin"), "the backup's data after its deletion")
	}
}

func testSnapshotBackup(t *testing.T, e *env) {
	if !e.caps.Supports(drivers.KindBackup, v1alpha1.BackupTypeSnapshot) {
		t.Skip("drivertest: the driver does not run snapshot backups")
	}
	task := e.behaving(flavour{kind: drivers.KindBackup, typ: v1alpha1.BackupTypeSnapshot, snapshot: true}, Succeed)
	e.start(t, task, Succeed)
	st := e.waitSucceeded(t, task.ID)
	require.NotEmpty(t, st.Snapshots, "a snapshot backup reports its snapshots")
	var sum int64
	for _, s := range st.Snapshots {
		assert.NotEmpty(t, s.VolumeSnapshotName, "VolumeSnapshotName")
		sum += s.RestoreSize
	}
	assert.Positive(t, st.TotalSize, "TotalSize of a snapshot backup")
	assert.Equal(t, sum, st.TotalSize, "TotalSize is the snapshots' restore size")
}

func testSnapshotRestore(t *testing.T, e *env) {
	if !e.supports(v1alpha1.BackupTypeSnapshot, drivers.KindBackup, drivers.KindRestore) {
		t.Skip("drivertest: the driver does not run snapshot backups and restores")
	}
	f := flavour{kind: drivers.KindBackup, typ: v1alpha1.BackupTypeSnapshot, snapshot: true}
	backup := e.behaving(f, Succeed)
	e.start(t, backup, Succeed)
	st := e.waitSucceeded(t, backup.ID)
	require.NotEmpty(t, st.Snapshots)
	f.kind = drivers.KindRestore
	restore := e.behaving(f, Succeed)
	restore.Snapshot.Name = st.Snapshots[0].VolumeSnapshotName
	e.start(t, restore, Succeed)
	e.waitSucceeded(t, restore.ID)
}
