package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/store/bolt"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// site is a machine with a "database" (a directory of files), a dpctl.yaml
// and a bolt file, as a platform tool would set it up.
type site struct {
	dir string
	env []string
}

const toolManifest = `apiVersion: dataprotection.kubeblocks.io/v1alpha1
kind: BackupTool
metadata:
  name: tar
spec:
  image: busybox
  env:
  - name: ARCHIVE
    value: $(BACKUP_DIR)/data.tar.gz
  backupCommands:
  - tar -C "$DATA_DIR" -czf "$ARCHIVE" . && echo "archived $DATA_DIR as $DB_USER"
  physical:
    restoreCommands:
    - mkdir -p "$DATA_DIR" && tar -C "$DATA_DIR" -xzf "$ARCHIVE" && echo restored
`

const policyManifest = `apiVersion: dataprotection.kubeblocks.io/v1alpha1
kind: BackupPolicy
metadata:
  name: db
spec:
  datafile:
    backupToolName: tar
    persistentVolumeClaim:
      name: backup-data
    target:
      labelsSelector:
        matchLabels: {app: db}
      secret:
        name: db-credentials
`

const siteConfig = `storage:
  root: ./backups
secrets:
  file: ./secrets.yaml
targets:
- name: db-0
  labels: {app: db}
  dataDir: ./db
- name: copy-0
  labels: {app: copy}
  dataDir: ./copy
`

func newSite(t *testing.T) *site {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), mode))
	}
	for i := range 3 {
		write(fmt.Sprintf("db/tables/t%d.csv", i), strings.Repeat(fmt.Sprintf("row of table %d\n", i), 500), 0o644)
	}
	write("dpctl.yaml", siteConfig, 0o644)
	write("secrets.yaml", "db-credentials: {username: admin, password: s3cret-pw}\n", 0o600)
	write("objects.yaml", toolManifest+"---\n"+policyManifest, 0o644)
	return &site{dir: dir, env: []string{
		"DPCTL_DB=" + filepath.Join(dir, "dp.db"),
		"DPCTL_CONFIG=" + filepath.Join(dir, "dpctl.yaml"),
	}}
}

func (s *site) path(name string) string { return filepath.Join(s.dir, name) }

// TestEmbeddedLifecycle drives a person's whole session on a bolt file:
// apply, back up, list, inspect, read the logs, restore, delete.
func TestEmbeddedLifecycle(t *testing.T) {
	s := newSite(t)
	out := must(t, s.env, "apply", "-f", s.path("objects.yaml")).stdout
	assert.Equal(t, "backuptool.dataprotection.kubeblocks.io/tar created\nbackuppolicy.dataprotection.kubeblocks.io/db created\n", out)

	r := must(t, s.env, "create", "backup", "--policy", "db", "--name", "b1", "--wait", "--timeout", "1m")
	assert.Contains(t, r.stdout, "backup.dataprotection.kubeblocks.io/b1 created\n")
	assert.Contains(t, r.stdout, "backup default/b1 Completed in ")
	assert.Contains(t, r.stderr, "backup default/b1: InProgress")
	assert.Contains(t, r.stderr, "backup default/b1: Completed")

	rows := table(t, must(t, s.env, "get", "backups").stdout)
	require.Len(t, rows, 1)
	assert.Equal(t, "b1", rows[0]["NAME"])
	assert.Equal(t, "db", rows[0]["POLICY"])
	assert.Equal(t, "datafile", rows[0]["TYPE"])
	assert.Equal(t, "Completed", rows[0]["STATUS"])
	assert.NotEmpty(t, rows[0]["TOTAL-SIZE"])
	assert.NotEmpty(t, rows[0]["DURATION"])
	assert.NotEmpty(t, rows[0]["COMPLETION-TIME"])

	checkJSONRoundTrip(t, s)

	desc := must(t, s.env, "describe", "backup", "b1").stdout
	for _, want := range []string{"Name:", "b1", "Phase:", "Completed", "Backup Tool:", "tar", "Checksum:", "sha256:", "Events:"} {
		assert.Contains(t, desc, want)
	}

	logs := must(t, s.env, "logs", "b1").stdout
	assert.Contains(t, logs, "archived "+s.path("db")+" as [REDACTED]") // the user comes from the secret
	asJSON := must(t, s.env, "get", "backup", "b1", "-o", "json").stdout
	assert.Contains(t, asJSON, `"`+v1alpha1.AnnotationTasks+`": "[{\"id\":\"b1-`, "the tasks that logs read, recorded by the engine")
	assert.Contains(t, asJSON, `"`+v1alpha1.AnnotationDataPath+`": "`+s.path("backups/backup-data/default/b1")+`"`,
		"where the data is on disk")

	r = must(t, s.env, "restore", "b1", "--target-selector", "app=copy", "--name", "r1", "--wait")
	assert.Contains(t, r.stdout, "restorejob default/r1 Completed")
	assertSameTree(t, s.path("db"), s.path("copy"))
	assert.Contains(t, must(t, s.env, "logs", "restorejob", "r1").stdout, "restored")

	backupDir := s.path("backups/backup-data/default/b1")
	require.DirExists(t, backupDir)
	r = must(t, s.env, "delete", "backup", "b1", "--wait")
	assert.Contains(t, r.stdout, "backup.dataprotection.kubeblocks.io/b1 deleted")
	assert.NoDirExists(t, backupDir)
	assert.Equal(t, 1, dpctl(t, s.env, "", "get", "backup", "b1").code)
}

// checkJSONRoundTrip checks that get -o json prints the stored object, in
// a form the strict decoder reads back.
func checkJSONRoundTrip(t *testing.T, s *site) {
	out := must(t, s.env, "get", "backup", "b1", "-o", "json").stdout
	obj, err := v1alpha1.Decode([]byte(out))
	require.NoError(t, err)
	st, err := bolt.New(s.path("dp.db"), bolt.Options{})
	require.NoError(t, err)
	stored, err := st.Backups().Get(t.Context(), "default", "b1")
	require.NoError(t, st.Close())
	require.NoError(t, err)
	stored.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind("Backup"))
	want, err := json.Marshal(stored)
	require.NoError(t, err)
	got, err := json.Marshal(obj)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))

	list := must(t, s.env, "get", "backups", "-o", "yaml").stdout
	assert.True(t, strings.HasPrefix(list, "apiVersion: v1\nitems:\n"), list)
	assert.Equal(t, "backup.dataprotection.kubeblocks.io/b1\n", must(t, s.env, "get", "backups", "-o", "name").stdout)
}

// assertSameTree checks that two directory trees hold the same files.
func assertSameTree(t *testing.T, a, b string) {
	t.Helper()
	n := 0
	require.NoError(t, filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		require.NoError(t, err, "restored %s", rel)
		assert.True(t, bytes.Equal(x, y), "restored %s differs", rel)
		n++
		return nil
	}))
	require.Positive(t, n)
}
