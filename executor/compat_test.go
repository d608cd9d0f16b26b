package executor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestToolWithoutBackupCommandsFailsTheBackupWithAReason: a policy whose
// tool has backupCommands: [] is Available (upstream accepted the tool), and
// a datafile Backup with it fails when it runs, with a reason and a Warning
// event that say why.
func TestToolWithoutBackupCommandsFailsTheBackupWithAReason(t *testing.T) {
	h := newHarness(t, nil)
	tl := tool()
	tl.Spec.BackupCommands = []string{}
	_, err := h.store.BackupTools().Create(h.ctx, tl)
	require.NoError(t, err)
	_, err = h.store.BackupPolicies().Create(h.ctx, backupPolicy())
	require.NoError(t, err)
	_, err = h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: ns, Name: "pg"})
	require.NoError(t, err)
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)

	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	assert.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Equal(t, `BackupTool "pg-tool" has no backupCommands: it cannot make a full datafile backup`, b.Status.FailureReason)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning NoBackupCommands BackupTool \"pg-tool\" has no backupCommands")
	assert.Empty(t, h.driver.Started(), "nothing ran")
}
