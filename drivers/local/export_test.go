package local

import "time"

// SetCaptureGrace sets how long the driver waits for the end of a task's
// output after the task ended, for a test; it returns the previous value's
// restore function.
func SetCaptureGrace(d time.Duration) (restore func()) {
	old := captureGrace
	captureGrace = d
	return func() { captureGrace = old }
}
