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

// HoldMeasurements makes every backup measurement started from now on wait
// until release is called, and Status calls wait for one (and for a
// repository transfer, which measureWait bounds too) up to wait; the
// returned function restores both.
func HoldMeasurements(wait time.Duration) (release, restore func()) {
	oldWait, oldGate := measureWait, measureGate
	gate := make(chan struct{})
	measureWait, measureGate = wait, gate
	return func() { close(gate) }, func() { measureWait, measureGate = oldWait, oldGate }
}
