package executor

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// errWaiting is returned while gathering a Backup's inputs when the Backup
// waits for something: res says when to look again. It is no failure. When
// event is set, the Backup's waiting notes were set in memory: planBackup
// writes them, then records event (a WaitingForPolicy event); a gathering
// that only probes (claimBackup) writes nothing.
type errWaiting struct {
	res   Result
	event string
}

func (e *errWaiting) Error() string { return "waiting" }

// policyWaitNote is the prefix of the waiting note of a Backup that waits
// for its policy.
const policyWaitNote = "waiting: BackupPolicy "

// awaitPolicy handles a New Backup whose BackupPolicy does not exist: it
// sets when the wait began (v1alpha1.AnnotationPolicyWaitSince and the
// waiting note v1alpha1.AnnotationWaiting, once, for planBackup to write with
// a WaitingForPolicy event) and returns an *errWaiting, until Options.PolicyWaitTimeout has
// passed since; then the Backup fails as upstream failed it at once
// (PolicyNotFound). A wait's start that does not parse or lies in the
// future (the annotation is writable) is written again.
func (e *Executor) awaitPolicy(b *v1alpha1.Backup) error {
	name, now := b.Spec.BackupPolicyName, e.now()
	since, err := time.Parse(time.RFC3339, b.Annotations[v1alpha1.AnnotationPolicyWaitSince])
	if err != nil || since.After(now) {
		setAnnotation(b, v1alpha1.AnnotationPolicyWaitSince, now.Format(time.RFC3339))
		setAnnotation(b, v1alpha1.AnnotationWaiting, policyWaitNote+strconv.Quote(name)+" does not exist (yet)")
		return &errWaiting{res: e.poll(), event: fmt.Sprintf("BackupPolicy %q does not exist: the backup waits for it at most %s (PolicyWaitTimeout)",
			name, e.opts.PolicyWaitTimeout)}
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
