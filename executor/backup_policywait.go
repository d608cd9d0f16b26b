package executor

import (
	"context"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// errWaiting is returned while gathering a Backup's inputs when the Backup
// waits for something (and its note is written): res says when to look
// again. It is no failure.
type errWaiting struct{ res Result }

func (e *errWaiting) Error() string { return "waiting" }

// policyWaitNote is the prefix of the waiting note of a Backup that waits
// for its policy.
const policyWaitNote = "waiting: BackupPolicy "

// awaitPolicy handles a New Backup whose BackupPolicy does not exist: it
// records when the wait began (v1alpha1.AnnotationPolicyWaitSince and the
// waiting note v1alpha1.AnnotationWaiting, once, with a WaitingForPolicy
// event) and returns an *errWaiting, until Options.PolicyWaitTimeout has
// passed since; then the Backup fails as upstream failed it at once
// (PolicyNotFound). A wait's start that does not parse or lies in the
// future (the annotation is writable) is written again.
func (e *Executor) awaitPolicy(ctx context.Context, b *v1alpha1.Backup) error {
	name, now := b.Spec.BackupPolicyName, e.now()
	since, err := time.Parse(time.RFC3339, b.Annotations[v1alpha1.AnnotationPolicyWaitSince])
	if err != nil || since.After(now) {
		setAnnotation(b, v1alpha1.AnnotationPolicyWaitSince, now.Format(time.RFC3339))
		setAnnotation(b, v1alpha1.AnnotationWaiting, policyWaitNote+strconv.Quote(name)+" does not exist (yet)")
		out, err := e.store.Backups().Update(ctx, b)
		if err != nil {
			return err
		}
		e.events.Eventf(out, corev1.EventTypeNormal, "WaitingForPolicy", "BackupPolicy %q does not exist: the backup waits for it at most %s (PolicyWaitTimeout)",
			name, e.opts.PolicyWaitTimeout)
		return &errWaiting{res: e.poll()}
	}
	if left := e.opts.PolicyWaitTimeout - now.Sub(since); left > 0 {
		return &errWaiting{res: Result{RequeueAfter: min(left, e.opts.PollInterval)}}
	}
	return terminal("PolicyNotFound", "BackupPolicy %q not found (waited %s, PolicyWaitTimeout)", name, e.opts.PolicyWaitTimeout)
}

// policyFound removes from b, in memory, the notes of a wait for its
// policy, which exists now; the write that records b's target keeps it.
func policyFound(b *v1alpha1.Backup) {
	if _, ok := b.Annotations[v1alpha1.AnnotationPolicyWaitSince]; !ok {
		return
	}
	delete(b.Annotations, v1alpha1.AnnotationPolicyWaitSince)
	if strings.HasPrefix(b.Annotations[v1alpha1.AnnotationWaiting], policyWaitNote) {
		delete(b.Annotations, v1alpha1.AnnotationWaiting)
	}
}
