package drivers

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// checkRepository checks a task's Repository (see ValidateTask).
func checkRepository(t *Task) string {
	r := t.Repository
	switch {
	case r == nil:
		return ""
	case (t.Kind != KindBackup && t.Kind != KindRestore) || snapshotData(t):
		return fmt.Sprintf("a repository is only for backup and restore tasks of datafile or logfile backups, not %s tasks of %s backups", t.Kind, t.BackupType)
	case r.URL == "":
		return fmt.Sprintf("repository %q has no URL", r.Name)
	case t.Storage == nil || t.Storage.ClaimName != "":
		return "a task with a repository stages its data: its storage names no claim"
	case t.Kind == KindBackup && (r.Push == nil):
		return "a backup task with a repository has a push"
	case t.Kind == KindRestore && (r.Push != nil || len(r.Pull) == 0):
		return "a restore task with a repository has pulls and no push"
	}
	transfers := slices.Clone(r.Pull)
	if r.Push != nil {
		transfers = append(transfers, *r.Push)
	}
	for _, tr := range transfers {
		if msg := checkTransfer(tr); msg != "" {
			return msg
		}
	}
	for _, tr := range r.Pull {
		if r.Push != nil && (tr.Key == r.Push.Key || tr.Path == r.Push.Path) {
			return fmt.Sprintf("repository key %q or path %q is both pulled and pushed", tr.Key, tr.Path)
		}
	}
	return checkRepositoryEnv(r)
}

// checkStaging checks the staging storage of a task with a repository.
func checkStaging(t *Task) string {
	if m := t.Storage.MountPath; !path.IsAbs(m) || path.Clean(m) == "/" {
		return fmt.Sprintf("staging mount path %q must be an absolute path below /", m)
	}
	return checkRelPath("storage path", t.Storage.Path)
}

// checkTransfer checks a transfer's key and path.
func checkTransfer(tr Transfer) string {
	if tr.Key == "" || strings.HasSuffix(tr.Key, "/") {
		return fmt.Sprintf("repository key %q is not a backup key", tr.Key)
	}
	if msg := checkRelPath("repository key", tr.Key); msg != "" {
		return msg
	}
	if path.Clean("/"+tr.Path) == "/" {
		return fmt.Sprintf("transfer path %q names the staging root, not a backup directory", tr.Path)
	}
	return checkRelPath("transfer path", tr.Path)
}

// checkRelPath checks that p is relative, slash-separated and stays below
// its root.
func checkRelPath(what, p string) string {
	switch {
	case strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00"):
		return fmt.Sprintf("%s %q must be relative and slash-separated", what, p)
	case slices.Contains(strings.Split(p, "/"), ".."):
		return fmt.Sprintf("%s %q must not contain \"..\"", what, p)
	}
	return ""
}

// checkRepositoryEnv checks the names of the client's variables and that
// secrets are references.
func checkRepositoryEnv(r *Repository) string {
	for _, v := range r.Env {
		switch {
		case v.Name == "" || strings.ContainsAny(v.Name, "=\x00"):
			return fmt.Sprintf("repository %q: invalid variable name %q", r.Name, v.Name)
		case slices.Contains(SecretRepositoryEnv, v.Name) && v.ValueFrom == nil:
			return fmt.Sprintf("repository %q: %s is a secret: give it as a reference (valueFrom.secretKeyRef), never as a value", r.Name, v.Name)
		}
	}
	return ""
}
