package retention_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/retention"
	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

type planCase struct {
	name     string
	backups  []v1alpha1.Backup
	policies []v1alpha1.BackupPolicy
	want     []string // "namespace/name:Reason", sorted
}

func TestPlanExpiration(t *testing.T) {
	runPlanCases(t, []planCase{
		{name: "an expired backup is deleted",
			backups: []v1alpha1.Backup{backup("old", expired()), backup("young", expires(time.Hour)), backup("forever")},
			want:    []string{"ns/old:Expired"}},
		{name: "a backup expiring exactly now is deleted",
			backups: []v1alpha1.Backup{backup("b", expires(0))},
			want:    []string{"ns/b:Expired"}},
		{name: "a failed backup past its expiration is deleted",
			backups: []v1alpha1.Backup{backup("b", failed(), expired())},
			want:    []string{"ns/b:Expired"}},
		{name: "a running backup past its expiration is kept",
			backups: []v1alpha1.Backup{
				backup("running", phase(v1alpha1.BackupInProgress), expired()),
				backup("new", phase(v1alpha1.BackupNew), expired()),
				backup("unset", phase(""), expired()),
			}},
		{name: "a backup already being deleted is not planned again",
			backups: []v1alpha1.Backup{backup("b", deleting(), expired())}},
		{name: "a protected backup is never deleted",
			backups: []v1alpha1.Backup{
				backup("retain", protected("Retain"), expired()),
				backup("lower", protected("retain"), expired(), auto("p")),
				backup("upper", protected("RETAIN"), expired()),
				backup("other", protected("Delete"), expired()),
			},
			policies: []v1alpha1.BackupPolicy{policy("p", limit(1))},
			want:     []string{"ns/other:Expired"}},
	})
}

func TestPlanHistoryLimit(t *testing.T) {
	lim2 := []v1alpha1.BackupPolicy{policy("p", limit(2))}
	runPlanCases(t, []planCase{
		{name: "the oldest automatic backups beyond the limit are deleted",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), started(4*time.Hour)), backup("b2", auto("p"), started(3*time.Hour)),
				backup("b3", auto("p"), started(2*time.Hour)), backup("b4", auto("p"), started(time.Hour)),
			},
			policies: lim2, want: []string{"ns/b1:HistoryLimit", "ns/b2:HistoryLimit"}},
		{name: "failures never push out good backups",
			backups: []v1alpha1.Backup{
				backup("good1", auto("p"), started(10*time.Hour)), backup("good2", auto("p"), started(9*time.Hour)),
				backup("bad1", auto("p"), failed(), started(3*time.Hour)), backup("bad2", auto("p"), failed(), started(2*time.Hour)),
				backup("bad3", auto("p"), failed(), started(time.Hour)),
			},
			policies: lim2, want: []string{"ns/bad1:HistoryLimit"}},
		{name: "manual backups do not count towards the history limit",
			backups: []v1alpha1.Backup{
				backup("manual1", started(time.Minute)), backup("manual2", started(2*time.Minute)),
				backup("auto1", auto("p"), started(time.Hour)), backup("auto2", auto("p"), started(2*time.Hour)),
				backup("notauto", auto("p"), label(v1alpha1.LabelAutoBackup, "false"), started(3*time.Hour)),
			},
			policies: lim2},
		{name: "limit 0 means no limit",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), started(3*time.Hour)), backup("b2", auto("p"), started(2*time.Hour)),
				backup("b3", auto("p"), started(time.Hour)),
			},
			policies: []v1alpha1.BackupPolicy{policy("p", limit(0))}},
		{name: "an unset limit defaults to 7", backups: autoBackups(9, "p"),
			policies: []v1alpha1.BackupPolicy{policy("p", nil)},
			want:     []string{"ns/auto-00:HistoryLimit", "ns/auto-01:HistoryLimit"}},
		{name: "the creation time orders a backup without a start time",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), unstarted(time.Minute)), backup("b2", auto("p"), started(time.Hour)),
			},
			policies: []v1alpha1.BackupPolicy{policy("p", limit(1))}, want: []string{"ns/b2:HistoryLimit"}},
		{name: "the name breaks a tie in start time",
			backups: []v1alpha1.Backup{
				backup("b-2", auto("p")), backup("b-1", auto("p")), backup("b-3", auto("p")),
			},
			policies: lim2, want: []string{"ns/b-1:HistoryLimit"}},
	})
}

func TestPlanHistoryGroups(t *testing.T) {
	lim2 := []v1alpha1.BackupPolicy{policy("p", limit(2))}
	runPlanCases(t, []planCase{
		{name: "a missing policy deletes nothing for history", backups: autoBackups(9, "gone"), policies: lim2},
		{name: "a policy without the type's section deletes nothing for history",
			backups: []v1alpha1.Backup{
				backup("s1", auto("p"), backupType(v1alpha1.BackupTypeSnapshot), started(2*time.Hour)),
				backup("s2", auto("p"), backupType(v1alpha1.BackupTypeSnapshot), started(time.Hour)),
				backup("s3", auto("p"), backupType(v1alpha1.BackupTypeSnapshot), started(time.Minute)),
			},
			policies: lim2},
		{name: "each type is limited by its own section",
			backups: []v1alpha1.Backup{
				backup("d1", auto("p"), started(2*time.Hour)), backup("d2", auto("p"), started(time.Hour)),
				backup("s1", auto("p"), backupType(v1alpha1.BackupTypeSnapshot), started(2*time.Hour)),
				backup("s2", auto("p"), backupType(v1alpha1.BackupTypeSnapshot), started(time.Hour)),
				backup("l1", auto("p"), backupType(v1alpha1.BackupTypeLogFile), started(2*time.Hour)),
				backup("l2", auto("p"), backupType(v1alpha1.BackupTypeLogFile), started(time.Hour)),
			},
			policies: []v1alpha1.BackupPolicy{allTypes("p", 2, 1, 1)},
			want:     []string{"ns/l1:HistoryLimit", "ns/s1:HistoryLimit"}},
		{name: "an empty backup type counts as datafile",
			backups: []v1alpha1.Backup{
				backup("d1", auto("p"), backupType(""), started(2*time.Hour)), backup("d2", auto("p"), started(time.Hour)),
			},
			policies: []v1alpha1.BackupPolicy{policy("p", limit(1))}, want: []string{"ns/d1:HistoryLimit"}},
		{name: "policies and groups are per namespace",
			backups: []v1alpha1.Backup{
				backup("a1", auto("p"), started(2*time.Hour)), backup("a2", auto("p"), started(time.Hour)),
				backup("b1", auto("p"), namespace("other"), started(2*time.Hour)),
				backup("b2", auto("p"), namespace("other"), started(time.Hour)),
			},
			policies: []v1alpha1.BackupPolicy{policy("p", limit(1))}, want: []string{"ns/a1:HistoryLimit"}},
	})
}

func TestPlanHistoryExclusions(t *testing.T) {
	lim2 := []v1alpha1.BackupPolicy{policy("p", limit(2))}
	runPlanCases(t, []planCase{
		{name: "a protected backup beyond the history limit is kept",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), protected("Retain"), started(4*time.Hour)), backup("b2", auto("p"), started(3*time.Hour)),
				backup("b3", auto("p"), started(2*time.Hour)), backup("b4", auto("p"), started(time.Hour)),
			},
			policies: lim2, want: []string{"ns/b2:HistoryLimit"}},
		{name: "running, deleting and protected backups take no place in the history",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), started(3*time.Hour)), backup("b2", auto("p"), started(2*time.Hour)),
				backup("run", auto("p"), phase(v1alpha1.BackupInProgress), started(time.Minute)),
				backup("del", auto("p"), deleting(), started(time.Minute)),
				backup("keep", auto("p"), protected("Retain"), started(time.Minute)),
			},
			policies: lim2},
		{name: "an expired backup is deleted as expired and takes no place in the history",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), started(3*time.Hour)), backup("b2", auto("p"), started(2*time.Hour)),
				backup("b3", auto("p"), started(time.Hour), expired()),
			},
			policies: lim2, want: []string{"ns/b3:Expired"}},
		{name: "expired wins over the history limit",
			backups: []v1alpha1.Backup{
				backup("b1", auto("p"), started(3*time.Hour), expired()), backup("b2", auto("p"), started(2*time.Hour)),
				backup("b3", auto("p"), started(time.Hour)),
			},
			policies: []v1alpha1.BackupPolicy{policy("p", limit(1))}, want: []string{"ns/b1:Expired", "ns/b2:HistoryLimit"}},
	})
}

func TestPlanIncrementalChains(t *testing.T) {
	lim1 := []v1alpha1.BackupPolicy{policy("p", limit(1))}
	runPlanCases(t, []planCase{
		{name: "a parent needed by a retained incremental child is kept",
			backups: []v1alpha1.Backup{
				backup("full", expired()), backup("inc1", parent("full"), expired()), backup("inc2", parent("inc1")),
			}},
		{name: "a chain whose newest child is deleted can go",
			backups: []v1alpha1.Backup{
				backup("full", expired()), backup("inc1", parent("full"), expired()), backup("inc2", parent("inc1"), expired()),
			},
			want: []string{"ns/full:Expired", "ns/inc1:Expired", "ns/inc2:Expired"}},
		{name: "a parent beyond the history limit is kept for a child within it",
			backups: []v1alpha1.Backup{
				backup("full", auto("p"), started(3*time.Hour)), backup("inc", auto("p"), parent("full"), started(time.Hour)),
			},
			policies: lim1},
		{name: "the recorded status parent protects too",
			backups: []v1alpha1.Backup{backup("full", expired()), backup("inc", statusParentOf("full"))}},
		{name: "a running incremental backup protects its parent",
			backups: []v1alpha1.Backup{backup("full", expired()), backup("inc", parent("full"), phase(v1alpha1.BackupInProgress))}},
		{name: "a protected child protects its parent",
			backups: []v1alpha1.Backup{backup("full", expired()), backup("inc", parent("full"), expired(), protected("Retain"))}},
		{name: "a child being deleted protects nothing",
			backups: []v1alpha1.Backup{backup("full", expired()), backup("inc", parent("full"), deleting())},
			want:    []string{"ns/full:Expired"}},
	})
}

func TestPlanIncrementalEdges(t *testing.T) {
	runPlanCases(t, []planCase{
		{name: "a cycle of planned backups is deleted",
			backups: []v1alpha1.Backup{backup("a", parent("b"), expired()), backup("b", parent("a"), expired())},
			want:    []string{"ns/a:Expired", "ns/b:Expired"}},
		{name: "a cycle reached from a retained child is kept",
			backups: []v1alpha1.Backup{
				backup("a", parent("b"), expired()), backup("b", parent("a"), expired()), backup("c", parent("a")),
			}},
		{name: "a missing parent is harmless",
			backups: []v1alpha1.Backup{backup("inc", parent("gone"), expired())},
			want:    []string{"ns/inc:Expired"}},
		{name: "a parent in another namespace is not protected",
			backups: []v1alpha1.Backup{backup("full", expired()), backup("inc", parent("full"), namespace("other"))},
			want:    []string{"ns/full:Expired"}},
	})
}

func runPlanCases(t *testing.T, cases []planCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := retention.Plan(tt.backups, tt.policies, now)
			assert.Equal(t, tt.want, names(got))
		})
	}
}

// autoBackups returns n Completed automatic backups of policy, auto-00
// the oldest.
func autoBackups(n int, policy string) []v1alpha1.Backup {
	out := make([]v1alpha1.Backup, n)
	for i := range out {
		out[i] = backup(fmt.Sprintf("auto-%02d", i), auto(policy), started(time.Duration(n-i)*time.Hour))
	}
	return out
}

// allTypes returns a policy with the three sections and their limits.
func allTypes(name string, datafile, snapshot, logfile int32) v1alpha1.BackupPolicy {
	p := policy(name, limit(datafile))
	p.Spec.Snapshot = &v1alpha1.SnapshotPolicy{}
	p.Spec.Snapshot.BackupsHistoryLimit = limit(snapshot)
	p.Spec.Logfile = &v1alpha1.CommonBackupPolicy{}
	p.Spec.Logfile.BackupsHistoryLimit = limit(logfile)
	return p
}

func TestPlanMessages(t *testing.T) {
	got := retention.Plan([]v1alpha1.Backup{
		backup("old", expires(-time.Hour)),
		backup("f1", auto("p"), failed(), started(2*time.Hour)), backup("f2", auto("p"), failed(), started(time.Hour)),
	}, []v1alpha1.BackupPolicy{policy("p", limit(1))}, now)
	require.Len(t, got, 2)
	assert.Equal(t, retention.Deletion{Namespace: "ns", Name: "f1", Reason: retention.ReasonHistoryLimit,
		Message: `BackupPolicy "p" keeps the 1 newest Failed automatic datafile backups (backupsHistoryLimit)`}, got[0])
	assert.Equal(t, retention.Deletion{Namespace: "ns", Name: "old", Reason: retention.ReasonExpired,
		Message: "expired at 2024-05-01T11:00:00Z"}, got[1])
}

func TestPlanIsDeterministicUnderPermutation(t *testing.T) {
	backups, policies := benchData(2000, 20)
	want := retention.Plan(backups, policies, now)
	require.NotEmpty(t, want)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(backups), func(i, j int) { backups[i], backups[j] = backups[j], backups[i] })
		rng.Shuffle(len(policies), func(i, j int) { policies[i], policies[j] = policies[j], policies[i] })
		assert.Equal(t, want, retention.Plan(backups, policies, now))
	}
}

func TestPlanNothingToDelete(t *testing.T) {
	assert.Nil(t, retention.Plan(nil, nil, now))
	assert.Nil(t, retention.Plan([]v1alpha1.Backup{backup("b", expired(), parent("b"), protected("Retain"))}, nil, now))
}

func TestPlanDoesNotModifyItsInput(t *testing.T) {
	backups, policies := benchData(500, 5)
	before := make([]v1alpha1.Backup, len(backups))
	for i := range backups {
		before[i] = *backups[i].DeepCopy()
	}
	retention.Plan(backups, policies, now)
	assert.Equal(t, before, backups)
}
