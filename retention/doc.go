// Package retention decides which Backups may be deleted, and when.
//
// It is pure: it does no I/O, never reads the clock (every function that
// needs the time takes now), and returns plans that the executor carries
// out. It covers three parts of the BackupPolicy contract:
//
//   - retention.ttl: [TTL] parses the policy's ttl with the strict grammar of
//     [v1alpha1.ParseTTL] (a bad ttl is an error, never 0; one that upstream
//     accepted but that is not a positive duration turns retention off) and
//     [Expiration] computes the status.expiration the executor stamps on a
//     Backup.
//   - backupsHistoryLimit: per policy and backup type, over automatic
//     Backups only, counting Completed and Failed Backups separately so that
//     failures never push out good backups.
//   - incremental chains: a parent that a retained incremental child needs is
//     never deleted.
//
// [Plan] combines them into a deterministic list of [Deletion]s. It never
// plans the deletion of a Backup that is running (not Completed or Failed),
// already being deleted, or labelled [v1alpha1.LabelBackupProtection] =
// Retain.
//
// Unlike upstream KubeBlocks v0.5, running Backups are never deleted, a ttl
// such as "7|" or "0d" turns ttl retention off instead of expiring the
// policy's backups at once, and the history limit selects on the
// backup-policy label the scheduler sets.
package retention
