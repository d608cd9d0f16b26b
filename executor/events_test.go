package executor_test

import (
	"testing"

	"github.com/go-logr/logr/funcr"
	"github.com/stretchr/testify/assert"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// A host without an event recorder sees Warning events in its log at V(0)
// (its default verbosity); Normal ones need V(1).
func TestWithoutARecorderWarningEventsAreLoggedAtV0(t *testing.T) {
	h := newHarness(t, nil)
	logs := &logLines{}
	cfg := h.config()
	cfg.Events = nil
	cfg.Logger = funcr.New(logs.add, funcr.Options{Verbosity: 0})
	h.ex = newEngine(cfg)
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupToolName = "nope" }))
	assert.Equal(t, 1, logs.count(`"type"="Warning" "reason"="InvalidPolicy"`))

	h = newHarness(t, nil)
	logs = &logLines{}
	cfg = h.config()
	cfg.Events = nil
	cfg.Logger = funcr.New(logs.add, funcr.Options{Verbosity: 0})
	h.ex = newEngine(cfg)
	h.setup(backupPolicy())
	assert.Equal(t, 0, logs.count(`"reason"="Available"`), "Normal events are at V(1)")
}
