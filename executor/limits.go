package executor

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// Limits bound how many backups (Config.BackupLimits) or restores
// (Config.RestoreLimits) run at once: in all, per node, per policy and per
// repository. A zero field is no limit.
//
// A Backup runs from the write that marks it InProgress until it is
// Completed or Failed or marked for deletion; a RestoreJob from
// InProgressPhy or InProgressLogic until Completed or Failed. One that would
// exceed a limit waits, its phase still New, with an event and the
// annotation v1alpha1.AnnotationWaiting saying which limit; waiting ones
// start in the order they were created, each as soon as every limit it
// counts in has room (an earlier one that waits for a full node does not
// hold up a later one on another node). The counts come from the store
// (Backups and RestoreJobs by phase), not from memory, so they hold across
// restarts and leader changes; the engine admits one at a time, so with
// one engine running — leader election makes it one — no limit is
// exceeded.
type Limits struct {
	// Total bounds the running ones in all.
	Total int
	// PerNode bounds those whose target runs on one node
	// (drivers.Target.Node); targets without a node are not counted.
	PerNode int
	// PerPolicy bounds those of one BackupPolicy (a restore counts in the
	// policy of the backup it restores).
	PerPolicy int
	// PerRepository bounds those whose policy names one repository
	// (v1alpha1.AnnotationRepository); policies without one are not
	// counted.
	PerRepository int
}

// none reports whether l limits nothing.
func (l Limits) none() bool { return l == Limits{} }

// slot is one backup or restore as admission sees it: its identity, when it
// was created (the queue's order) and the scopes it counts in.
type slot struct {
	key     types.NamespacedName
	created time.Time
	scopes  scopes
}

// scopes are what a slot counts in besides the total: "" for none.
type scopes struct {
	node, policy, repository string
}

// before orders slots by creation, then namespace and name.
func (s slot) before(o slot) bool {
	if !s.created.Equal(o.created) {
		return s.created.Before(o.created)
	}
	if s.key.Namespace != o.key.Namespace {
		return s.key.Namespace < o.key.Namespace
	}
	return s.key.Name < o.key.Name
}

// counts are the running slots per scope.
type counts struct {
	total                    int
	node, policy, repository map[string]int
}

func newCounts(running []slot) *counts {
	c := &counts{node: map[string]int{}, policy: map[string]int{}, repository: map[string]int{}}
	for _, s := range running {
		c.add(s.scopes)
	}
	return c
}

func (c *counts) add(s scopes) {
	c.total++
	inc(c.node, s.node)
	inc(c.policy, s.policy)
	inc(c.repository, s.repository)
}

func inc(m map[string]int, k string) {
	if k != "" {
		m[k]++
	}
}

// full returns which limit of l a slot in s would exceed, or "".
func (l Limits) full(c *counts, s scopes, what string) string {
	switch {
	case l.Total > 0 && c.total >= l.Total:
		return fmt.Sprintf("%d %s run in all, the limit", l.Total, what)
	case l.PerNode > 0 && s.node != "" && c.node[s.node] >= l.PerNode:
		return fmt.Sprintf("%d %s run on node %s, the limit per node", l.PerNode, what, s.node)
	case l.PerPolicy > 0 && s.policy != "" && c.policy[s.policy] >= l.PerPolicy:
		return fmt.Sprintf("%d %s of policy %s run, the limit per policy", l.PerPolicy, what, s.policy)
	case l.PerRepository > 0 && s.repository != "" && c.repository[s.repository] >= l.PerRepository:
		return fmt.Sprintf("%d %s to repository %s run, the limit per repository", l.PerRepository, what, s.repository)
	}
	return ""
}

// admit plays the queue: from the running slots, each waiting slot in
// creation order starts if it fits. It returns the waiting slots that
// start; with me set (not in waiting), whether me starts after the waiting
// slots created before it, or the limit it waits for.
func (l Limits) admit(running, waiting []slot, me *slot, what string) (starts []slot, why string) {
	sort.Slice(waiting, func(i, j int) bool { return waiting[i].before(waiting[j]) })
	c := newCounts(running)
	for _, w := range waiting {
		if me != nil && !w.before(*me) {
			break
		}
		if l.full(c, w.scopes, what) == "" {
			c.add(w.scopes)
			starts = append(starts, w)
		}
	}
	if me != nil {
		why = l.full(c, me.scopes, what)
	}
	return starts, why
}

// limiter makes admissions one at a time: a check and the write that
// starts the admitted one hold mu, so the next check counts it.
type limiter struct{ mu sync.Mutex }
