package main

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/policy"
)

// taskRef is one task of a Backup or RestoreJob, known by its ID.
//
// The engine does not record which tasks belong to an object; their IDs are
// derived, as the executor derives them, with policy.TaskID from the
// owner's name and UID, the attempt and the step: "<name prefix>-<8 hex of
// the UID>-<attempt>-<step>". parseTaskID recognises them by computing the
// ID again, so an ID that merely looks alike never matches.
type taskRef struct {
	ID      string
	Attempt int
	Step    string // main, pre-N, post-N, hook-pre, hook-post, delete, phy, logic
}

// parseTaskID returns the task that id names when it is a task of the
// object name with this UID.
func parseTaskID(name string, uid types.UID, id string) (taskRef, bool) {
	sum := sha256.Sum256([]byte(uid))
	marker := "-" + hex.EncodeToString(sum[:4]) + "-"
	i := strings.LastIndex(id, marker)
	if i < 0 {
		return taskRef{}, false
	}
	attempt, step, ok := strings.Cut(id[i+len(marker):], "-")
	n, err := strconv.Atoi(attempt)
	if !ok || err != nil || n < 0 || policy.TaskID(name, uid, n, step) != id {
		return taskRef{}, false
	}
	return taskRef{ID: id, Attempt: n, Step: step}, true
}

// sortTasks sorts tasks in the order they run.
func sortTasks(tasks []taskRef) {
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].less(tasks[j]) })
}

// less orders tasks as they run: by attempt, then by step in the order of a
// plan (pre status updates, pre hooks, the main task, post hooks, post
// status updates, the data deletion; a restore's physical then logical
// part).
func (t taskRef) less(u taskRef) bool {
	if t.Attempt != u.Attempt {
		return t.Attempt < u.Attempt
	}
	if a, b := stepRank(t.Step), stepRank(u.Step); a != b {
		return a < b
	}
	return t.Step < u.Step
}

func stepRank(step string) int {
	switch {
	case strings.HasPrefix(step, "pre-"):
		return 0
	case step == "hook-pre":
		return 1
	case step == "main", step == "phy":
		return 2
	case step == "logic":
		return 3
	case step == "hook-post":
		return 4
	case strings.HasPrefix(step, "post-"):
		return 5
	}
	return 6
}
