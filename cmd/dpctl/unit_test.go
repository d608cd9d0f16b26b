package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/policy"
)

// TestParseTaskID finds exactly the tasks of one owner, whatever its name's
// length, as the executor names them.
func TestParseTaskID(t *testing.T) {
	long := strings.Repeat("a-very-long-backup-name-", 10)
	for _, name := range []string{"b1", "nightly.2024-01-01", long} {
		uid := types.UID("uid-of-" + name)
		for _, step := range []string{"main", "pre-0", "hook-post", "delete", "phy", "logic"} {
			id := policy.TaskID(name, uid, 2, step)
			got, ok := parseTaskID(name, uid, id)
			assert.True(t, ok, id)
			assert.Equal(t, taskRef{ID: id, Attempt: 2, Step: step}, got)
			_, ok = parseTaskID(name, "another-uid", id)
			assert.False(t, ok, "a task of another object with the same name")
			_, ok = parseTaskID("other", uid, id)
			assert.False(t, ok, "a task of another name")
		}
	}
	_, ok := parseTaskID("b1", "u", "b1-garbage")
	assert.False(t, ok)
}

// TestTaskOrder: tasks sort as a plan runs them.
func TestTaskOrder(t *testing.T) {
	tasks := []taskRef{{Step: "delete"}, {Step: "post-0"}, {Attempt: 1, Step: "main"}, {Step: "main"}, {Step: "pre-0"}}
	sortTasks(tasks)
	var got []string
	for _, x := range tasks {
		got = append(got, x.Step)
	}
	assert.Equal(t, []string{"pre-0", "main", "post-0", "delete", "main"}, got)
}

// TestProgressTerminal: on a terminal the status line is redrawn in place
// and removed at the end; every phase change stays as a line.
func TestProgressTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true, what: "backup default/b1", start: time.Now()}
	p.observe("New")
	p.observe("New")
	p.tick()
	p.observe("InProgress")
	p.event(event{Object: "backup default/b1", Type: "Normal", Reason: "Started", Message: "on db-0"})
	p.event(event{Object: "backup default/other", Type: "Normal", Reason: "Started", Message: "hidden"})
	p.done()
	out := buf.String()
	assert.Equal(t, 1, strings.Count(out, "backup default/b1: New\n"))
	assert.Contains(t, out, "backup default/b1: InProgress\n")
	assert.Contains(t, out, "backup default/b1: Normal Started: on db-0\n")
	assert.NotContains(t, out, "hidden")
	assert.Contains(t, out, "\r\033[K")
	assert.True(t, strings.HasSuffix(out, "\r\033[K"), "the status line is cleared: %q", out)
}

// TestProgressPlain: without a terminal, only lines.
func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, what: "restorejob default/r1", start: time.Now()}
	p.observe("InProgressPhy")
	p.tick()
	p.done()
	assert.Regexp(t, `^\[ *\d+(\.\d+)?m?s\] restorejob default/r1: InProgressPhy\n$`, buf.String())
}
