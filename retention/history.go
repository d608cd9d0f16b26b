package retention

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// objectKey is a namespaced name.
type objectKey struct {
	namespace, name string
}

// candidate is an automatic Backup that counts towards a history limit.
type candidate struct {
	idx    int   // index in planner.backups
	sec    int64 // start time, seconds
	nsec   int32 // start time, nanoseconds
	group  int32 // policy index × 3 + type index
	limit  int32 // the group's backupsHistoryLimit, > 0
	failed bool  // Failed, else Completed
}

// typeIndex numbers the backup types of a policy's sections; ok is false
// for an unknown type. An empty type is datafile, the API default.
func typeIndex(t v1alpha1.BackupType) (int32, bool) {
	switch t {
	case v1alpha1.BackupTypeSnapshot:
		return 0, true
	case v1alpha1.BackupTypeDataFile, "":
		return 1, true
	case v1alpha1.BackupTypeLogFile:
		return 2, true
	}
	return 0, false
}

// historyLimit returns the backupsHistoryLimit of p's section for the type
// numbered ti, defaulted; ok is false when p has no such section.
func historyLimit(p *v1alpha1.BackupPolicy, ti int32) (limit int32, ok bool) {
	var base *v1alpha1.BasePolicy
	switch {
	case ti == 0 && p.Spec.Snapshot != nil:
		base = &p.Spec.Snapshot.BasePolicy
	case ti == 1 && p.Spec.Datafile != nil:
		base = &p.Spec.Datafile.BasePolicy
	case ti == 2 && p.Spec.Logfile != nil:
		base = &p.Spec.Logfile.BasePolicy
	default:
		return 0, false
	}
	if base.BackupsHistoryLimit == nil {
		return v1alpha1.DefaultBackupsHistoryLimit, true
	}
	return *base.BackupsHistoryLimit, true
}

// indexPolicies maps each policy's namespace and name to its index; the
// first of duplicates wins.
func indexPolicies(policies []v1alpha1.BackupPolicy) map[objectKey]int32 {
	idx := make(map[objectKey]int32, len(policies))
	for i := range policies {
		k := objectKey{policies[i].Namespace, policies[i].Name}
		if _, dup := idx[k]; !dup {
			idx[k] = int32(i)
		}
	}
	return idx
}

// addCandidate adds Backup i, b, deletable, unexpired and automatic, to the
// history candidates if its policy's section sets a limit.
func (p *planner) addCandidate(i int, b *v1alpha1.Backup) {
	pi, found := p.index[objectKey{b.Namespace, b.Labels[v1alpha1.LabelBackupPolicy]}]
	ti, known := typeIndex(b.Spec.BackupType)
	if !found || !known {
		return
	}
	limit, ok := historyLimit(&p.policies[pi], ti)
	if !ok || limit <= 0 {
		return
	}
	if p.cands == nil {
		p.cands = make([]candidate, 0, len(p.backups)-i)
	}
	t := startTime(b)
	p.cands = append(p.cands, candidate{idx: i, sec: t.Unix(), nsec: int32(t.Nanosecond()),
		group: pi*3 + ti, limit: limit, failed: b.Status.Phase == v1alpha1.BackupFailed})
}

// markHistory plans the candidates beyond their history limit: in each
// group and phase, all but the newest limit.
func (p *planner) markHistory() {
	cands := p.bucketCandidates()
	for lo := 0; lo < len(cands); {
		hi := lo + 1
		for hi < len(cands) && cands[hi].group == cands[lo].group {
			hi++
		}
		group := cands[lo:hi]
		slices.SortFunc(group, p.compareCandidates)
		p.markGroup(group)
		lo = hi
	}
}

// bucketCandidates returns the candidates ordered by group, in O(n): a
// counting sort, so that only the groups, which are small, need sorting.
func (p *planner) bucketCandidates() []candidate {
	if len(p.cands) == 0 {
		return nil
	}
	start := make([]int32, 3*len(p.policies)+1)
	for k := range p.cands {
		start[p.cands[k].group+1]++
	}
	for g := 1; g < len(start); g++ {
		start[g] += start[g-1]
	}
	out := make([]candidate, len(p.cands))
	for _, c := range p.cands {
		out[start[c.group]] = c
		start[c.group]++
	}
	return out
}

// markGroup plans the candidates of one group, sorted, beyond its limit,
// counting Completed and Failed candidates separately.
func (p *planner) markGroup(group []candidate) {
	rank := int32(0)
	for k := range group {
		c := &group[k]
		if k == 0 || c.failed != group[k-1].failed {
			rank = 0
		}
		if rank++; rank <= c.limit {
			continue
		}
		if rank == c.limit+1 {
			p.msgs = append(p.msgs, p.historyMessage(c))
		}
		p.mark(c.idx, markHistory+int32(len(p.msgs)-1))
	}
}

// compareCandidates orders the candidates of one group Completed before
// Failed, then newest first: by start time, then name, both descending.
func (p *planner) compareCandidates(x, y candidate) int {
	switch {
	case x.failed != y.failed:
		if x.failed {
			return 1
		}
		return -1
	case x.sec != y.sec:
		if x.sec > y.sec {
			return -1
		}
		return 1
	case x.nsec != y.nsec:
		return int(y.nsec - x.nsec)
	}
	return strings.Compare(p.backups[y.idx].Name, p.backups[x.idx].Name)
}

// historyMessage appends to the text the message of the HistoryLimit
// deletions in c's group and phase, and returns its span.
func (p *planner) historyMessage(c *candidate) span {
	phase, types := v1alpha1.BackupCompleted, [...]string{"snapshot", "datafile", "logfile"}
	if c.failed {
		phase = v1alpha1.BackupFailed
	}
	start := len(p.text)
	p.text = append(p.text, "BackupPolicy "...)
	p.text = strconv.AppendQuote(p.text, p.policies[c.group/3].Name)
	p.text = append(p.text, " keeps the "...)
	p.text = strconv.AppendInt(p.text, int64(c.limit), 10)
	p.text = append(p.text, " newest "...)
	p.text = append(p.text, phase...)
	p.text = append(p.text, " automatic "...)
	p.text = append(p.text, types[c.group%3]...)
	p.text = append(p.text, " backups (backupsHistoryLimit)"...)
	return span{start, len(p.text)}
}
