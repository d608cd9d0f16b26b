package main

import (
	"testing"
	"time"
)

// TestQuickstartRuns keeps the README's first command working.
func TestQuickstartRuns(t *testing.T) {
	if err := run(t.TempDir(), time.Minute); err != nil {
		t.Fatal(err)
	}
}
