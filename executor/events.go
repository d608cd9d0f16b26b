package executor

import (
	"fmt"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// logRecorder is the default event recorder: events go to the log.
type logRecorder struct{ log logr.Logger }

func (r *logRecorder) Event(obj runtime.Object, eventtype, reason, message string) {
	kv := []any{"type", eventtype, "reason", reason, "message", message}
	if m, ok := obj.(metav1.Object); ok {
		kv = append(kv, "object", m.GetNamespace()+"/"+m.GetName(), "kind", fmt.Sprintf("%T", obj))
	}
	r.log.V(1).Info("event", kv...)
}

func (r *logRecorder) Eventf(obj runtime.Object, eventtype, reason, messageFmt string, args ...any) {
	r.Event(obj, eventtype, reason, fmt.Sprintf(messageFmt, args...))
}

func (r *logRecorder) AnnotatedEventf(obj runtime.Object, _ map[string]string, eventtype, reason, messageFmt string, args ...any) {
	r.Eventf(obj, eventtype, reason, messageFmt, args...)
}
