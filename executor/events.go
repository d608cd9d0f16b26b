package executor

import (
	"fmt"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// logRecorder is the default event recorder: events go to the log,
// Warning events at V(0), so that a host that gives no recorder still sees
// every failure, Normal ones at V(1).
type logRecorder struct{ log logr.Logger }

func (r *logRecorder) Event(obj runtime.Object, eventtype, reason, message string) {
	kv := []any{"type", eventtype, "reason", reason, "message", message}
	if m, ok := obj.(metav1.Object); ok {
		kv = append(kv, "object", m.GetNamespace()+"/"+m.GetName(), "kind", fmt.Sprintf("%T", obj))
	}
	level := 1
	if eventtype == corev1.EventTypeWarning {
		level = 0
	}
	r.log.V(level).Info("event", kv...)
}

func (r *logRecorder) Eventf(obj runtime.Object, eventtype, reason, messageFmt string, args ...any) {
	r.Event(obj, eventtype, reason, fmt.Sprintf(messageFmt, args...))
}

func (r *logRecorder) AnnotatedEventf(obj runtime.Object, _ map[string]string, eventtype, reason, messageFmt string, args ...any) {
	r.Eventf(obj, eventtype, reason, messageFmt, args...)
}

// truncatingRecorder passes events on with their messages cut to
// v1alpha1.MaxMessageLength bytes (v1alpha1.TruncateMessage): a message may
// quote a tool's output or a long list of problems.
type truncatingRecorder struct{ next EventRecorder }

func (r truncatingRecorder) Event(obj runtime.Object, eventtype, reason, message string) {
	r.next.Event(obj, eventtype, reason, v1alpha1.TruncateMessage(message))
}

func (r truncatingRecorder) Eventf(obj runtime.Object, eventtype, reason, messageFmt string, args ...any) {
	r.Event(obj, eventtype, reason, fmt.Sprintf(messageFmt, args...))
}

func (r truncatingRecorder) AnnotatedEventf(obj runtime.Object, annotations map[string]string, eventtype, reason, messageFmt string, args ...any) {
	message := v1alpha1.TruncateMessage(fmt.Sprintf(messageFmt, args...))
	if a, ok := r.next.(record.EventRecorder); ok {
		a.AnnotatedEventf(obj, annotations, eventtype, reason, "%s", message)
		return
	}
	r.next.Event(obj, eventtype, reason, message)
}
