package executor

import (
	"encoding/json"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TaskRecord is one task in a Backup's or RestoreJob's annotation
// v1alpha1.AnnotationTasks.
type TaskRecord struct {
	// ID is the task's ID, the key of the driver's calls.
	ID string `json:"id"`
	// Driver is the registered name of the driver that runs it.
	Driver string `json:"driver"`
	// Log says where its log is (drivers.LogReader.LogLocation); empty
	// when the driver does not say.
	Log string `json:"log,omitempty"`
}

// TaskRecords returns the tasks obj's annotation v1alpha1.AnnotationTasks
// lists, oldest first; none when it has none or it does not parse (the
// annotation is writable by anyone who can write obj).
func TaskRecords(obj metav1.Object) []TaskRecord {
	var recs []TaskRecord
	if err := json.Unmarshal([]byte(obj.GetAnnotations()[v1alpha1.AnnotationTasks]), &recs); err != nil {
		return nil
	}
	return recs
}

// recordTasks adds to obj's annotation v1alpha1.AnnotationTasks the tasks
// it does not list yet, keeping the latest v1alpha1.MaxRecordedTasks; it
// changes obj in memory and says whether it did, for the caller's write.
func (e *Executor) recordTasks(obj metav1.Object, tasks []policy.PlannedTask) bool {
	recs := TaskRecords(obj)
	changed := false
	// Only the latest MaxRecordedTasks of a plan can stay listed: adding
	// earlier ones would change the annotation at every call (they are
	// cut again), and a caller that writes when it changed would never get
	// past the write (a Backup with 16 status updates stayed New).
	tasks = tasks[max(len(tasks)-v1alpha1.MaxRecordedTasks, 0):]
	for i := range tasks {
		id := tasks[i].Task.ID
		if slices.ContainsFunc(recs, func(r TaskRecord) bool { return r.ID == id }) {
			continue
		}
		recs = append(recs, TaskRecord{ID: id, Driver: tasks[i].Driver, Log: e.logLocation(&tasks[i])})
		changed = true
	}
	if !changed {
		return false
	}
	recs = recs[max(len(recs)-v1alpha1.MaxRecordedTasks, 0):]
	data, err := json.Marshal(recs)
	if err != nil {
		return false
	}
	setAnnotation(obj, v1alpha1.AnnotationTasks, string(data))
	return true
}

// logLocation asks the task's driver where its log is, when it can say.
func (e *Executor) logLocation(pt *policy.PlannedTask) string {
	d, err := e.drivers.Lookup(pt.Driver)
	if err != nil {
		return ""
	}
	if lr, ok := d.(drivers.LogReader); ok {
		return cut(lr.LogLocation(&pt.Task), v1alpha1.MaxRecordedLocation)
	}
	return ""
}

// recordDataPath sets b's annotation v1alpha1.AnnotationDataPath from the
// driver of its main task (drivers.DataLocator); it says whether b changed.
func (e *Executor) recordDataPath(b *v1alpha1.Backup, plan *policy.BackupPlan) bool {
	if plan.Main < 0 || plan.Main >= len(plan.Tasks) {
		return false
	}
	main := &plan.Tasks[plan.Main]
	d, err := e.drivers.Lookup(main.Driver)
	if err != nil {
		return false
	}
	dl, ok := d.(drivers.DataLocator)
	if !ok {
		return false
	}
	where := cut(dl.DataLocation(&main.Task), v1alpha1.MaxRecordedLocation)
	if where == "" || b.Annotations[v1alpha1.AnnotationDataPath] == where {
		return false
	}
	setAnnotation(b, v1alpha1.AnnotationDataPath, where)
	return true
}

// cut returns s cut to at most n bytes.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
