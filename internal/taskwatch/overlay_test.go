package taskwatch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func job(rv string) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "j", UID: "u1", ResourceVersion: rv,
		Labels: map[string]string{v1alpha1.LabelTaskID: "t"}}}
}

func versions(jobs []*batchv1.Job) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, j.ResourceVersion)
	}
	return out
}

// TestPendingWritesTakenBeforeTheCacheCorrectIt: the informer delivers the
// driver's write after the snapshot and before (or after) the read of the
// cache; what the read got, older or not, merges to the write or newer.
func TestPendingWritesTakenBeforeTheCacheCorrectIt(t *testing.T) {
	o := &overlay[*batchv1.Job]{entries: map[string]*entry[*batchv1.Job]{}}
	o.record(job("12"), false)
	pending := o.snapshot()
	o.observe(job("12"), false) // the informer delivers the write
	assert.Nil(t, o.snapshot(), "the informer caught up")
	assert.Equal(t, []string{"12"}, versions(pending.merge("t", []*batchv1.Job{job("10")})), "the cache read before it")
	assert.Equal(t, []string{"12"}, versions(pending.merge("t", nil)), "the cache has not seen the creation")
	assert.Equal(t, []string{"14"}, versions(pending.merge("t", []*batchv1.Job{job("14")})), "the cache is ahead")
	assert.Empty(t, versions(pending.merge("other", nil)), "another task's read")
}

// TestPendingDeletionHidesTheObject: a deletion the informer has not
// delivered hides the cache's object of the deleted UID.
func TestPendingDeletionHidesTheObject(t *testing.T) {
	o := &overlay[*batchv1.Job]{entries: map[string]*entry[*batchv1.Job]{}}
	o.record(job("12"), true)
	assert.Empty(t, o.snapshot().merge("t", []*batchv1.Job{job("12")}))
	other := job("20")
	other.UID = "u2"
	assert.Equal(t, []string{"20"}, versions(o.snapshot().merge("t", []*batchv1.Job{other})), "another object of the name")
}

// TestDeletionOfAnEarlierObjectKeepsTheNextOnesWrite: the driver deletes
// its Job and creates it again, then the informer delivers the first Job's
// deletion: the new Job's entry stays until the informer delivers it.
func TestDeletionOfAnEarlierObjectKeepsTheNextOnesWrite(t *testing.T) {
	o := &overlay[*batchv1.Job]{entries: map[string]*entry[*batchv1.Job]{}}
	o.record(job("12"), true)
	next := job("20")
	next.UID = "u2"
	o.record(next, false)
	o.observe(job("15"), true) // the first Job's deletion
	assert.Equal(t, []string{"20"}, versions(o.snapshot().merge("t", nil)), "the new Job, before the informer has it")
	o.observe(next, false)
	assert.Nil(t, o.snapshot(), "the informer caught up")
}
