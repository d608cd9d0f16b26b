package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/store/bolt"
)

// TestErrors checks that each mistake a person makes gets an error that
// says what is wrong, and the exit code of its class: 2 for the command
// line, 1 for the rest.
func TestErrors(t *testing.T) {
	s := newSite(t)
	must(t, s.env, "apply", "-f", s.path("objects.yaml"))
	write := func(name, content string, mode os.FileMode) string {
		require.NoError(t, os.WriteFile(s.path(name), []byte(content), mode))
		return s.path(name)
	}
	badField := write("bad-field.yaml", siteConfig+"  dataDirr: ./x\n", 0o644)
	badValue := write("bad-value.yaml", "storage: {}\ntargets:\n- name: DB_0\n  labels: {app: db}\n- name: DB_0\n", 0o644)
	badTool := write("bad-tool.yaml", toolManifest+"  backupCommandz: [x]\n", 0o644)

	cases := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"unknown command", s.env, []string{"bogus"}, 2, []string{`unknown command "bogus"`}},
		{"unknown kind lists the kinds", s.env, []string{"get", "widgets"}, 2,
			[]string{`unknown kind "widgets": one of backups (backup, dpb), backuppolicies (`, "restorejobs ("}},
		{"unknown flag", s.env, []string{"get", "backups", "--bogus"}, 2, []string{"unknown flag: --bogus"}},
		{"bad flag value", s.env, []string{"create", "backup", "--policy", "db", "--type", "full"}, 2,
			[]string{`invalid argument "full" for "--type" flag: must be one of datafile, logfile, snapshot`}},
		{"bad output format", s.env, []string{"get", "backups", "-o", "xml"}, 2, []string{"must be one of wide, yaml, json, name"}},
		{"bad selector", s.env, []string{"restore", "b", "--target-selector", "a=(b"}, 2, []string{`"--target-selector"`}},
		{"missing argument", s.env, []string{"restore"}, 2, []string{"wants the name of the Backup to restore"}},
		{"missing object names namespace and name", s.env, []string{"describe", "backup", "nope", "-n", "other"}, 1,
			[]string{`Backup "nope" not found in namespace "other"`}},
		{"missing policy", s.env, []string{"create", "backup", "--policy", "nope"}, 1,
			[]string{`BackupPolicy "nope" not found in namespace "default"`}},
		{"policy without the type", s.env, []string{"create", "backup", "--policy", "db", "--type", "logfile"}, 1,
			[]string{`BackupPolicy "db" has no logfile policy (it has: datafile)`}},
		{"config: unknown field with its path", s.env, []string{"--config", badField, "create", "backup", "--policy", "db", "--wait"}, 1,
			[]string{`unknown field "targets[1].dataDirr"`}},
		{"config: bad values with their paths", s.env, []string{"--config", badValue, "create", "backup", "--policy", "db", "--wait"}, 1,
			[]string{"storage.root: Required value", `targets[0].name: Invalid value: "DB_0"`, `targets[1].name: Duplicate value: "DB_0"`}},
		{"config: missing", []string{s.env[0]}, []string{"create", "backup", "--policy", "db", "--wait"}, 1,
			[]string{"create backup --wait with a bolt file needs --config FILE (or DPCTL_CONFIG)"}},
		{"manifest: unknown field with its path", s.env, []string{"apply", "-f", badTool}, 1, []string{`unknown field "spec.backupCommandz"`}},
		{"missing database file", nil, []string{"--db", s.path("nope.db"), "get", "backups"}, 1,
			[]string{"nope.db does not exist"}},
		{"no backend", nil, []string{"get", "backups"}, 1, []string{"no backend: pass --db FILE"}},
		{"two backends", nil, []string{"--db", "x.db", "--kubeconfig", "k", "get", "backups"}, 2,
			[]string{"select different backends"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := dpctl(t, c.env, "", c.args...)
			assert.Equal(t, c.code, r.code)
			for _, w := range c.want {
				assert.Contains(t, r.stderr, w)
			}
		})
	}
	// No mistake left a Backup behind.
	assert.Contains(t, must(t, s.env, "get", "backups").stderr, "No backups found in namespace default.")
}

// TestSecretsFileMode refuses a secrets file others can read.
func TestSecretsFileMode(t *testing.T) {
	s := newSite(t)
	must(t, s.env, "apply", "-f", s.path("objects.yaml"))
	require.NoError(t, os.Chmod(s.path("secrets.yaml"), 0o644))
	r := dpctl(t, s.env, "", "create", "backup", "--policy", "db", "--wait")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "is readable by others (mode 0644): chmod 600 it")
}

// TestLockedDatabase: a host holding the bolt file makes dpctl say so at
// once, naming the file, instead of hanging.
func TestLockedDatabase(t *testing.T) {
	s := newSite(t)
	st, err := bolt.New(s.path("dp.db"), bolt.Options{})
	require.NoError(t, err)
	defer st.Close()
	r := dpctl(t, s.env, "", "get", "backups")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, s.path("dp.db")+" is in use by another process")
	assert.Contains(t, r.stderr, "stop that host")
}

// TestFailedBackup: --wait on a backup that fails exits 1 with the failure
// reason, and logs shows what the tool printed.
func TestFailedBackup(t *testing.T) {
	s := newSite(t)
	failing := toolManifest + "---\n" + policyManifest
	failing = replaceOnce(t, failing, `tar -C "$DATA_DIR" -czf "$ARCHIVE" .`, `echo "disk on fire" >&2; exit 3`)
	require.NoError(t, os.WriteFile(s.path("failing.yaml"), []byte(failing), 0o644))
	must(t, s.env, "apply", "-f", s.path("failing.yaml"))
	r := dpctl(t, s.env, "", "create", "backup", "--policy", "db", "--name", "b1", "--wait")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Error: backup default/b1 Failed: ")
	assert.Contains(t, r.stderr, "disk on fire")
	assert.Contains(t, must(t, s.env, "logs", "b1").stdout, "disk on fire")
	assert.Contains(t, must(t, s.env, "describe", "backup", "b1").stdout, "Failure Reason:")
}

// TestWaitTimeout: --timeout ends a wait with what to do next, and the
// backup, whose task went on running, completes under a later wait. The
// tool waits for a gate file, so the first wait ends while it runs however
// slowly this machine starts dpctl.
func TestWaitTimeout(t *testing.T) {
	s := newSite(t)
	gate := s.path("gate")
	slow := replaceOnce(t, toolManifest+"---\n"+policyManifest, `tar -C "$DATA_DIR" -czf`,
		`while [ ! -e '`+gate+`' ]; do sleep 0.05; done; tar -C "$DATA_DIR" -czf`)
	require.NoError(t, os.WriteFile(s.path("slow.yaml"), []byte(slow), 0o644))
	must(t, s.env, "apply", "-f", s.path("slow.yaml"))
	r := dpctl(t, s.env, "", "create", "backup", "--policy", "db", "--name", "b1", "--wait", "--timeout", "10s")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Error: timed out after 10s (--timeout): backup default/b1 is still InProgress; "+
		"dpctl wait backup b1 waits again")
	require.NoError(t, os.WriteFile(gate, nil, 0o644))
	r = must(t, s.env, "wait", "backup", "b1", "--timeout", "1m")
	assert.Contains(t, r.stdout, "backup default/b1 Completed")
}
