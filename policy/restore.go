package policy

import (
	"fmt"
	"path"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// RestoreInputs are what ResolveRestore needs; the executor gathers them.
type RestoreInputs struct {
	// RestoreJob to resolve.
	RestoreJob *v1alpha1.RestoreJob
	// Chain is the backup to restore and its incremental ancestors, the
	// full backup first and spec.backupJobName last (one element for a
	// full backup).
	Chain []*v1alpha1.Backup
	// Tool made the chain's backups; nil for a snapshot backup.
	Tool *v1alpha1.BackupTool
	// Driver is the registry name recorded on the backup when it ran.
	Driver string
	// Policies are the BackupPolicies the chain's backups name, by name,
	// defaulted; a policy missing here is gone (see BackupLocation).
	Policies map[string]*v1alpha1.BackupPolicy
	// Claims is the host's default backup claim.
	Claims BackupClaimDefaults
	// Repository is the repository that holds the chain's data
	// (BackupRepository of its last backup), with the identity to decrypt
	// it; nil when the chain is in a claim.
	Repository *drivers.Repository
	// Target is the instance to restore into.
	Target drivers.Target
	// Attempt numbers the run (0 for the first).
	Attempt int
	// Deadline of the restore's tasks.
	Deadline time.Time
}

// RestorePlan is what a RestoreJob runs: the physical restore (database
// stopped) during InProgressPhy, then the logical one (database running)
// during InProgressLogic. Either may be nil when the tool has no such
// commands, but not both.
type RestorePlan struct {
	// Physical runs the tool's physical restore commands.
	Physical *PlannedTask
	// Logical runs the tool's logical restore commands.
	Logical *PlannedTask
}

// ResolveRestore turns a RestoreJob into its restore tasks. A chain restore
// runs restoreCommands for the full backup, then incrementalRestoreCommands
// for each incremental backup in order, each step with BACKUP_NAME and
// BACKUP_DIR of its own backup.
func ResolveRestore(in RestoreInputs) (*RestorePlan, error) {
	if err := checkChain(in.RestoreJob.Spec.BackupJobName, in.Chain); err != nil {
		return nil, err
	}
	last := in.Chain[len(in.Chain)-1]
	if last.Spec.BackupType == v1alpha1.BackupTypeSnapshot {
		return &RestorePlan{Physical: snapshotRestore(in, last)}, nil
	}
	if in.Tool == nil {
		return nil, fmt.Errorf("BackupTool %q of backup %q not found", last.Status.BackupToolName, last.Name)
	}
	phy, err := toolRestore(in, &in.Tool.Spec.Physical, "phy")
	if err != nil {
		return nil, err
	}
	var logic *PlannedTask
	if in.Tool.Spec.Logical != nil {
		if logic, err = toolRestore(in, in.Tool.Spec.Logical, "logic"); err != nil {
			return nil, err
		}
	}
	if phy == nil && logic == nil {
		return nil, fmt.Errorf("BackupTool %q has no restoreCommands", in.Tool.Name)
	}
	return &RestorePlan{Physical: phy, Logical: logic}, nil
}

// checkChain checks that every backup of the chain is Completed and that
// each incremental backup's parent is the one before it.
func checkChain(name string, chain []*v1alpha1.Backup) error {
	if len(chain) == 0 {
		return fmt.Errorf("backup %q not found", name)
	}
	if last := chain[len(chain)-1]; last.Name != name {
		return fmt.Errorf("backup chain ends at %q, not at %q", last.Name, name)
	}
	for i, b := range chain {
		if b.Status.Phase != v1alpha1.BackupCompleted {
			return fmt.Errorf("backup %q is %s, not Completed", b.Name, phaseOf(b))
		}
		parent := b.Spec.ParentBackupName
		switch {
		case i == 0 && parent != "":
			return fmt.Errorf("backup %q needs its parent %q, which is missing", b.Name, parent)
		case i > 0 && parent != chain[i-1].Name:
			return fmt.Errorf("backup %q is not the parent of %q", chain[i-1].Name, b.Name)
		}
	}
	return nil
}

func restoreTask(in RestoreInputs, step string) drivers.Task {
	r := in.RestoreJob
	last := in.Chain[len(in.Chain)-1]
	return drivers.Task{
		ID:           TaskID(r.Name, r.UID, in.Attempt, step),
		Kind:         drivers.KindRestore,
		BackupType:   last.Spec.BackupType,
		Owner:        drivers.ObjectRef{Kind: "RestoreJob", Namespace: r.Namespace, Name: r.Name, UID: r.UID},
		Labels:       map[string]string{v1alpha1.LabelRestoreJobName: r.Name},
		Target:       in.Target,
		Volumes:      deepCopyVolumes(r),
		VolumeMounts: deepCopyMounts(r),
		Deadline:     in.Deadline,
	}
}

func toolRestore(in RestoreInputs, cmds *v1alpha1.BackupToolRestoreCommand, step string) (*PlannedTask, error) {
	if len(cmds.RestoreCommands) == 0 {
		return nil, nil
	}
	storage, dirs, repo, err := restoreStorage(in)
	if err != nil {
		return nil, err
	}
	last := len(in.Chain) - 1
	task := restoreTask(in, step)
	task.Storage, task.Repository = storage, repo
	toolEnv := baseEnv(in.Target, in.RestoreJob.Spec.Target.Secret, in.Chain[last].Name, dirs[last])
	applyTool(&task, in.Tool, toolEnv)
	for i, b := range in.Chain {
		commands := cmds.RestoreCommands
		if i > 0 {
			if commands = cmds.IncrementalRestoreCommands; len(commands) == 0 {
				return nil, fmt.Errorf("BackupTool %q has no incrementalRestoreCommands to restore %q", in.Tool.Name, b.Name)
			}
		}
		if commands, err = toolEnv.protect(commands); err != nil {
			return nil, fmt.Errorf("BackupTool %q: %w", in.Tool.Name, err)
		}
		env := newEnv()
		env.set(EnvBackupName, b.Name)
		env.set(EnvBackupDir, dirs[i])
		task.Steps = append(task.Steps, drivers.Step{Name: b.Name, Commands: commands, Env: env.vars})
	}
	return &PlannedTask{Driver: in.Driver, Task: task}, nil
}

// chainStorage returns the storage of the chain's last backup and the
// directory (BACKUP_DIR) of each backup of the chain, each derived from the
// backup and its policy (BackupLocation). Every backup must be in the same
// claim: a restore mounts one claim.
func chainStorage(in RestoreInputs) (*drivers.Storage, []string, error) {
	dirs := make([]string, len(in.Chain))
	var last *drivers.Storage
	for i, b := range in.Chain {
		loc, err := BackupLocation(b, in.Policies[b.Spec.BackupPolicyName], in.Claims)
		switch {
		case err != nil:
			return nil, nil, fmt.Errorf("backup %q: %w", b.Name, err)
		case loc == nil:
			return nil, nil, fmt.Errorf("backup %q has no location: its policy %q is gone and it recorded none", b.Name, b.Spec.BackupPolicyName)
		case last != nil && loc.ClaimName != last.ClaimName:
			return nil, nil, fmt.Errorf("backup %q is in claim %q, not in claim %q of %q", b.Name, loc.ClaimName, last.ClaimName, in.Chain[i-1].Name)
		}
		dirs[i], last = path.Join(loc.MountPath, loc.Path), loc
	}
	return last, dirs, nil
}

func snapshotRestore(in RestoreInputs, b *v1alpha1.Backup) *PlannedTask {
	task := restoreTask(in, "phy")
	name := snapshotNameOf(b)
	var claims []string
	for _, v := range task.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims = append(claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	task.Snapshot = &drivers.SnapshotSpec{Name: name, Claims: claims}
	return &PlannedTask{Driver: drivers.NameSnapshot, Task: task}
}
