package main

import "github.com/spf13/cobra"

var _ = register(newConfigHelp)

// configHelp documents the config file; "dpctl help config" prints it.
const configHelp = `With a bolt file (--db), nothing else can run the work of its objects while dpctl has the
file open, so dpctl runs it: create backup --wait, restore --wait, wait, and delete of a
Backup that has data start an engine in dpctl with the local driver (registered for the
deployKinds job and daemon) until the object is done. They, and logs, need a config file:
--config FILE or DPCTL_CONFIG. While dpctl runs the engine, it does all the work that is
due in the file (other backups, schedules, retention), as a host would.

The file is YAML (or JSON), decoded strictly: an unknown or duplicated field is an error
that names its path, and so is a bad value. Relative paths are relative to the file.

  storage:
    root: ./backups        # required: a policy's claim is the directory <root>/<claim name>
    stateDir: ./tasks      # default <root>/.dataprotection-tasks: the tasks' state and output
  secrets:                 # optional; the secrets policies name (database credentials), either
    file: ./secrets.yaml   #   a YAML map {<name> or <namespace>/<name>: {<key>: <value>}},
                           #   which must not be readable by others (chmod 600), or
    dir: ./secrets         #   a directory <dir>/<namespace>/<name>/<key>, a file per key
  targets:                 # the databases on this machine that labelsSelectors pick
  - name: db-0             # required, unique, a DNS subdomain
    labels: {app: db}      # what a policy's target.labelsSelector matches
    host: 127.0.0.1        # DB_HOST of the tools (default 127.0.0.1)
    env: {PGPORT: "5432"}  # more environment for the tools
    dataDir: ./db          # the database's directory: DATA_DIR of the tools

A tool's commands run with "sh -c" in the backup directory; BACKUP_DIR, DB_HOST, DB_USER,
DB_PASSWORD, DATA_DIR and the tool's env are set (see package drivers/local).`

func newConfigHelp(*app) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "The config file of embedded work (--config, DPCTL_CONFIG)",
		Long:  configHelp,
	}
}
