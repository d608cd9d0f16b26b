package policy

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// A policy that chooses a repository (the annotation
// v1alpha1.AnnotationRepository, else the host's default repository; see
// RepositoryOf) stores the data of its datafile and logfile backups there
// instead of in its claim. The tasks then stage their data: BACKUP_DIR is
// DefaultMountPath/<namespace>/<backup name> in a directory the driver
// provides, uploaded under RepositoryKey once the tool succeeded, and
// downloaded there before a restore's commands run.

// RepositoryName returns the repository the policy p chooses with the
// annotation v1alpha1.AnnotationRepository; "" when it chooses none. It
// ignores the host's default repository: see RepositoryOf.
func RepositoryName(p *v1alpha1.BackupPolicy) string {
	return RepositoryOf(p, "")
}

// RepositoryOf returns the repository that holds the datafile and logfile
// backups of policy p on an engine whose default repository is
// defaultRepository ("" for none): the annotation
// v1alpha1.AnnotationRepository wins when p has it, even with an empty
// value, which keeps p's backups in its claim despite a default; without
// the annotation, defaultRepository. "" means a claim, and for a nil
// policy.
func RepositoryOf(p *v1alpha1.BackupPolicy, defaultRepository string) string {
	if p == nil {
		return ""
	}
	if name, ok := p.Annotations[v1alpha1.AnnotationRepository]; ok {
		return name
	}
	return defaultRepository
}

// RepositoryKey returns the key of backup b in its repository,
// "<namespace>/<policy>/<name>": derived from what b is, never read back
// from its status, so that no Backup can name another's data.
func RepositoryKey(b *v1alpha1.Backup) string {
	return b.Namespace + "/" + b.Spec.BackupPolicyName + "/" + b.Name
}

// BackupRepository returns the name of the repository that holds the data
// of b: the one the engine recorded on b when it started (its annotation
// v1alpha1.AnnotationRepository), else policyRepository, the repository of
// its policy (RepositoryOf, with the engine's default; "" when the policy
// is gone or for a Backup that has started, whose record is final); "" when
// b's data is not in a repository. The name can only select among the
// repositories the host registered, and the key within them is
// RepositoryKey, so a changed annotation can never reach another
// namespace's data.
func BackupRepository(b *v1alpha1.Backup, policyRepository string) string {
	if b.Spec.BackupType == v1alpha1.BackupTypeSnapshot {
		return ""
	}
	if name := b.Annotations[v1alpha1.AnnotationRepository]; name != "" {
		return name
	}
	return policyRepository
}

// stagingPath is the directory of backup namespace/name in a staging
// directory, relative to DefaultMountPath.
func stagingPath(namespace, name string) string { return path.Join(namespace, name) }

// stagingStorage is the storage of a task that stages its data.
func stagingStorage(rel string) *drivers.Storage {
	return &drivers.Storage{MountPath: DefaultMountPath, Path: rel}
}

// backupStorage is where the main task of a backup writes: a staging
// directory for a repository, else the backup's directory in its claim.
func backupStorage(in BackupInputs) (*drivers.Storage, error) {
	b := in.Backup
	if in.Repository != nil {
		return stagingStorage(stagingPath(b.Namespace, b.Name)), nil
	}
	pvc, err := claimOf(in.Policy, b.Spec.BackupType, in.Claims)
	if err != nil {
		return nil, err
	}
	rel, err := BackupPath(in.Policy, b.Namespace, b.Name)
	if err != nil {
		return nil, err
	}
	return storageFor(pvc, b.Namespace, rel), nil
}

// claimStorage returns s when it is a claim, nil when it is a staging
// directory (which only the main task has).
func claimStorage(s *drivers.Storage) *drivers.Storage {
	if s == nil || s.ClaimName == "" {
		return nil
	}
	return s
}

// stageBackup makes the plan's main task stage its data and push it to
// in.Repository: its storage, BACKUP_DIR and the Push, and the parent's
// download when an incremental tool reads its data.
func stageBackup(in BackupInputs, plan *BackupPlan, task *drivers.Task) error {
	b := in.Backup
	repo := in.Repository.DeepCopy()
	repo.Pull, repo.Push = nil, &drivers.Transfer{Key: RepositoryKey(b), Path: stagingPath(b.Namespace, b.Name)}
	if p := in.Parent; b.Spec.ParentBackupName != "" && p != nil {
		if name := BackupRepository(p, ""); name != repo.Name { // a started parent recorded where its data went
			return fmt.Errorf("parent backup %q is not in repository %q (%s)", p.Name, repo.Name, storedIn(name))
		}
		if readsParentDir(in.Tool) {
			repo.Pull = []drivers.Transfer{{Key: RepositoryKey(p), Path: stagingPath(p.Namespace, p.Name),
				ManifestSHA256: manifestSumOf(p)}}
		}
	}
	task.Storage, task.Repository = plan.Storage, repo
	plan.RepositoryKey = repo.Push.Key
	return nil
}

// parentBackupDir is PARENT_BACKUP_DIR of an incremental backup: in the
// staging directory for a repository, else inClaim (its directory in the
// claim).
func parentBackupDir(in BackupInputs, p *v1alpha1.Backup, inClaim string) string {
	if in.Repository != nil {
		return path.Join(DefaultMountPath, stagingPath(p.Namespace, p.Name))
	}
	return inClaim
}

// parentDirRef matches a reference to PARENT_BACKUP_DIR: $(VAR), $VAR or
// ${VAR}.
var parentDirRef = regexp.MustCompile(`\$\(` + EnvParentBackupDir + `\)|\$\{?` + EnvParentBackupDir + `\b`)

// readsParentDir reports whether an incremental backup with tool reads its
// parent's data: its incremental commands or its env name
// PARENT_BACKUP_DIR. Only then is the parent downloaded before it runs.
func readsParentDir(tool *v1alpha1.BackupTool) bool {
	texts := append([]string(nil), tool.Spec.IncrementalBackupCommands...)
	for _, v := range tool.Spec.Env {
		texts = append(texts, v.Value)
	}
	for _, s := range texts {
		if parentDirRef.MatchString(s) {
			return true
		}
	}
	return false
}

// stageRestore returns the staging storage of a restore of in.Chain from
// in.Repository, the directory (BACKUP_DIR) of each backup, and the
// downloads. Every backup of the chain must be in the repository.
func stageRestore(in RestoreInputs) (*drivers.Storage, []string, *drivers.Repository, error) {
	repo := in.Repository.DeepCopy()
	repo.Pull, repo.Push = nil, nil
	dirs := make([]string, len(in.Chain))
	var rel string
	for i, b := range in.Chain {
		if name := BackupRepository(b, ""); name != repo.Name {
			return nil, nil, nil, fmt.Errorf("backup %q is not in repository %q (%s)", b.Name, repo.Name, storedIn(name))
		}
		rel = stagingPath(b.Namespace, b.Name)
		dirs[i] = path.Join(DefaultMountPath, rel)
		repo.Pull = append(repo.Pull, drivers.Transfer{Key: RepositoryKey(b), Path: rel, ManifestSHA256: manifestSumOf(b)})
	}
	return stagingStorage(rel), dirs, repo, nil
}

// storedIn says where a backup is, for errors.
func storedIn(repository string) string {
	if repository == "" {
		return "it is in a claim"
	}
	return fmt.Sprintf("it is in repository %q", repository)
}

// manifestSumOf returns the manifest checksum recorded on b
// (status.manifests.backupTool.checkSum, "sha256:<hex>"), or "" when none
// is recorded in that form.
func manifestSumOf(b *v1alpha1.Backup) string {
	m := b.Status.Manifests
	if m == nil || m.BackupTool == nil {
		return ""
	}
	sum, ok := strings.CutPrefix(m.BackupTool.CheckSum, "sha256:")
	if !ok || len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return ""
	}
	return sum
}

// restoreStorage returns the storage of a restore, the directory of each
// backup of the chain and, for a chain in a repository, its downloads.
func restoreStorage(in RestoreInputs) (*drivers.Storage, []string, *drivers.Repository, error) {
	if in.Repository != nil {
		return stageRestore(in)
	}
	storage, dirs, err := chainStorage(in)
	return storage, dirs, nil, err
}
