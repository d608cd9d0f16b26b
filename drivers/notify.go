package drivers

import "context"

// Notifier is an optional interface of a Driver that observes its tasks —
// an informer on its Jobs, a process that exits, a plugin that streams —
// and tells the engine when a task may have changed, so that the engine
// looks at once instead of at its next poll. While Engine.Run runs, it
// subscribes to every registered driver that implements Notifier, and
// polls the tasks of those that accepted only as a fallback
// (Options.NotifiedPollInterval instead of PollInterval).
type Notifier interface {
	// Notify calls fn with a task's ID whenever the task may have changed
	// (it started running, finished, failed or was cancelled), until ctx
	// ends; it returns at once. fn is safe for concurrent use and does
	// not block; the driver may call it from any goroutine, for IDs the
	// engine does not know, and more than once for one change. A
	// notification may be late, but a change must not go without one
	// while ctx lasts. An error (code Unimplemented for a driver that
	// cannot notify in its current setup) makes the engine poll.
	Notify(ctx context.Context, fn func(taskID string)) error
}
