package drivertest

import (
	"path"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The storage every task of the suite uses (the harness may rename the
// claim).
const (
	// Claim is the claim the suite's tasks name before PrepareTask.
	Claim = "drivertest"
	// MountPath is where the suite's tasks see the claim.
	MountPath = "/backupdata"
	// Dir is the directory of the claim under which the suite's tasks
	// write, one subdirectory per task.
	Dir = "drivertest"
)

// flavour is a kind of task the control cases run: tasks that run commands,
// or snapshot tasks.
type flavour struct {
	name     string
	kind     drivers.TaskKind
	typ      v1alpha1.BackupType
	snapshot bool
}

// commandPairs are the task kinds and types that run commands, in the order
// the suite prefers them.
var commandPairs = []flavour{
	{kind: drivers.KindBackup, typ: v1alpha1.BackupTypeDataFile},
	{kind: drivers.KindBackup, typ: v1alpha1.BackupTypeLogFile},
	{kind: drivers.KindStatusUpdate, typ: v1alpha1.BackupTypeDataFile},
	{kind: drivers.KindStatusUpdate, typ: v1alpha1.BackupTypeLogFile},
	{kind: drivers.KindStatusUpdate, typ: v1alpha1.BackupTypeSnapshot},
	{kind: drivers.KindHook, typ: v1alpha1.BackupTypeDataFile},
	{kind: drivers.KindHook, typ: v1alpha1.BackupTypeLogFile},
	{kind: drivers.KindHook, typ: v1alpha1.BackupTypeSnapshot},
}

// commandFlavour returns the first command pair the driver runs.
func (e *env) commandFlavour() (flavour, bool) {
	for _, f := range commandPairs {
		if e.caps.Supports(f.kind, f.typ) {
			f.name = string(f.typ) + " " + string(f.kind)
			return f, true
		}
	}
	return flavour{}, false
}

// requireCommands returns the command flavour, or skips the test.
func (e *env) requireCommands(t *testing.T) flavour {
	f, ok := e.commandFlavour()
	if !ok {
		t.Skip("drivertest: the driver runs no tasks with commands (backup, status-update or hook)")
	}
	return f
}

// fileBackupType returns the first file backup type whose tasks of every
// kind the driver runs, or skips the test.
func (e *env) fileBackupType(t *testing.T, kinds ...drivers.TaskKind) v1alpha1.BackupType {
	for _, typ := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile} {
		if e.supports(typ, kinds...) {
			return typ
		}
	}
	t.Skipf("drivertest: the driver does not run %v tasks of datafile or logfile backups", kinds)
	return ""
}

// flavours returns what the control cases run on: the command flavour and
// snapshot backups, those the driver supports.
func (e *env) flavours() []flavour {
	var out []flavour
	if f, ok := e.commandFlavour(); ok {
		out = append(out, f)
	}
	if e.caps.Supports(drivers.KindBackup, v1alpha1.BackupTypeSnapshot) {
		out = append(out, flavour{name: "snapshot backup", kind: drivers.KindBackup, typ: v1alpha1.BackupTypeSnapshot, snapshot: true})
	}
	return out
}

// eachFlavour runs test once per flavour, as subtests.
func (e *env) eachFlavour(t *testing.T, test func(t *testing.T, f flavour)) {
	fs := e.flavours()
	if len(fs) == 0 {
		t.Skip("drivertest: the driver runs neither tasks with commands nor snapshot backups")
	}
	for _, f := range fs {
		t.Run(f.name, func(t *testing.T) { test(t, f) })
	}
}

// backupDir is BACKUP_DIR of the task id, as tasks see it.
func backupDir(id string) string { return path.Join(MountPath, Dir, id) }

// relDir is the directory of task id relative to the claim's root.
func relDir(id string) string { return path.Join(Dir, id) }

// newTask returns a task of kind and type with the suite's storage and
// environment (BACKUP_NAME, BACKUP_DIR, then env) and steps.
func (e *env) newTask(what string, kind drivers.TaskKind, typ v1alpha1.BackupType, env []corev1.EnvVar, steps ...drivers.Step) *drivers.Task {
	id := e.newID(what)
	base := []corev1.EnvVar{{Name: "BACKUP_NAME", Value: id}, {Name: "BACKUP_DIR", Value: backupDir(id)}}
	return &drivers.Task{
		ID:         id,
		Kind:       kind,
		BackupType: typ,
		Owner:      drivers.ObjectRef{Kind: ownerKind(kind), Namespace: "drivertest", Name: id, UID: types.UID(id)},
		Labels:     map[string]string{"drivertest": e.run},
		Steps:      steps,
		Env:        append(base, env...),
		Target:     drivers.Target{Name: "drivertest-0", Host: "127.0.0.1", Labels: map[string]string{"app": "drivertest"}},
		Storage: &drivers.Storage{ClaimName: Claim, MountPath: MountPath, Path: relDir(id),
			Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("1Gi"), GenerateName: Claim + "-drivertest"}},
	}
}

func ownerKind(k drivers.TaskKind) string {
	if k == drivers.KindRestore {
		return "RestoreJob"
	}
	return "Backup"
}

// step returns a step of commands.
func step(name string, commands ...string) drivers.Step {
	return drivers.Step{Name: name, Commands: commands}
}

// mkdir is the first command of every command task: hooks and status
// updates may run before anything made BACKUP_DIR.
const mkdir = `mkdir -p "$BACKUP_DIR"`

// behaving returns a task of flavour f that behaves as b: commands that
// record their run and succeed, fail, or block; or a snapshot task that
// the harness makes behave so.
func (e *env) behaving(f flavour, b Behaviour) *drivers.Task {
	if f.snapshot {
		t := e.newTask("snap", f.kind, f.typ, nil)
		t.Storage, t.Env = nil, nil
		t.Snapshot = &drivers.SnapshotSpec{Name: t.ID}
		return t
	}
	var s drivers.Step
	switch b {
	case Succeed:
		s = step("succeed", mkdir, `echo run >> "$BACKUP_DIR/runs"`)
	case Fail:
		s = step("fail", mkdir, `echo run >> "$BACKUP_DIR/runs"`, `echo "drivertest: boom" >&2; exit 3`,
			`echo never > "$BACKUP_DIR/never"`)
	case Block:
		s = step("block", mkdir, `echo run >> "$BACKUP_DIR/runs"`, `sleep 120`, `echo after > "$BACKUP_DIR/after"`)
	}
	return e.newTask(map[Behaviour]string{Succeed: "ok", Fail: "fail", Block: "block"}[b], f.kind, f.typ, nil, s)
}
