package executor

import (
	"context"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/repository"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// policyRepository is the repository of policy p's datafile and logfile
// backups on this engine: its annotation, else Config.DefaultRepository
// (policy.RepositoryOf). Every reader of a policy's repository goes
// through it; a Backup records the result when it starts, and what reads a
// started Backup's repository (its restores, its deletion, the limits'
// count) reads that record.
func (e *Executor) policyRepository(p *v1alpha1.BackupPolicy) string {
	return policy.RepositoryOf(p, e.defaultRepo)
}

// gatherRepository describes the repository that holds (or is to hold) the
// data of the Backup in to its tasks (policy.BackupRepository): the one
// recorded on the Backup, else its policy's (policyRepository). A name the
// host did not register fails the Backup.
func (e *Executor) gatherRepository(in *backupInputs) error {
	name := policy.BackupRepository(in.Backup, e.policyRepository(in.Policy))
	if name == "" {
		return nil
	}
	r, err := e.repository(name)
	if err != nil {
		return terminal("RepositoryNotFound", "annotation %s: %v", v1alpha1.AnnotationRepository, err)
	}
	in.Repository = r.description(name, false)
	return nil
}

// recordRepository records on b the repository its data goes to, with the
// target and driver; it reports whether b changed.
func recordRepository(b *v1alpha1.Backup, in *backupInputs) bool {
	name := ""
	if in.Repository != nil {
		name = in.Repository.Name
	}
	if b.Annotations[v1alpha1.AnnotationRepository] == name {
		return false
	}
	if name == "" {
		delete(b.Annotations, v1alpha1.AnnotationRepository)
	} else {
		setAnnotation(b, v1alpha1.AnnotationRepository, name)
	}
	return true
}

// probeRepository checks, before a backup runs, that its repository
// answers: it lists the backup's key (one page of one object; a listing,
// unlike a HEAD request, tells a missing bucket from a missing object).
// Wrong credentials, a missing bucket or an unreachable
// endpoint fail the run (retried as onFailAttempted says) with a reason
// that names the repository and the cause, before the tool runs for
// nothing. ok is false when the run failed; res and err are then that
// write's.
func (e *Executor) probeRepository(ctx context.Context, b *v1alpha1.Backup, in *backupInputs, plan *policy.BackupPlan) (ok bool, res Result, err error) {
	if in.Repository == nil {
		return true, Result{}, nil
	}
	r, err := e.repository(in.Repository.Name)
	if err != nil {
		return true, Result{}, nil // gatherRepository found it
	}
	err = e.call(ctx, func(ctx context.Context) error {
		_, err := r.Repository.ListPage(ctx, repository.ListOptions{Prefix: plan.RepositoryKey + "/", PageSize: 1})
		return err
	})
	if err == nil {
		return true, Result{}, nil
	}
	reason := "repository " + strconv.Quote(in.Repository.Name) + " cannot be used: " + err.Error()
	res, err = e.failRun(ctx, b, in, reason)
	return false, res, err
}

// applyRepositoryResult records what a backup's upload committed: the
// logical size (totalSize), the stored size (uploadTotalSize) and the
// manifest's checksum (checkSum). The key is recorded when the backup
// starts (manifests.backupTool.filePath), from the plan, never from what a
// driver reports.
func applyRepositoryResult(status *v1alpha1.BackupStatus, r *drivers.RepositoryResult) {
	m := status.Manifests
	if m.BackupTool == nil {
		m.BackupTool = &v1alpha1.BackupToolManifestsStatus{}
	}
	status.TotalSize = formatBytes(r.LogicalSize)
	m.BackupTool.UploadTotalSize = formatBytes(r.StoredSize)
	m.BackupTool.CheckSum = "sha256:" + r.ManifestSHA256
}

// formatBytes writes a size as the API's sizes are written: a number of
// bytes, in decimal, without a suffix (a Kubernetes quantity in bytes, such
// as "1048576"), whatever the driver.
func formatBytes(n int64) string { return strconv.FormatInt(n, 10) }

// deleteRepositoryData deletes, in this process, the data of a Backup that
// is in a repository (policy.BackupRepository, as recorded when it
// started): repository.DeleteBackup of its key (policy.RepositoryKey)
// removes the manifest first, then every object under the key, and is
// idempotent, so a deletion stopped anywhere (a crash, the call's timeout,
// an unreachable server) resumes when the step runs again. done is true
// when there is nothing (more) to delete, also for a Backup that is not in
// a repository.
func (e *Executor) deleteRepositoryData(ctx context.Context, b *v1alpha1.Backup) (done bool, res Result, err error) {
	name := policy.BackupRepository(b, "")
	if name == "" || b.Status.StartTimestamp == nil {
		return true, Result{}, nil
	}
	r, err := e.repository(name)
	if err == nil {
		err = e.call(ctx, func(ctx context.Context) error { return r.Repository.DeleteBackup(ctx, policy.RepositoryKey(b)) })
	}
	if err != nil {
		e.events.Eventf(b, corev1.EventTypeWarning, "DeleteFailed", "deleting the backup's data from repository %q failed: %v", name, err)
		return false, Result{RequeueAfter: e.opts.RetryDelay}, nil
	}
	e.events.Eventf(b, corev1.EventTypeNormal, "DataDeleted", "the backup's data was deleted from repository %q", name)
	return true, Result{}, nil
}

// restoreRepository describes, with the identity, the repository that
// holds the data of the backup to restore; nil when it is in a claim. A
// name the host did not register fails the RestoreJob.
func (e *Executor) restoreRepository(last *v1alpha1.Backup) (*drivers.Repository, error) {
	name := policy.BackupRepository(last, "")
	if name == "" {
		return nil, nil
	}
	r, err := e.repository(name)
	if err != nil {
		return nil, terminal("RepositoryNotFound", "backup %q is in repository %q: %v", last.Name, name, err)
	}
	return r.description(name, true), nil
}
