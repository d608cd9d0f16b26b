package drivers

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The environment of a repository client: what cmd/dpctl and package
// repository/repourl read, and what a driver gives the process that moves
// a task's data (never the task's commands).
const (
	// EnvRepositoryURL is the repository's URL (Repository.URL).
	EnvRepositoryURL = "DP_REPOSITORY"
	// EnvRepositoryRecipients are the age public keys backups are
	// encrypted to (Repository.Recipients), separated by commas.
	EnvRepositoryRecipients = "DP_REPOSITORY_RECIPIENTS"
	// EnvRepositoryIdentity holds age secret keys, one per line, that
	// restores decrypt with. Secret: only a reference in a Task.
	EnvRepositoryIdentity = "DP_REPOSITORY_IDENTITY"
	// EnvRepositoryIdentityFile names a file of age secret keys.
	EnvRepositoryIdentityFile = "DP_REPOSITORY_IDENTITY_FILE"
	// EnvAccessKeyID is the S3 access key ID.
	EnvAccessKeyID = "AWS_ACCESS_KEY_ID"
	// EnvSecretAccessKey is the S3 secret access key. Secret: only a
	// reference in a Task.
	EnvSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	// EnvSessionToken is the S3 session token of temporary credentials.
	// Secret: only a reference in a Task.
	EnvSessionToken = "AWS_SESSION_TOKEN"
)

// SecretRepositoryEnv lists the variables of a repository client whose
// values are secrets: a Repository gives them only as references.
var SecretRepositoryEnv = []string{EnvSecretAccessKey, EnvSessionToken, EnvRepositoryIdentity}

// Repository is the backup repository a task's data goes to or comes from,
// described so that a driver can reach it wherever the task runs (this
// process, a Job's pod, a plugin): where it is, its credentials as
// references, and what to move. The engine sets it on the backup and
// restore tasks of a policy that chooses a repository (the annotation
// v1alpha1.AnnotationRepository). The task's Storage is then a staging
// directory that the driver provides (Storage.ClaimName is empty: a
// temporary directory, an emptyDir): BACKUP_DIR is in it, as usual, so
// tools work unmodified.
//
// A driver that runs such a task, and says so in Capabilities.Repositories:
//   - before the steps, downloads every backup of Pull, in order, into
//     MountPath/Path of each, checking every object against its manifest;
//     a failure fails the task before any command runs, naming the object;
//   - after the steps succeeded, uploads MountPath/Push.Path as the backup
//     Push.Key (compressed, encrypted to Recipients, checksummed, its
//     manifest written last) and reports it in TaskStatus.Repository, with
//     TaskStatus.TotalSize the logical bytes; a failed upload fails the
//     task and leaves no committed backup;
//   - gives Env, URL and Recipients only to what moves the data, never to
//     the task's commands, and reports the bytes moved so far in
//     TaskStatus.BytesDone while it runs.
type Repository struct {
	// Name is the name the host registered the repository under.
	Name string
	// URL locates the repository, in the syntax of package
	// repository/repourl, without credentials, such as
	// "s3://bucket/prefix?endpoint=host:9000" or "file:///var/backups".
	URL string
	// Env is the rest of the client's environment (see the Env*
	// constants): credentials and, on restore tasks only, the decryption
	// identity. Values that are secrets (SecretRepositoryEnv) are
	// references (ValueFrom.SecretKeyRef), never values; they resolve in
	// the owner's namespace, as Task.Env does.
	Env []corev1.EnvVar
	// Recipients are the age X25519 public keys ("age1...") a backup is
	// encrypted to; none: backups are not encrypted.
	Recipients []string
	// Pull are the backups to download before the steps run: a restore's
	// chain, full backup first, or an incremental backup's parent when its
	// tool reads PARENT_BACKUP_DIR.
	Pull []Transfer
	// Push is the backup to upload once the steps succeeded; set on
	// backup tasks, nil on restores.
	Push *Transfer
}

// Transfer is one backup moved between a repository and the staging
// directory.
type Transfer struct {
	// Key is the backup's key in the repository (policy.RepositoryKey).
	Key string
	// Path is the backup's directory relative to Storage.MountPath: its
	// BACKUP_DIR is MountPath/Path.
	Path string
	// ManifestSHA256 is, for a download, the hex sha256 of the backup's
	// manifest recorded when it was made; the download fails when the
	// manifest differs. Empty: not checked.
	ManifestSHA256 string
}

// RepositoryResult is what a backup task's upload committed.
type RepositoryResult struct {
	// Key is the backup's key in the repository.
	Key string `json:"key"`
	// ManifestSHA256 is the hex sha256 of the manifest written.
	ManifestSHA256 string `json:"manifestSha256"`
	// Objects is the number of files stored.
	Objects int `json:"objects"`
	// LogicalSize is the number of bytes of the files, as the tool wrote
	// them.
	LogicalSize int64 `json:"logicalSize"`
	// StoredSize is the number of bytes stored: compressed, encrypted.
	StoredSize int64 `json:"storedSize"`
}

// ClientEnv is the whole environment of the repository's client: URL and
// Recipients as plain variables, then Env. Values are in Kubernetes
// syntax (a literal "$" escaped as "$$").
func (r *Repository) ClientEnv() []corev1.EnvVar {
	escape := func(s string) string { return strings.ReplaceAll(s, "$", "$$") }
	out := []corev1.EnvVar{{Name: EnvRepositoryURL, Value: escape(r.URL)}}
	if len(r.Recipients) > 0 {
		out = append(out, corev1.EnvVar{Name: EnvRepositoryRecipients, Value: escape(strings.Join(r.Recipients, ","))})
	}
	for i := range r.Env {
		out = append(out, *r.Env[i].DeepCopy())
	}
	return out
}

// DeepCopy returns a copy of r that shares nothing with it.
func (r *Repository) DeepCopy() *Repository {
	if r == nil {
		return nil
	}
	out := *r
	out.Env = nil
	for i := range r.Env {
		out.Env = append(out.Env, *r.Env[i].DeepCopy())
	}
	out.Recipients = append([]string(nil), r.Recipients...)
	out.Pull = append([]Transfer(nil), r.Pull...)
	if r.Push != nil {
		p := *r.Push
		out.Push = &p
	}
	return &out
}
