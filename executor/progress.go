package executor

import (
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/dpsdk/dataprotection/internal/units"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// ProgressInterval is the least time between two Progress events of one
// Backup or RestoreJob: the bytes its running task moved so far
// (drivers.TaskStatus.BytesDone) and the rate since the last event.
// Progress never writes the object's status: only events and the metric
// dataprotection_task_bytes_done show it.
const ProgressInterval = 30 * time.Second

// progressMark is the last Progress event of an object.
type progressMark struct {
	at    time.Time
	bytes int64
}

// progressMarks remembers, in memory, the last Progress event of each
// object whose task is moving data.
type progressMarks struct {
	mu sync.Mutex
	m  map[string]progressMark
}

// observeProgress shows the bytes moved by the running task of obj (a
// Backup or a RestoreJob), when its driver reports them: the metric at
// every step, an event at most every ProgressInterval. When the task is
// not running any more, the metric's series and the mark go.
func (e *Executor) observeProgress(obj runtime.Object, out taskOutcome) {
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	kind := "Backup"
	if _, restore := obj.(*v1alpha1.RestoreJob); restore {
		kind = "RestoreJob"
	}
	id := kind + "/" + m.GetNamespace() + "/" + m.GetName()
	if out.state != taskRunning || out.status == nil || out.status.BytesDone <= 0 {
		e.progress.forget(id)
		e.metrics.taskBytes.DeleteLabelValues(kind, m.GetNamespace(), m.GetName())
		return
	}
	done := out.status.BytesDone
	e.metrics.taskBytes.WithLabelValues(kind, m.GetNamespace(), m.GetName()).Set(float64(done))
	now := e.clock.Now()
	last, seen := e.progress.mark(id, now, done)
	if !seen || now.Sub(last.at) < ProgressInterval {
		return
	}
	e.progress.set(id, progressMark{at: now, bytes: done})
	e.events.Eventf(obj, corev1.EventTypeNormal, "Progress", "%s moved so far%s", units.IEC(done), rate(last, now, done))
}

// mark returns the last mark of id and true; an object seen for the first
// time gets a mark now (its first event comes ProgressInterval later) and
// false.
func (p *progressMarks) mark(id string, now time.Time, bytes int64) (progressMark, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]progressMark{}
	}
	m, ok := p.m[id]
	if !ok {
		p.m[id] = progressMark{at: now, bytes: bytes}
	}
	return m, ok
}

func (p *progressMarks) set(id string, m progressMark) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[id] = m
}

func (p *progressMarks) forget(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, id)
}

// rate is ", <IEC>/s" since the last mark, or "" when it cannot be told.
func rate(last progressMark, now time.Time, bytes int64) string {
	d := now.Sub(last.at)
	if last.at.IsZero() || d <= 0 || bytes < last.bytes {
		return ""
	}
	return fmt.Sprintf(", %s/s", units.IEC(int64(float64(bytes-last.bytes)/d.Seconds())))
}

// storedWhere says, for the Completed event of a backup in a repository,
// where its data is.
func storedWhere(b *v1alpha1.Backup) string {
	name := b.Annotations[v1alpha1.AnnotationRepository]
	m := b.Status.Manifests
	if name == "" || m == nil || m.BackupTool == nil {
		return ""
	}
	return fmt.Sprintf(", stored in repository %q under %s (%s bytes stored)", name, m.BackupTool.FilePath, m.BackupTool.UploadTotalSize)
}
