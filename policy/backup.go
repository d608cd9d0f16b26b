package policy

import (
	"fmt"
	"path"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// ResolveBackup turns a Backup into the tasks that make it. It fails, with a
// message fit for the Backup's failureReason, when the policy has no section
// for the backup's type, when an incremental backup's parent is unusable or
// the tool has no incremental commands, or when the backup's directory would
// leave the claim.
func ResolveBackup(in BackupInputs) (*BackupPlan, error) {
	t := in.Backup.Spec.BackupType
	base := in.Policy.BasePolicyFor(t)
	if base == nil {
		return nil, fmt.Errorf("BackupPolicy %q has no %s policy", in.Policy.Name, t)
	}
	plan := &BackupPlan{}
	var main PlannedTask
	var err error
	if t == v1alpha1.BackupTypeSnapshot {
		main = snapshotTask(in)
	} else {
		main, err = toolBackupTask(in, plan)
		if err != nil {
			return nil, err
		}
	}
	plan.Driver = main.Driver
	pre, err := stageTasks(in, base, v1alpha1.PreBackup, plan)
	if err != nil {
		return nil, err
	}
	post, err := stageTasks(in, base, v1alpha1.PostBackup, plan)
	if err != nil {
		return nil, err
	}
	plan.Tasks = append(plan.Tasks, pre...)
	plan.Main = len(plan.Tasks)
	plan.Tasks = append(plan.Tasks, main)
	plan.Tasks = append(plan.Tasks, post...)
	return plan, nil
}

// stageTasks returns the tasks of one stage around the main task: the
// status updates then the hooks before it, the hooks then the status
// updates after it.
func stageTasks(in BackupInputs, base *v1alpha1.BasePolicy, stage v1alpha1.BackupStatusUpdateStage, plan *BackupPlan) ([]PlannedTask, error) {
	updates, err := statusUpdates(in, base, stage, plan)
	if err != nil {
		return nil, err
	}
	hooked, err := hooks(in, stage)
	if err != nil {
		return nil, err
	}
	if stage == v1alpha1.PostBackup {
		return append(hooked, updates...), nil
	}
	return append(updates, hooked...), nil
}

// newTask fills the fields every task of a Backup shares.
func newTask(in BackupInputs, kind drivers.TaskKind, step string) drivers.Task {
	b := in.Backup
	return drivers.Task{
		ID:         TaskID(b.Name, b.UID, in.Attempt, step),
		Kind:       kind,
		BackupType: b.Spec.BackupType,
		Owner:      drivers.ObjectRef{Kind: "Backup", Namespace: b.Namespace, Name: b.Name, UID: b.UID},
		Labels:     map[string]string{v1alpha1.LabelBackupName: b.Name, v1alpha1.LabelBackupType: string(b.Spec.BackupType)},
		Target:     in.Target,
		Deadline:   in.Deadline,
	}
}

func toolBackupTask(in BackupInputs, plan *BackupPlan) (PlannedTask, error) {
	b, tool := in.Backup, in.Tool
	common := in.Policy.CommonPolicyFor(b.Spec.BackupType)
	if tool == nil {
		return PlannedTask{}, fmt.Errorf("BackupTool %q not found", common.BackupToolName)
	}
	plan.ToolName = tool.Name
	var err error
	if plan.Storage, err = backupStorage(in); err != nil {
		return PlannedTask{}, err
	}
	plan.BackupDir = backupDir(plan.Storage)
	task := newTask(in, drivers.KindBackup, "main")
	env := baseEnv(in.Target, common.Target.Secret, b.Name, plan.BackupDir)
	commands := tool.Spec.BackupCommands
	if b.Spec.ParentBackupName != "" {
		if commands, err = incremental(in, env); err != nil {
			return PlannedTask{}, err
		}
		plan.ParentName = b.Spec.ParentBackupName
	} else if len(commands) == 0 {
		return PlannedTask{}, reasonErrorf(ReasonNoBackupCommands,
			"BackupTool %q has no backupCommands: it cannot make a full %s backup", tool.Name, b.Spec.BackupType)
	}
	applyTool(&task, tool, env)
	if commands, err = env.protect(commands); err != nil {
		return PlannedTask{}, fmt.Errorf("BackupTool %q: %w", tool.Name, err)
	}
	task.Steps = []drivers.Step{{Name: "backup", Commands: commands}}
	task.Storage = plan.Storage
	if in.Repository != nil {
		if err := stageBackup(in, plan, &task); err != nil {
			return PlannedTask{}, err
		}
	}
	return PlannedTask{Driver: DriverName(b.Spec.BackupType, tool), Task: task}, nil
}

// applyTool sets the tool's image, resources and environment on a task.
func applyTool(task *drivers.Task, tool *v1alpha1.BackupTool, env *envBuilder) {
	for _, v := range tool.Spec.Env {
		env.add(v)
	}
	task.Image = toolImage(tool, task.Target)
	task.Env = env.vars
	for _, src := range tool.Spec.EnvFrom {
		task.EnvFrom = append(task.EnvFrom, *src.DeepCopy())
	}
	if tool.Spec.Resources != nil {
		task.Resources = tool.Spec.Resources.DeepCopy()
	}
}

// incremental checks the parent of an incremental backup, adds its location
// and check point to env, and returns the tool's incremental commands.
func incremental(in BackupInputs, env *envBuilder) ([]string, error) {
	b, p, name := in.Backup, in.Parent, in.Backup.Spec.ParentBackupName
	switch {
	case p == nil:
		return nil, fmt.Errorf("parent backup %q not found", name)
	case p.Status.Phase != v1alpha1.BackupCompleted:
		return nil, fmt.Errorf("parent backup %q is %s, not Completed", name, phaseOf(p))
	case p.Spec.BackupPolicyName != b.Spec.BackupPolicyName || p.Spec.BackupType != b.Spec.BackupType:
		return nil, fmt.Errorf("parent backup %q is not a %s backup of policy %q", name, b.Spec.BackupType, b.Spec.BackupPolicyName)
	case len(in.Tool.Spec.IncrementalBackupCommands) == 0:
		return nil, fmt.Errorf("BackupTool %q has no incrementalBackupCommands for the incremental backup", in.Tool.Name)
	}
	parentDir, err := BackupPath(in.Policy, p.Namespace, p.Name)
	if err != nil {
		return nil, err
	}
	env.set(EnvParentBackupName, p.Name)
	env.set(EnvParentBackupDir, parentBackupDir(in, p, path.Join(DefaultMountPath, parentDir)))
	env.setUntrusted(EnvParentCheckpoint, checkpointOf(p))
	return in.Tool.Spec.IncrementalBackupCommands, nil
}

func snapshotTask(in BackupInputs) PlannedTask {
	task := newTask(in, drivers.KindBackup, "main")
	task.Snapshot = &drivers.SnapshotSpec{Name: in.Backup.Name, Claims: targetClaims(in.Target)}
	return PlannedTask{Driver: drivers.NameSnapshot, Task: task}
}

func hooks(in BackupInputs, stage v1alpha1.BackupStatusUpdateStage) ([]PlannedTask, error) {
	s := in.Policy.Spec.Snapshot
	if in.Backup.Spec.BackupType != v1alpha1.BackupTypeSnapshot || s == nil || s.Hooks == nil {
		return nil, nil
	}
	cmds := s.Hooks.PreCommands
	if stage == v1alpha1.PostBackup {
		cmds = s.Hooks.PostCommands
	}
	if len(cmds) == 0 {
		return nil, nil
	}
	task := newTask(in, drivers.KindHook, "hook-"+string(stage))
	task.Image, task.Container = s.Hooks.Image, s.Hooks.ContainerName
	env := baseEnv(in.Target, s.Target.Secret, in.Backup.Name, "")
	task.Env = env.vars
	cmds, err := env.protect(cmds)
	if err != nil {
		return nil, fmt.Errorf("spec.snapshot.hooks: %w", err)
	}
	task.Steps = []drivers.Step{{Name: string(stage) + "-hook", Commands: cmds}}
	return []PlannedTask{{Driver: drivers.NameSnapshot, Task: task}}, nil
}

// statusUpdates returns the policy's status updates of one stage; an update
// with no stage runs post.
func statusUpdates(in BackupInputs, base *v1alpha1.BasePolicy, stage v1alpha1.BackupStatusUpdateStage, plan *BackupPlan) ([]PlannedTask, error) {
	var out []PlannedTask
	for i, u := range base.BackupStatusUpdates {
		if u.UpdateStage != stage && (u.UpdateStage != "" || stage != v1alpha1.PostBackup) {
			continue
		}
		task := newTask(in, drivers.KindStatusUpdate, fmt.Sprintf("%s-%d", stage, i))
		task.Container, task.Storage = u.ContainerName, claimStorage(plan.Storage)
		env := baseEnv(in.Target, base.Target.Secret, in.Backup.Name, plan.BackupDir)
		task.Env = env.vars
		if in.Tool != nil {
			task.Image = toolImage(in.Tool, in.Target)
		}
		script, err := env.protect([]string{u.Script})
		if err != nil {
			return nil, fmt.Errorf("backupStatusUpdates[%d]: %w", i, err)
		}
		task.Steps = []drivers.Step{{Name: "status-update", Commands: script}}
		out = append(out, PlannedTask{Driver: plan.Driver, Task: task, StatusPath: u.Path})
	}
	return out, nil
}

// toolImage is the image a tool's commands run in: the tool's, or, when
// it has none, the target's first container's (as upstream).
func toolImage(tool *v1alpha1.BackupTool, target drivers.Target) string {
	if tool.Spec.Image != "" {
		return tool.Spec.Image
	}
	return target.Image
}

// targetClaims lists the claims of the target's volumes.
func targetClaims(t drivers.Target) []string {
	var claims []string
	for _, v := range t.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims = append(claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	return claims
}

func phaseOf(b *v1alpha1.Backup) v1alpha1.BackupPhase {
	if b.Status.Phase == "" {
		return v1alpha1.BackupNew
	}
	return b.Status.Phase
}

func filePathOf(b *v1alpha1.Backup) string {
	if m := b.Status.Manifests; m != nil && m.BackupTool != nil {
		return m.BackupTool.FilePath
	}
	return ""
}

func checkpointOf(b *v1alpha1.Backup) string {
	if m := b.Status.Manifests; m != nil && m.BackupTool != nil {
		return m.BackupTool.CheckPoint
	}
	return ""
}
