package drivers

import (
	"fmt"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// ValidateTask checks the shape of a task that every driver needs, whatever
// it runs on, and returns an error with code InvalidArgument that names the
// first problem, or nil:
//
//   - the task is not nil and its ID is a DNS-1123 label (at most 63
//     characters), so that it can name an object or a directory;
//   - its Kind is one of TaskKinds;
//   - a backup, restore or delete-artifacts task has Storage, or a Snapshot
//     when its backup type is snapshot;
//   - Storage names a claim (a DNS-1123 subdomain) and a Path that is
//     relative, slash-separated, without a ".." element, a backslash or a
//     NUL byte; a delete-artifacts task's Path names a directory below the
//     claim's root, never the root itself;
//   - no command contains a NUL byte (no shell could be given it);
//   - every variable (Env, and each step's Env) has a name without "=" or
//     NUL, and every EnvFrom source names a secret or a config map.
//
// Every driver calls it first in Start, before its own checks (which
// capabilities it has: Unimplemented; what its backend needs); a plugin's
// Serve calls it before the author's driver sees the task.
func ValidateTask(t *Task) error {
	if t == nil {
		return Errorf(InvalidArgument, "nil task")
	}
	if msgs := validation.IsDNS1123Label(t.ID); len(msgs) > 0 {
		return Errorf(InvalidArgument, "task ID %q: %s", t.ID, strings.Join(msgs, "; "))
	}
	if !slices.Contains(TaskKinds, t.Kind) {
		return Errorf(InvalidArgument, "task %s: unknown kind %q", t.ID, t.Kind)
	}
	for _, check := range []func(*Task) string{checkData, checkStorage, checkCommands, checkEnv} {
		if msg := check(t); msg != "" {
			return Errorf(InvalidArgument, "%s task %s: %s", t.Kind, t.ID, msg)
		}
	}
	return nil
}

// snapshotData reports whether the task's data is volume snapshots.
func snapshotData(t *Task) bool { return t.BackupType == v1alpha1.BackupTypeSnapshot }

// checkData checks that a task that reads or writes backup data says where.
func checkData(t *Task) string {
	switch t.Kind {
	case KindBackup, KindRestore, KindDeleteArtifacts:
	default:
		return ""
	}
	switch {
	case snapshotData(t) && t.Snapshot == nil:
		return "no snapshot"
	case !snapshotData(t) && t.Storage == nil:
		return "no storage"
	}
	return ""
}

// checkStorage checks that the storage's path cannot leave the claim.
func checkStorage(t *Task) string {
	s := t.Storage
	if s == nil {
		return ""
	}
	if msgs := validation.IsDNS1123Subdomain(s.ClaimName); len(msgs) > 0 {
		return fmt.Sprintf("storage claim %q: %s", s.ClaimName, strings.Join(msgs, "; "))
	}
	p := s.Path
	switch {
	case strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00"):
		return fmt.Sprintf("storage path %q must be relative and slash-separated", p)
	case slices.Contains(strings.Split(p, "/"), ".."):
		return fmt.Sprintf("storage path %q must not contain \"..\"", p)
	case t.Kind == KindDeleteArtifacts && !snapshotData(t) && path.Clean("/"+p) == "/":
		return fmt.Sprintf("storage path %q names the claim's root, not a backup directory", p)
	}
	return ""
}

// checkCommands checks that each command can be passed to a shell.
func checkCommands(t *Task) string {
	for i, s := range t.Steps {
		for j, c := range s.Commands {
			if strings.ContainsRune(c, 0) {
				return fmt.Sprintf("step %d (%q) command %d contains a NUL byte", i+1, s.Name, j+1)
			}
		}
	}
	return ""
}

// ValidateCommands is the check of the drivers that run a task's commands
// themselves (local processes, Jobs, pod exec), after ValidateTask: a task
// whose work is its commands — hook, status-update, and backup or restore
// of a backup type other than snapshot — has at least one; else an error
// with code InvalidArgument. Drivers that do the work themselves (a plugin
// that archives files, say) may accept tasks without commands.
func ValidateCommands(t *Task) error {
	runs := t.Kind == KindHook || t.Kind == KindStatusUpdate ||
		((t.Kind == KindBackup || t.Kind == KindRestore) && !snapshotData(t))
	if !runs {
		return nil
	}
	for _, s := range t.Steps {
		if len(s.Commands) > 0 {
			return nil
		}
	}
	return Errorf(InvalidArgument, "%s task %s has no commands", t.Kind, t.ID)
}

// checkEnv checks the names of the variables and the envFrom sources.
func checkEnv(t *Task) string {
	lists := [][]corev1.EnvVar{t.Env}
	for _, s := range t.Steps {
		lists = append(lists, s.Env)
	}
	for _, l := range lists {
		for _, v := range l {
			if v.Name == "" || strings.ContainsAny(v.Name, "=\x00") {
				return fmt.Sprintf("invalid variable name %q", v.Name)
			}
		}
	}
	for i, src := range t.EnvFrom {
		if (src.SecretRef == nil) == (src.ConfigMapRef == nil) {
			return fmt.Sprintf("envFrom source %d must name exactly one secret or config map", i+1)
		}
	}
	return ""
}
