package retention_test

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/retention"
	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// FuzzPlanInvariants checks the rules of Plan on random Backups and
// policies: nothing running, deleting or protected is planned, no parent a
// retained child needs, the history keeps its Completed (and Failed)
// backups whatever the other phase holds, and the plan does not depend on
// the order of the input.
func FuzzPlanInvariants(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0xff, 6, 3, 0x13, 1, 0, 0, 0, 0x13, 1, 1, 0x80, 1, 0, 0x23, 1, 2, 0, 1, 0x10})
	f.Add([]byte("\x03\x7f\x00\x11\x20\x13\x05\x10\x01\x02\x13\x05\x11\x02\x01\x04\x05\x12\x03\x00\x03\x13\x01"))
	rng := rand.New(rand.NewPCG(3, 5))
	for range 4 {
		f.Add(randomSeed(rng, false))
		f.Add(randomSeed(rng, true))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		backups, policies := fuzzInput(data)
		got := retention.Plan(backups, policies, now)
		deleted := checkDeletions(t, backups, got)
		checkChains(t, backups, deleted)
		checkHistory(t, backups, policies, deleted)
		h := fnv.New64a()
		h.Write(data)
		rng := rand.New(rand.NewPCG(h.Sum64(), 1))
		rng.Shuffle(len(backups), func(i, j int) { backups[i], backups[j] = backups[j], backups[i] })
		rng.Shuffle(len(policies), func(i, j int) { policies[i], policies[j] = policies[j], policies[i] })
		require.Equal(t, got, retention.Plan(backups, policies, now), "same plan for a shuffled input")
	})
}

// randomSeed returns random fuzz bytes. Dense ones make one large history
// group: one policy whose sections all have a limit of 2, and 60 automatic
// datafile Backups of it, in namespace a.
func randomSeed(rng *rand.Rand, dense bool) []byte {
	const header = 6 // policy count, sections, three limits, Backup count
	seed := make([]byte, header+60*7)
	for i := range seed {
		seed[i] = byte(rng.Uint32())
	}
	if dense {
		copy(seed, []byte{0, 0x07, 2, 2, 2, 60})
		for i := header; i < len(seed); i += 7 {
			seed[i] &= 0x3f   // kind: namespace a
			seed[i+1] &= 0xf8 // type: datafile
			seed[i+2] &= 0xf0 // labels: automatic, of p0
		}
	}
	return seed
}

// bytesReader hands out the fuzz bytes, then zeros.
type bytesReader []byte

func (r *bytesReader) next() byte {
	if len(*r) == 0 {
		return 0
	}
	b := (*r)[0]
	*r = (*r)[1:]
	return b
}

var (
	fuzzNamespaces = []string{"a", "a", "a", "b"}
	fuzzPhases     = []v1alpha1.BackupPhase{v1alpha1.BackupCompleted, v1alpha1.BackupFailed, v1alpha1.BackupCompleted,
		v1alpha1.BackupFailed, v1alpha1.BackupCompleted, v1alpha1.BackupInProgress, v1alpha1.BackupNew, ""}
	fuzzTypes = []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeDataFile,
		"", v1alpha1.BackupTypeSnapshot, v1alpha1.BackupTypeSnapshot, v1alpha1.BackupTypeLogFile, "unknown"}
	fuzzPolicies   = []string{"p0", "p0", "p0", "p1"} // p1 is missing when there is one policy
	fuzzProtection = []string{"Retain", "retain", "Delete", "", "", "", "", "", "", "", "", "", "", "", "", ""}
)

// fuzzInput builds 1 or 2 policies and up to 60 Backups from data.
func fuzzInput(data []byte) ([]v1alpha1.Backup, []v1alpha1.BackupPolicy) {
	r := bytesReader(data)
	policies := make([]v1alpha1.BackupPolicy, 1+int(r.next())%2)
	for i := range policies {
		policies[i] = fuzzPolicy(&r, i)
	}
	backups := make([]v1alpha1.Backup, int(r.next())%61)
	for i := range backups {
		backups[i] = fuzzBackup(&r, i, len(backups))
	}
	return backups, policies
}

// fuzzLimit is nil (7) or 0 to 4.
func fuzzLimit(v byte) *int32 {
	if v%8 == 7 {
		return nil
	}
	return limit(int32(v % 8 % 5))
}

func fuzzPolicy(r *bytesReader, i int) v1alpha1.BackupPolicy {
	p := v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i)}}
	sections := r.next()
	p.Namespace = fuzzNamespaces[sections>>6]
	if sections&1 != 0 {
		p.Spec.Snapshot = &v1alpha1.SnapshotPolicy{BasePolicy: v1alpha1.BasePolicy{BackupsHistoryLimit: fuzzLimit(r.next())}}
	}
	if sections&0x30 != 0x30 {
		p.Spec.Datafile = &v1alpha1.CommonBackupPolicy{BasePolicy: v1alpha1.BasePolicy{BackupsHistoryLimit: fuzzLimit(r.next())}}
	}
	if sections&4 != 0 {
		p.Spec.Logfile = &v1alpha1.CommonBackupPolicy{BasePolicy: v1alpha1.BasePolicy{BackupsHistoryLimit: fuzzLimit(r.next())}}
	}
	return p
}

// fuzzBackup makes Backup i of n from 7 bytes: times are coarse so that
// ties happen, parents name any Backup, itself included.
func fuzzBackup(r *bytesReader, i, n int) v1alpha1.Backup {
	kind, typ, labels, times, expiry := r.next(), r.next(), r.next(), r.next(), r.next()
	b := backup(fmt.Sprintf("b%02d", i), namespace(fuzzNamespaces[kind>>6]), phase(fuzzPhases[kind&7]),
		backupType(fuzzTypes[typ&7]), unstarted(time.Duration(times&3)*time.Hour))
	if kind&0x38 == 0x38 {
		deleting()(&b)
	}
	if times&4 != 0 {
		started(time.Duration(times>>3&7) * time.Hour)(&b)
	}
	if labels&3 != 3 {
		auto(fuzzPolicies[labels>>2&3])(&b)
	}
	if v := fuzzProtection[labels>>4]; v != "" {
		protected(v)(&b)
	}
	if expiry&3 == 3 {
		expires(time.Duration(int(expiry>>2&7)-3) * time.Minute)(&b)
	}
	if p := r.next(); p&1 != 0 {
		parent(fmt.Sprintf("b%02d", int(p>>1)%n))(&b)
	}
	if p := r.next(); p&1 != 0 {
		statusParentOf(fmt.Sprintf("b%02d", int(p>>1)%n))(&b)
	}
	return b
}

// checkDeletions checks that each deletion is sorted, unique, of a
// deletable Backup, with a reason that applies, and returns the deleted keys.
func checkDeletions(t *testing.T, backups []v1alpha1.Backup, got []retention.Deletion) map[string]bool {
	byKey := map[string]*v1alpha1.Backup{}
	for i := range backups {
		byKey[backups[i].Namespace+"/"+backups[i].Name] = &backups[i]
	}
	deleted := map[string]bool{}
	for k, d := range got {
		key := d.Namespace + "/" + d.Name
		if k > 0 {
			prev := got[k-1].Namespace + "\x00" + got[k-1].Name
			require.Less(t, prev, d.Namespace+"\x00"+d.Name, "sorted and unique")
		}
		b := byKey[key]
		require.NotNil(t, b, key)
		require.True(t, b.Status.Phase.IsTerminal(), "%s is not terminal", key)
		require.Nil(t, b.DeletionTimestamp, "%s is already being deleted", key)
		require.False(t, strings.EqualFold(b.Labels[v1alpha1.LabelBackupProtection], "retain"), "%s is protected", key)
		expired := b.Status.Expiration != nil && !b.Status.Expiration.After(now)
		require.Equal(t, expired, d.Reason == retention.ReasonExpired, "%s: %s", key, d.Reason)
		if d.Reason == retention.ReasonHistoryLimit {
			require.Equal(t, "true", b.Labels[v1alpha1.LabelAutoBackup], "%s is automatic", key)
		}
		deleted[key] = true
	}
	return deleted
}

// checkChains checks that no parent of a kept Backup is deleted.
func checkChains(t *testing.T, backups []v1alpha1.Backup, deleted map[string]bool) {
	for i := range backups {
		b := &backups[i]
		if deleted[b.Namespace+"/"+b.Name] || b.DeletionTimestamp != nil {
			continue
		}
		for _, p := range []string{b.Spec.ParentBackupName, b.Status.ParentBackupName} {
			require.False(t, p != "" && deleted[b.Namespace+"/"+p], "%s/%s needs its parent %s", b.Namespace, b.Name, p)
		}
	}
}

// historyGroup is a history group and phase.
type historyGroup struct {
	ns, policy string
	typ        v1alpha1.BackupType
	failed     bool
}

// historyMembers returns the Backups that count towards a history limit, by
// group.
func historyMembers(backups []v1alpha1.Backup) map[historyGroup][]*v1alpha1.Backup {
	members := map[historyGroup][]*v1alpha1.Backup{}
	for i := range backups {
		b := &backups[i]
		if b.Labels[v1alpha1.LabelAutoBackup] != "true" || !b.Status.Phase.IsTerminal() || b.DeletionTimestamp != nil ||
			strings.EqualFold(b.Labels[v1alpha1.LabelBackupProtection], "retain") ||
			(b.Status.Expiration != nil && !b.Status.Expiration.After(now)) {
			continue
		}
		typ := b.Spec.BackupType
		if typ == "" {
			typ = v1alpha1.BackupTypeDataFile
		}
		g := historyGroup{b.Namespace, b.Labels[v1alpha1.LabelBackupPolicy], typ, b.Status.Phase == v1alpha1.BackupFailed}
		members[g] = append(members[g], b)
	}
	return members
}

// checkHistory checks that each group keeps at least min(limit, count) of
// its Completed and, separately, of its Failed history backups, and that
// only a Backup with at least limit newer ones in its group is deleted.
func checkHistory(t *testing.T, backups []v1alpha1.Backup, policies []v1alpha1.BackupPolicy, deleted map[string]bool) {
	for g, members := range historyMembers(backups) {
		lim, ok := fuzzGroupLimit(policies, g.ns, g.policy, g.typ)
		kept := 0
		for _, b := range members {
			if !deleted[b.Namespace+"/"+b.Name] {
				kept++
				continue
			}
			require.True(t, ok && lim > 0, "%s deleted in %+v, which has no limit", b.Name, g)
			require.GreaterOrEqual(t, newer(b, members), int(lim), "%s deleted in %+v", b.Name, g)
		}
		if ok && lim > 0 {
			require.GreaterOrEqual(t, kept, min(int(lim), len(members)), "%+v keeps its newest %d", g, lim)
		}
	}
}

// newer counts the members newer than b: by start time, then name.
func newer(b *v1alpha1.Backup, members []*v1alpha1.Backup) int {
	start := func(b *v1alpha1.Backup) time.Time {
		if b.Status.StartTimestamp != nil {
			return b.Status.StartTimestamp.Time
		}
		return b.CreationTimestamp.Time
	}
	n := 0
	for _, m := range members {
		if c := start(m).Compare(start(b)); c > 0 || (c == 0 && m.Name > b.Name) {
			n++
		}
	}
	return n
}

// fuzzGroupLimit is the history limit of a group, found the long way.
func fuzzGroupLimit(policies []v1alpha1.BackupPolicy, ns, name string, typ v1alpha1.BackupType) (int32, bool) {
	for i := range policies {
		p := &policies[i]
		if p.Namespace != ns || p.Name != name {
			continue
		}
		var l **int32
		switch {
		case typ == v1alpha1.BackupTypeSnapshot && p.Spec.Snapshot != nil:
			l = &p.Spec.Snapshot.BackupsHistoryLimit
		case typ == v1alpha1.BackupTypeDataFile && p.Spec.Datafile != nil:
			l = &p.Spec.Datafile.BackupsHistoryLimit
		case typ == v1alpha1.BackupTypeLogFile && p.Spec.Logfile != nil:
			l = &p.Spec.Logfile.BackupsHistoryLimit
		default:
			return 0, false
		}
		if *l == nil {
			return v1alpha1.DefaultBackupsHistoryLimit, true
		}
		return **l, true
	}
	return 0, false
}
