package executor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/tools/record"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Both client-go recorders fit Config.Events: the record one as it is, the
// events one through NewEventsRecorder.
var (
	_ EventRecorder     = record.EventRecorder(nil)
	_ EventsAPIRecorder = events.EventRecorder(nil)
)

func TestNewEventsRecorderPassesEventsToAnEventsAPIRecorder(t *testing.T) {
	fake := events.NewFakeRecorder(4)
	b := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "b1"}}
	rec := truncatingRecorder{NewEventsRecorder(fake)}

	rec.Eventf(b, corev1.EventTypeNormal, "Completed", "backup completed: %d bytes", 42)
	rec.AnnotatedEventf(b, map[string]string{"a": "b"}, corev1.EventTypeWarning, "Failed", "%s", strings.Repeat("x", 2*v1alpha1.MaxMessageLength))

	assert.Equal(t, "Normal Completed backup completed: 42 bytes", <-fake.Events)
	long := <-fake.Events
	assert.True(t, strings.HasPrefix(long, "Warning Failed xxx"), long)
	assert.LessOrEqual(t, len(long), len("Warning Failed ")+v1alpha1.MaxMessageLength, "messages are cut")
}
