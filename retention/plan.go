package retention

import (
	"slices"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Reason says why a Backup is planned for deletion. Its values are
// CamelCase, fit for an event reason.
type Reason string

// The reasons of a [Deletion].
const (
	// ReasonExpired is a Backup whose status.expiration is not after now.
	ReasonExpired Reason = "Expired"
	// ReasonHistoryLimit is an automatic Backup older than the newest
	// backupsHistoryLimit Backups of the same policy, type and phase.
	ReasonHistoryLimit Reason = "HistoryLimit"
)

// Deletion is one Backup that [Plan] found may be deleted.
type Deletion struct {
	// Namespace is the Backup's namespace.
	Namespace string
	// Name is the Backup's name.
	Name string
	// Reason says which rule selected the Backup.
	Reason Reason
	// Message explains the Reason for a person, such as
	// "expired at 2024-05-01T12:00:00Z".
	Message string
}

// Plan returns the Backups that may be deleted at now, sorted by namespace
// then name, at most one Deletion per Backup; nil when there are none.
//
// backups must hold every Backup of the namespaces considered (a parent that
// is missing cannot be protected, a child that is missing protects nothing)
// and policies the BackupPolicies of those namespaces, both unique by
// namespace and name, as a store lists them. Plan only reads them. The
// rules:
//
//   - A Backup that is being deleted (deletionTimestamp set), is not
//     Completed or Failed (it is running, or has not started), or is labelled
//     [v1alpha1.LabelBackupProtection] = Retain (any case) is never planned.
//   - Expired: status.expiration is set and not after now.
//   - HistoryLimit: the automatic Backups (label [v1alpha1.LabelAutoBackup]
//     = "true") that may be planned and are not expired are grouped by
//     namespace, policy (label [v1alpha1.LabelBackupPolicy]) and
//     spec.backupType (empty is datafile). In each group the newest limit
//     Completed ones and, separately, the newest limit Failed ones are kept
//     and the older ones planned, so failures never push out good backups;
//     running, deleting, protected and expired Backups take no place in the
//     history. Newest is by status.startTimestamp (else
//     metadata.creationTimestamp), then by name. The limit is the
//     backupsHistoryLimit of the policy's section for that type (default
//     [v1alpha1.DefaultBackupsHistoryLimit]); 0 or less means no limit, and
//     a missing policy or section, or an unknown type, means no history
//     deletion for the group. So one Backup is never both Expired and
//     HistoryLimit: Expired wins.
//   - Incremental chains: a Backup that is kept (neither planned nor being
//     deleted) protects the parent it names in spec.parentBackupName or
//     status.parentBackupName (same namespace), and that parent protects its
//     own, up the chain: a protected Backup is dropped from the plan. A
//     planned or deleting child protects nothing; cycles are harmless.
//
// Plan runs in O(n log n) time for n Backups.
func Plan(backups []v1alpha1.Backup, policies []v1alpha1.BackupPolicy, now time.Time) []Deletion {
	p := planner{backups: backups, policies: policies, index: indexPolicies(policies), now: now}
	p.scan()
	p.markHistory()
	if p.planned == 0 {
		return nil
	}
	p.gather()
	p.protectChains()
	return p.deletions()
}

// entry is one planned Backup.
type entry struct {
	key     objectKey // the Backup's namespace and name
	idx     int       // index in planner.backups
	msg     int32     // index in planner.msgs, for ReasonHistoryLimit
	expired bool      // ReasonExpired, else ReasonHistoryLimit
}

// planner holds the state of one Plan call.
type planner struct {
	backups    []v1alpha1.Backup
	policies   []v1alpha1.BackupPolicy
	index      map[objectKey]int32 // policies by namespace and name
	now        time.Time
	marks      []int32     // per Backup: 0, markExpired or markHistory+msg
	planned    int         // number of marked Backups
	expired    int         // number of Backups marked markExpired
	plan       []entry     // the marked Backups, sorted by gather
	cands      []candidate // counting towards a history limit
	text       []byte      // every message, back to back, made one string at the end
	msgs       []span      // HistoryLimit messages in text, one per group and phase
	rescued    []bool      // parallel to plan: kept for a retained child
	hasParents bool        // some Backup names a parent
}

// span is a message's place in planner.text.
type span struct{ start, end int }

// The marks of planned Backups.
const (
	markExpired int32 = 1 // ReasonExpired
	markHistory int32 = 2 // ReasonHistoryLimit, plus the index in planner.msgs
)

// mark plans Backup i with mark m.
func (p *planner) mark(i int, m int32) {
	if p.marks == nil {
		p.marks = make([]int32, len(p.backups))
	}
	p.marks[i] = m
	p.planned++
	if m == markExpired {
		p.expired++
	}
}

// deletable reports whether b may be planned at all: it is Completed or
// Failed, not being deleted, and not protected.
func deletable(b *v1alpha1.Backup) bool {
	return b.DeletionTimestamp == nil && b.Status.Phase.IsTerminal() &&
		!strings.EqualFold(b.Labels[v1alpha1.LabelBackupProtection], v1alpha1.BackupProtectionRetain)
}

// isExpired reports whether b's expiration is set and not after now.
func isExpired(b *v1alpha1.Backup, now time.Time) bool {
	e := b.Status.Expiration
	return e != nil && !e.After(now)
}

// scan plans the expired Backups and collects the history candidates, in
// one pass over the Backups.
func (p *planner) scan() {
	for i := range p.backups {
		b := &p.backups[i]
		if b.Spec.ParentBackupName != "" || b.Status.ParentBackupName != "" {
			p.hasParents = true
		}
		switch {
		case !deletable(b):
		case isExpired(b, p.now):
			p.mark(i, markExpired)
		case b.Labels[v1alpha1.LabelAutoBackup] == "true":
			p.addCandidate(i, b)
		}
	}
}

// keyOf returns b's namespace and name.
func keyOf(b *v1alpha1.Backup) objectKey { return objectKey{b.Namespace, b.Name} }

// gather fills the plan with the marked Backups, sorted by namespace and
// name (Backups listed in that order, as stores list them, sort in linear
// time).
func (p *planner) gather() {
	p.plan = make([]entry, 0, p.planned)
	for i, m := range p.marks {
		if m != 0 {
			p.plan = append(p.plan, entry{key: keyOf(&p.backups[i]), idx: i, msg: m - markHistory, expired: m == markExpired})
		}
	}
	slices.SortFunc(p.plan, compareEntries)
}

// compareEntries orders by namespace, name, then Expired first, so that
// of duplicate Backups (which a store never lists) the expired one is kept.
func compareEntries(x, y entry) int {
	if c := compareKeys(x.key, y.key); c != 0 || x.expired == y.expired {
		return c
	}
	if x.expired {
		return -1
	}
	return 1
}

// compareKeys orders by namespace, then name.
func compareKeys(x, y objectKey) int {
	if c := strings.Compare(x.namespace, y.namespace); c != 0 {
		return c
	}
	return strings.Compare(x.name, y.name)
}

// deletions turns the plan, less the rescued entries and duplicate names,
// into Deletions. Their messages share one string: one allocation, not one
// per Deletion.
func (p *planner) deletions() []Deletion {
	out := make([]Deletion, 0, len(p.plan))
	spans := make([]span, 0, len(p.plan))
	p.text = slices.Grow(p.text, p.expired*len("expired at 2006-01-02T15:04:05Z"))
	for k, e := range p.plan {
		if (p.rescued != nil && p.rescued[k]) || (k > 0 && e.key == p.plan[k-1].key) {
			continue
		}
		d := Deletion{Namespace: e.key.namespace, Name: e.key.name, Reason: ReasonHistoryLimit}
		if e.expired {
			start := len(p.text)
			p.text = append(p.text, "expired at "...)
			p.text = p.backups[e.idx].Status.Expiration.UTC().AppendFormat(p.text, time.RFC3339)
			d.Reason = ReasonExpired
			spans = append(spans, span{start, len(p.text)})
		} else {
			spans = append(spans, p.msgs[e.msg])
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	text := string(p.text)
	for k := range out {
		out[k].Message = text[spans[k].start:spans[k].end]
	}
	return out
}
