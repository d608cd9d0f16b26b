package e2e

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/schedule"
	dptargets "github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// pgScenario is the world of TestPostgresBackupAndRestore: a source server
// with the shop database, a fresh server to restore into, and the engine.
type pgScenario struct {
	pg *pgEnv
	h  *harness
	// src is the server that is backed up; srcPass its superuser's
	// password (also the password of its physical copies).
	src     *pgServer
	srcPass string
	// dst is the fresh server the logical backup is restored into.
	dst     *pgServer
	dstPass string
	// dirs of the physical restores' targets, and the ports their servers
	// listen on once the test starts them, after the physical restore.
	physicalDir, pitrDir   string
	physicalPort, pitrPort int
	// summary collects the numbers the test reports at the end.
	summary []string
}

// note adds a line to the summary.
func (sc *pgScenario) note(format string, args ...any) {
	sc.summary = append(sc.summary, fmt.Sprintf(format, args...))
}

// TestPostgresBackupAndRestore drives the engine through real PostgreSQL
// backups and restores, and compares the restored data with the data at
// backup time:
//   - logical: a BackupPolicy's schedule fires a pg_dump backup; the source
//     changes; a RestoreJob restores the backup into a fresh server;
//   - physical: a pg_basebackup backup restored into an empty data
//     directory, on which a server then starts;
//   - point in time: an incremental backup of the archived WAL on top of
//     the physical one, restored up to a named restore point.
func TestPostgresBackupAndRestore(t *testing.T) {
	sc := newPGScenario(t)
	changed := sc.logicalRoundTrip(t)
	full := sc.physicalRoundTrip(t, changed)
	sc.pointInTimeRoundTrip(t, full)
	t.Logf("summary:\n  %s", strings.Join(sc.summary, "\n  "))
}

// newPGScenario starts the two servers, loads the source (with WAL
// archiving on), and starts the engine with the local targets and secrets.
func newPGScenario(t *testing.T) *pgScenario {
	pg := requirePostgres(t)
	t.Logf("PostgreSQL programs: %s", pg.bin)
	// Different passwords: the backup must use the policy's secret and the
	// restore the RestoreJob's.
	sc := &pgScenario{pg: pg, srcPass: rand.Text(), dstPass: rand.Text(),
		physicalDir: filepath.Join(pg.base, "physical-restore"), pitrDir: filepath.Join(pg.base, "pitr-restore")}
	srcDir := pg.initCluster(t, "source", sc.srcPass)
	archive := filepath.Join(pg.base, "wal-archive")
	pg.archiveTo(t, srcDir, archive)
	sc.src = pg.start(t, "source", srcDir, sc.srcPass)
	sc.dst = pg.start(t, "restore", pg.initCluster(t, "restore", sc.dstPass), sc.dstPass)

	owner := map[string]string{}
	if pg.owner != "" {
		owner[envDataOwner] = pg.owner
	}
	sc.physicalPort, sc.pitrPort = pickPort(t), pickPort(t)
	targets := local.Targets{
		{Name: "pg-source-0", Labels: map[string]string{"app": "pg-source"}, DataDir: srcDir,
			Env: map[string]string{"PGPORT": strconv.Itoa(sc.src.port), envWALArchive: archive}},
		{Name: "pg-restore-0", Labels: map[string]string{"app": "pg-restore"}, DataDir: sc.dst.dataDir,
			Env: map[string]string{"PGPORT": strconv.Itoa(sc.dst.port)}},
		{Name: "pg-physical-0", Labels: map[string]string{"app": "pg-physical"}, DataDir: sc.physicalDir,
			Env: merge(owner, map[string]string{"PGPORT": strconv.Itoa(sc.physicalPort)})},
		{Name: "pg-pitr-0", Labels: map[string]string{"app": "pg-pitr"}, DataDir: sc.pitrDir, Env: merge(owner, map[string]string{
			"PGPORT": strconv.Itoa(sc.pitrPort), envWALRestoreDir: filepath.Join(pg.base, "pitr-wal"), envRecoveryTarget: "before-b"})},
	}
	secrets := local.SecretMap{
		sourceSecret:  {"username": pgSuperuser, "password": sc.srcPass},
		restoreSecret: {"username": pgSuperuser, "password": sc.dstPass},
	}
	// The engine's clock starts 30 s before a minute boundary: the first
	// slot of a "* * * * *" schedule created now.
	start := time.Now().UTC().Truncate(time.Minute).Add(2*time.Minute - 30*time.Second)
	sc.h = startEngine(t, start, pg.bin, dptargets.WithReadiness(targets, sc.ready), secrets)
	return sc
}

// ready is the host's readiness check of the targets: the physical
// restores' targets serve once the test has started a server there and it
// has finished recovery; the others always run.
func (sc *pgScenario) ready(ctx context.Context, t drivers.Target) bool {
	switch t.Name {
	case "pg-physical-0":
		return sc.pg.primary(ctx, sc.physicalPort, sc.srcPass)
	case "pg-pitr-0":
		return sc.pg.primary(ctx, sc.pitrPort, sc.srcPass)
	}
	return true
}

// pickPort returns a free loopback port.
func pickPort(t *testing.T) int {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// logicalRoundTrip loads the source, lets the schedule fire a pg_dump
// backup, changes the source, restores the backup into the fresh server
// and compares. It returns the source's fingerprint after the change.
func (sc *pgScenario) logicalRoundTrip(t *testing.T) fingerprint {
	loadStart := time.Now()
	loadShop(t, sc.src)
	atBackup := fingerprintOf(t, sc.src)
	size := databaseSize(t, sc.src)
	t.Logf("source database %q: %d rows in %d tables, %s (%d bytes) on disk, loaded in %s",
		shopDB, atBackup.rows(), len(atBackup), mib(size), size, since(loadStart))
	sc.note("test database: %s on disk (pg_database_size %d bytes), %d rows in %d tables", mib(size), size, atBackup.rows(), len(atBackup))

	b := sc.scheduledBackup(t)
	sc.src.psql(t, shopDB, shopChanges)
	changed := fingerprintOf(t, sc.src)
	require.NotEqual(t, atBackup, changed, "the changes did not change the source")

	start := time.Now()
	create(t, sc.h.st.RestoreJobs(), restoreJob("pg-shop-restore", b.Name, "pg-restore", restoreSecret))
	r := sc.h.waitRestore(t, "pg-shop-restore", 2*time.Minute)
	restoreWall := time.Since(start)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	restored := fingerprintOf(t, sc.dst)
	t.Logf("logical restore of %s into a fresh server: Completed in %s (RestoreJob created to Completed, wall); restored data equals the data at backup time: %v",
		b.Name, restoreWall.Round(time.Millisecond), equal(restored, atBackup))
	for _, table := range shopTables {
		t.Logf("  %-9s at backup: %s | restored: %s | source now: %s", table, atBackup[table], restored[table], changed[table])
	}
	sc.note("logical (pg_dump -Fc, scheduled): restore %s; restored data equals the data at backup time: %v",
		restoreWall.Round(time.Millisecond), equal(restored, atBackup))
	require.Equal(t, atBackup, restored, "the restored data differs from the data at backup time")
	require.NotEqual(t, changed, restored, "the restore did not come from the backup")
	require.Equal(t, changed, fingerprintOf(t, sc.src), "the restore changed the source")
	noSecrets(t, []string{sc.srcPass, sc.dstPass}, b, r)
	return changed
}

// scheduledBackup creates the pg_dump tool and a policy scheduled every
// minute, jumps the engine's clock past the next slot, and waits for the
// Backup the schedule creates to complete.
func (sc *pgScenario) scheduledBackup(t *testing.T) *v1alpha1.Backup {
	h := sc.h
	create(t, h.st.BackupTools(), pgDumpTool())
	policy := datafilePolicy(logicalPolicy, "pg-source", logicalTool)
	policy.Spec.Schedule = &v1alpha1.Schedule{Datafile: &v1alpha1.SchedulePolicy{CronExpression: "* * * * *", Enable: true}}
	// The policy starts just after a minute boundary of the engine's clock:
	// its first slot is then most of a minute away, however long the
	// loading before took, and the test jumps there.
	now := h.clock.Now()
	h.clock.Step(now.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(now))
	create(t, h.st.BackupPolicies(), policy)
	p := h.waitPolicy(t, logicalPolicy, 20*time.Second)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)

	slot := p.CreationTimestamp.Truncate(time.Minute).Add(time.Minute)
	jump := slot.Add(time.Second).Sub(h.clock.Now())
	require.Positive(t, jump, "the engine's clock passed the slot %s before the test jumped to it", slot)
	fired := time.Now()
	h.clock.Step(jump)
	name := schedule.BackupName(logicalPolicy, v1alpha1.BackupTypeDataFile, slot)
	b := h.waitBackup(t, name, 2*time.Minute)
	wall := time.Since(fired)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	checkBackupStatus(t, b)
	require.Equal(t, "true", b.Labels[v1alpha1.LabelAutoBackup], "labels of the scheduled backup")
	require.Equal(t, slot.Format(time.RFC3339), b.Annotations[v1alpha1.AnnotationScheduledTime])
	require.Equal(t, shopDB, b.Status.Manifests.UserContext["database"], "userContext from the tool's output")
	m := b.Status.Manifests.BackupTool
	t.Logf("scheduled logical backup %s (pg_dump): Completed, totalSize %s, checkSum %s, filePath %s; %s (status.duration), %s from the slot to Completed (wall)",
		b.Name, b.Status.TotalSize, m.CheckSum, m.FilePath, b.Status.Duration.Duration.Round(time.Millisecond), wall.Round(time.Millisecond))
	sc.note("logical (pg_dump -Fc, scheduled): backup %s (slot to Completed), %s bytes", wall.Round(time.Millisecond), b.Status.TotalSize)
	return b
}

// physicalRoundTrip takes a pg_basebackup backup of the source (whose
// data is want), restores it into an empty data directory, starts a server
// there and compares. It returns the Completed backup.
func (sc *pgScenario) physicalRoundTrip(t *testing.T, want fingerprint) *v1alpha1.Backup {
	h := sc.h
	create(t, h.st.BackupTools(), pgBaseBackupTool())
	create(t, h.st.BackupPolicies(), datafilePolicy(physicalPolicy, "pg-source", physicalTool))
	p := h.waitPolicy(t, physicalPolicy, 20*time.Second)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)
	b := sc.backup(t, manualBackup("pg-shop-physical-1", physicalPolicy, ""), "physical backup (pg_basebackup)")
	require.Regexp(t, "^[0-9A-F]{24}$", b.Status.Manifests.BackupTool.CheckPoint, "CheckPoint: the backup's first WAL segment")

	restored := sc.restorePhysical(t, "pg-shop-physical-restore", b.Name, "pg-physical", sc.physicalDir, sc.physicalPort)
	got := fingerprintOf(t, restored)
	t.Logf("physical restore: restored data equals the source at backup time: %v", equal(got, want))
	sc.note("physical (pg_basebackup): restored data equals the source at backup time: %v", equal(got, want))
	require.Equal(t, want, got, "the physically restored data differs from the source at backup time")
	return b
}

// pointInTimeRoundTrip changes the source twice with a restore point in
// between, takes an incremental backup (the archived WAL) on top of full,
// restores the chain up to the restore point and compares with the data at
// the restore point.
func (sc *pgScenario) pointInTimeRoundTrip(t *testing.T, full *v1alpha1.Backup) {
	src := sc.src
	src.psql(t, shopDB, `INSERT INTO customers SELECT i, 'pitr ' || i, 'pitr' || i || '@example.com', 1, now()
		FROM generate_series(20001, 20500) AS i;
		UPDATE orders SET note = 'change A' WHERE id % 100 = 0`)
	atPoint := fingerprintOf(t, src)
	src.psql(t, "postgres", "SELECT pg_create_restore_point('before-b')")
	src.psql(t, shopDB, "DELETE FROM events WHERE id % 2 = 0; UPDATE customers SET balance = 0")
	afterB := fingerprintOf(t, src)
	require.NotEqual(t, atPoint, afterB)

	b := sc.backup(t, manualBackup("pg-shop-physical-2", physicalPolicy, full.Name), "incremental backup (archived WAL)")
	require.Equal(t, full.Name, b.Status.ParentBackupName)

	restored := sc.restorePhysical(t, "pg-shop-pitr-restore", b.Name, "pg-pitr", sc.pitrDir, sc.pitrPort)
	_, err := os.Stat(filepath.Join(sc.pg.base, "pitr-wal"))
	require.True(t, os.IsNotExist(err), "the logical restore removed the WAL copy once the server had recovered: %v", err)
	got := fingerprintOf(t, restored)
	t.Logf("point-in-time restore (full + incremental, up to the restore point): restored data equals the data at the restore point: %v", equal(got, atPoint))
	sc.note("point in time (full + WAL incremental, to a restore point): restored data equals the data at the restore point: %v", equal(got, atPoint))
	require.Equal(t, atPoint, got, "the point-in-time restore differs from the data at the restore point")
	require.NotEqual(t, afterB, got, "the point-in-time restore replayed past the restore point")
}

// backup creates b, waits for it to complete, checks its status and logs
// it as what.
func (sc *pgScenario) backup(t *testing.T, b *v1alpha1.Backup, what string) *v1alpha1.Backup {
	start := time.Now()
	create(t, sc.h.st.Backups(), b)
	b = sc.h.waitBackup(t, b.Name, 2*time.Minute)
	wall := time.Since(start)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	checkBackupStatus(t, b)
	m := b.Status.Manifests.BackupTool
	t.Logf("%s %s: Completed, totalSize %s, checkSum %s, CheckPoint %s; %s (Backup created to Completed, wall)",
		what, b.Name, b.Status.TotalSize, m.CheckSum, m.CheckPoint, wall.Round(time.Millisecond))
	sc.note("%s: backup %s, %s bytes", what, wall.Round(time.Millisecond), b.Status.TotalSize)
	return b
}

// restorePhysical restores backup with the RestoreJob name into the target
// labelled app=<app>, whose data directory is dir: the physical restore runs
// with no server there; then, as a host restarts its database, the test
// starts a server (not archiving: the WAL archive is the source's) on port,
// and the logical restore, which needs it running and recovered, runs once
// the target is ready.
func (sc *pgScenario) restorePhysical(t *testing.T, name, backup, app, dir string, port int) *pgServer {
	start := time.Now()
	create(t, sc.h.st.RestoreJobs(), restoreJob(name, backup, app, sourceSecret))
	r := sc.h.waitRestorePast(t, name, v1alpha1.RestoreJobInProgressPhy, 2*time.Minute)
	require.Equal(t, v1alpha1.RestoreJobInProgressLogic, r.Status.Phase, r.Status.FailureReason)
	phy := time.Since(start)
	s := sc.pg.startAt(t, name, dir, sc.srcPass, port, "archive_mode=off")
	s.waitPrimary(t, time.Minute)
	recovered := time.Since(start)
	r = sc.h.waitRestore(t, name, 2*time.Minute)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	t.Logf("restore %s of %s: physical restore %s; server up after recovery at %s; logical restore, then Completed at %s (wall)",
		name, backup, phy.Round(time.Millisecond), recovered.Round(time.Millisecond), since(start))
	sc.note("restore %s: physical %s, server recovered at %s, Completed at %s", name, phy.Round(time.Millisecond),
		recovered.Round(time.Millisecond), since(start))
	return s
}

// checkBackupStatus checks what a Completed Backup's status must say:
// size, checksum, file, timestamps, expiration (the policies have a ttl).
func checkBackupStatus(t *testing.T, b *v1alpha1.Backup) {
	t.Helper()
	s := b.Status
	require.NotNil(t, s.Manifests, "status.manifests")
	require.NotNil(t, s.Manifests.BackupTool, "status.manifests.backupTool")
	m := s.Manifests.BackupTool
	require.NotEmpty(t, s.TotalSize, "totalSize")
	require.NotEqual(t, "0", s.TotalSize, "totalSize")
	require.Equal(t, s.TotalSize, m.UploadTotalSize, "uploadTotalSize")
	require.Regexp(t, "^sha256:[0-9a-f]{64}$", m.CheckSum, "checkSum")
	require.NotEmpty(t, m.FilePath, "filePath")
	require.NotNil(t, s.StartTimestamp, "startTimestamp")
	require.NotNil(t, s.CompletionTimestamp, "completionTimestamp")
	require.NotNil(t, s.Duration, "duration")
	require.NotNil(t, s.Expiration, "expiration")
	require.Equal(t, backupClaim, s.PersistentVolumeClaimName)
	require.NotEmpty(t, s.BackupToolName)
}

// noSecrets fails the test when an object holds a secret value.
func noSecrets(t *testing.T, secrets []string, objs ...any) {
	t.Helper()
	for _, o := range objs {
		data, err := json.Marshal(o)
		require.NoError(t, err)
		for _, s := range secrets {
			require.False(t, strings.Contains(string(data), s), "a %T holds a secret value", o)
		}
	}
}

// equal reports whether two fingerprints are the same.
func equal(a, b fingerprint) bool { return maps.Equal(a, b) }

// merge returns the union of a and b (b wins).
func merge(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// mib formats a size in bytes as MiB.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// since is the time elapsed since start, rounded for the log.
func since(start time.Time) time.Duration { return time.Since(start).Round(time.Millisecond) }
