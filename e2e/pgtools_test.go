package e2e

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Object names of the scenario.
const (
	sourceSecret   = "pg-source-credentials"
	restoreSecret  = "pg-restore-credentials"
	logicalTool    = "pg-dump"
	physicalTool   = "pg-basebackup"
	logicalPolicy  = "pg-shop"
	physicalPolicy = "pg-shop-physical"
	backupClaim    = "pg-backups"
)

// The environment through which local targets tell the tools about
// themselves, besides PGPORT and DATA_DIR.
const (
	// envWALArchive is where the source server's archive_command copies
	// its finished WAL segments.
	envWALArchive = "WAL_ARCHIVE"
	// envWALRestoreDir is where a point-in-time restore puts the WAL
	// segments for the restored server's restore_command.
	envWALRestoreDir = "WAL_RESTORE_DIR"
	// envRecoveryTarget names the restore point a point-in-time restore
	// stops at; unset, recovery replays all the WAL.
	envRecoveryTarget = "RECOVERY_TARGET_NAME"
	// envDataOwner is the OS user the restored files must belong to
	// (the server's, when the tools run as root).
	envDataOwner = "PGDATA_OWNER"
)

// pgConnEnv is the environment both PostgreSQL tools give their commands:
// libpq's variables from the engine's DB_HOST, DB_USER and DB_PASSWORD (the
// last two from the secret; PGPORT comes from the target).
var pgConnEnv = []corev1.EnvVar{
	{Name: "PGHOST", Value: "$(DB_HOST)"},
	{Name: "PGUSER", Value: "$(DB_USER)"},
	{Name: "PGPASSWORD", Value: "$(DB_PASSWORD)"},
	{Name: "PGCONNECT_TIMEOUT", Value: "10"},
}

// pgDumpTool backs a database up with pg_dump (custom format) and restores
// it with pg_restore into a running server: a logical backup.
func pgDumpTool() *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: logicalTool}, Spec: v1alpha1.BackupToolSpec{
		Image: "postgres:15",
		Env: append(slices.Clone(pgConnEnv),
			corev1.EnvVar{Name: "DB_NAME", Value: shopDB},
			corev1.EnvVar{Name: "DUMP", Value: "$(BACKUP_DIR)/$(DB_NAME).dump"}),
		BackupCommands: []string{
			`pg_dump --format=custom --compress=6 --file="$DUMP" "$DB_NAME"`,
			`pg_restore --list "$DUMP" >/dev/null`, // the archive is readable
			`printf '{"userContext":{"database":"%s","format":"pg_dump custom"}}\n' "$DB_NAME"`,
		},
		Logical: &v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{
			`pg_restore --create --exit-on-error --dbname=postgres "$DUMP"`,
		}},
	}}
}

// pgBaseBackupTool is a physical tool with an incremental path:
//   - a full backup copies the cluster with pg_basebackup (tar format, with
//     the WAL it needs) and reports the WAL segment it starts at as its
//     CheckPoint;
//   - an incremental backup switches to a new WAL segment, waits until the
//     server has archived the finished one, and copies the archived
//     segments from its parent's CheckPoint on; its CheckPoint is the last
//     one;
//   - a restore unpacks the full backup into the target's empty DATA_DIR
//     (no server runs there), and each incremental backup adds its segments
//     to WAL_RESTORE_DIR and sets up archive recovery from it, up to the
//     restore point RECOVERY_TARGET_NAME when the target names one: a
//     point-in-time restore;
//   - the logical restore, which runs once the server runs again on the
//     restored data (the target is ready), checks that it has finished
//     recovery, and each incremental step removes the WAL copy that
//     restore_command read (as the postgres-pitr tool of KubeBlocks v0.5
//     removed its pitr/ directory): run too early, this would cut the
//     recovery short of the restore point.
func pgBaseBackupTool() *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: physicalTool}, Spec: v1alpha1.BackupToolSpec{
		Image: "postgres:15",
		Env:   slices.Clone(pgConnEnv),
		BackupCommands: []string{
			`pg_basebackup --pgdata="$BACKUP_DIR/base" --format=tar --gzip --wal-method=fetch --checkpoint=fast --no-sync --label="$BACKUP_NAME"`,
			`start=$(tar -xzOf "$BACKUP_DIR/base/base.tar.gz" backup_label | sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]*\))$/\1/p')
			[ -n "$start" ] && printf '{"backupTool":{"CheckPoint":"%s"}}\n' "$start"`,
		},
		IncrementalBackupCommands: []string{walBackup},
		Physical: v1alpha1.BackupToolRestoreCommand{
			RestoreCommands: []string{
				`test ! -e "$DATA_DIR/PG_VERSION"`, // never over a cluster
				`mkdir -p "$DATA_DIR" && tar -xzf "$BACKUP_DIR/base/base.tar.gz" -C "$DATA_DIR" && chmod 0700 "$DATA_DIR"`,
				`[ -z "$PGDATA_OWNER" ] || chown -R "$PGDATA_OWNER" "$DATA_DIR"`,
			},
			IncrementalRestoreCommands: []string{walRestore},
		},
		Logical: &v1alpha1.BackupToolRestoreCommand{
			RestoreCommands:            []string{`psql -X -A -t -d postgres -c "SELECT pg_is_in_recovery()" | grep -qx f`},
			IncrementalRestoreCommands: []string{`rm -rf "$WAL_RESTORE_DIR"`},
		},
	}}
}

// walBackup is the incremental backup: the WAL archived since the parent's
// CheckPoint. Segment names are compared as strings (awk would compare
// these all-digit names as imprecise numbers).
const walBackup = `set -e
seg=$(psql -X -A -t -d postgres -c "SELECT pg_walfile_name(pg_switch_wal())")
n=0
until [ -f "$WAL_ARCHIVE/$seg" ]; do
	n=$((n + 1)); [ "$n" -le 600 ] || { echo "WAL segment $seg was not archived within 60s" >&2; exit 1; }
	sleep 0.1
done
mkdir -p "$BACKUP_DIR/wal"
ls "$WAL_ARCHIVE" | awk -v from="$PARENT_CHECKPOINT" -v to="$seg" \
	'length($0) == 24 && ($0 "") >= (from "") && ($0 "") <= (to "")' >"$BACKUP_DIR/wal.list"
while read -r f; do cp "$WAL_ARCHIVE/$f" "$BACKUP_DIR/wal/$f"; done <"$BACKUP_DIR/wal.list"
printf '{"backupTool":{"CheckPoint":"%s"}}\n' "$seg"`

// walRestore restores one incremental backup after the full one: its WAL
// segments for restore_command, and archive recovery set up (up to the
// target's restore point, if it names one).
const walRestore = `set -e
mkdir -p "$WAL_RESTORE_DIR"
cp "$BACKUP_DIR"/wal/* "$WAL_RESTORE_DIR"/
touch "$DATA_DIR/recovery.signal"
printf "restore_command = 'cp %s/%%f %%p'\n" "$WAL_RESTORE_DIR" >>"$DATA_DIR/postgresql.auto.conf"
if [ -n "$RECOVERY_TARGET_NAME" ]; then
	printf "recovery_target_name = '%s'\nrecovery_target_action = 'promote'\n" "$RECOVERY_TARGET_NAME" >>"$DATA_DIR/postgresql.auto.conf"
fi
if [ -n "$PGDATA_OWNER" ]; then chown -R "$PGDATA_OWNER" "$DATA_DIR" "$WAL_RESTORE_DIR"; fi`

// datafilePolicy backs up the targets labelled app=<app> with tool, with
// the source's credentials, into the claim backupClaim, for 7 days.
func datafilePolicy(name, app, tool string) *v1alpha1.BackupPolicy {
	return &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}, Spec: v1alpha1.BackupPolicySpec{
		Retention: &v1alpha1.RetentionSpec{TTL: new("7d")},
		Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
				LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}},
				Secret:         &v1alpha1.BackupPolicySecret{Name: sourceSecret},
			}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: backupClaim},
			BackupToolName:        tool,
		},
	}}
}

// manualBackup is a datafile Backup of policy, incremental when parent is
// not empty.
func manualBackup(name, policy, parent string) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: policy, BackupType: v1alpha1.BackupTypeDataFile, ParentBackupName: parent}}
}

// restoreJob restores backup into the targets labelled app=<app>,
// connecting with secret (none when empty).
func restoreJob(name, backup, app, secret string) *v1alpha1.RestoreJob {
	r := &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}, Spec: v1alpha1.RestoreJobSpec{
		BackupJobName: backup,
		Target:        v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}},
		TargetVolumes: []corev1.Volume{}, TargetVolumeMounts: []corev1.VolumeMount{},
	}}
	if secret != "" {
		r.Spec.Target.Secret = &v1alpha1.BackupPolicySecret{Name: secret}
	}
	return r
}
