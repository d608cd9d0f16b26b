// Package tardriver is the driver of the example plugin (examples/plugin): a
// backup-tool driver that archives a database's data directory as a
// streaming tar + gzip file with a sha256 manifest, and restores it with
// every file's checksum verified.
//
// It shows how a plugin author composes a driver from the SDK instead of
// writing one from scratch: tasks run under drivers/local, which runs the
// BackupTool's commands as supervised processes and keeps every task's state
// on disk (so Status after a restart of the plugin is exact, and a task that
// was running when the plugin died is adopted, not run again); tardriver
// adds its own work as one more supervised command, the plugin binary run
// in tool mode (RunTool):
//
//   - a datafile backup runs the tool's commands, then archives SOURCE_DIR
//     (default: the target's DATA_DIR) into BACKUP_DIR as backup.tar.gz and
//     writes BACKUP_DIR/manifest.json (every file's path, size, mode and
//     sha256, and the archive's);
//   - a datafile restore first extracts BACKUP_DIR/backup.tar.gz into
//     RESTORE_DIR (default: SOURCE_DIR, then DATA_DIR), verifying the
//     archive and every file against the manifest, then runs the tool's
//     commands;
//   - delete-artifacts removes the backup's directory; hooks and status
//     updates run their commands.
//
// Without a source directory a backup only runs its commands, and a restore
// of a backup without an archive only runs its commands.
package tardriver
