package dataprotection

import "github.com/dpsdk/dataprotection/executor"

// EventRecorder receives the engine's events (Config.Events): a client-go
// record.EventRecorder as it is, or a tools/events recorder through
// NewEventsRecorder (see executor.EventRecorder).
type EventRecorder = executor.EventRecorder

// EventsAPIRecorder is the recorder of k8s.io/client-go/tools/events, such
// as a controller-runtime v0.25 manager's GetEventRecorder.
type EventsAPIRecorder = executor.EventsAPIRecorder

// NewEventsRecorder adapts a k8s.io/client-go/tools/events recorder to
// Config.Events (see executor.NewEventsRecorder).
func NewEventsRecorder(r EventsAPIRecorder) EventRecorder { return executor.NewEventsRecorder(r) }
