package executor

import (
	"k8s.io/apimachinery/pkg/runtime"
)

// EventRecorder receives the engine's events (Config.Events): one per phase
// change, failure and retry, about a Backup, BackupPolicy or RestoreJob.
// client-go's k8s.io/client-go/tools/record.EventRecorder (an
// EventBroadcaster's recorder, core/v1 events) is one as it is;
// NewEventsRecorder adapts the newer k8s.io/client-go/tools/events recorder
// (events.k8s.io/v1, what a controller-runtime v0.25 manager's
// GetEventRecorder returns).
type EventRecorder interface {
	// Event records an event about object: eventtype is Normal or
	// Warning, reason a CamelCase word, message the text for people.
	Event(object runtime.Object, eventtype, reason, message string)
}

// EventsAPIRecorder is the recorder of k8s.io/client-go/tools/events
// (events.EventRecorder), declared here so that the engine does not import
// that package and the API clients it brings.
type EventsAPIRecorder interface {
	// Eventf records an event about regarding, as events.EventRecorder
	// does.
	Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any)
}

// NewEventsRecorder returns the engine's EventRecorder over r, a
// k8s.io/client-go/tools/events recorder, such as
// mgr.GetEventRecorder("dataprotection") of a controller-runtime manager.
// Each event's action (required by events.k8s.io/v1) is its reason, and it
// has no related object.
func NewEventsRecorder(r EventsAPIRecorder) EventRecorder { return eventsRecorder{r} }

type eventsRecorder struct{ r EventsAPIRecorder }

func (e eventsRecorder) Event(object runtime.Object, eventtype, reason, message string) {
	e.r.Eventf(object, nil, eventtype, reason, reason, "%s", message)
}
