// Package fakedriver is an in-memory driver for the engine's tests: tasks
// finish after a scripted number of Status polls, with a scripted outcome,
// and every execution is counted so tests can prove that no task ran twice.
package fakedriver
