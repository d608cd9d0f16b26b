//go:build unix

package main

import (
	"fmt"
	"sync"

	"github.com/go-logr/logr"
)

// errorLog is a logr sink that records every error logged through it and
// passes every line on. The operator logs each failed reconcile (other
// than a conflict) as an error, so a call its role does not allow shows up
// here even when a retry or a resync hides it from the test's other checks.
type errorLog struct {
	logr.LogSink
	errs *errorList
}

type errorList struct {
	mu   sync.Mutex
	msgs []string
}

// recordErrors returns log, recording its errors in the returned list.
func recordErrors(log logr.Logger) (logr.Logger, *errorList) {
	errs := &errorList{}
	return logr.New(errorLog{log.GetSink(), errs}), errs
}

func (l errorLog) Info(level int, msg string, kv ...any) {
	l.GetCallStackHelper()() // marks this method as a helper
	l.LogSink.Info(level, msg, kv...)
}

func (l errorLog) Error(err error, msg string, kv ...any) {
	l.GetCallStackHelper()() // marks this method as a helper
	l.errs.mu.Lock()
	l.errs.msgs = append(l.errs.msgs, fmt.Sprintf("%s: %v %v", msg, err, kv))
	l.errs.mu.Unlock()
	l.LogSink.Error(err, msg, kv...)
}

func (l errorLog) WithValues(kv ...any) logr.LogSink {
	return errorLog{l.LogSink.WithValues(kv...), l.errs}
}

func (l errorLog) WithName(name string) logr.LogSink {
	return errorLog{l.LogSink.WithName(name), l.errs}
}

// GetCallStackHelper lets testr report the caller's line, not this file's.
func (l errorLog) GetCallStackHelper() func() {
	if h, ok := l.LogSink.(logr.CallStackHelperLogSink); ok {
		return h.GetCallStackHelper()
	}
	return func() {}
}

func (e *errorList) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.msgs...)
}
