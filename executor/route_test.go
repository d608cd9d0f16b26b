package executor_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestRouteRequestsWhatAChangeConcerns(t *testing.T) {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: "demo", Name: name} }
	b1 := &v1alpha1.Backup{ObjectMeta: meta("b1"), Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg"}}
	req := func(k executor.Kind, name string) executor.Request {
		return executor.Request{Kind: k, Key: types.NamespacedName{Namespace: "demo", Name: name}}
	}
	backupAndPolicy := []executor.Request{req(executor.KindBackup, "b1"), req(executor.KindBackupPolicy, "pg")}
	tests := []struct {
		name     string
		old, obj any
		want     []executor.Request
	}{
		{"a new Backup concerns itself and its policy", nil, b1, backupAndPolicy},
		{"a Backup whose phase did not change concerns only itself", b1, withStatus(b1, v1alpha1.BackupStatus{TotalSize: "1Ki"}),
			[]executor.Request{req(executor.KindBackup, "b1")}},
		{"a Backup whose phase changed concerns itself and its policy", b1,
			withStatus(b1, v1alpha1.BackupStatus{Phase: v1alpha1.BackupInProgress}), backupAndPolicy},
		{"a change of a Backup's protection concerns its policy", b1, withLabel(b1, v1alpha1.LabelBackupProtection), backupAndPolicy},
		{"a Backup marked for deletion concerns its policy", b1, deleting(b1), backupAndPolicy},
		{"a Backup moved to another policy concerns both", b1, withPolicy(b1, "mysql"),
			[]executor.Request{req(executor.KindBackup, "b1"), req(executor.KindBackupPolicy, "mysql"), req(executor.KindBackupPolicy, "pg")}},
		{"a changed Backup of unknown previous state concerns its policy", nil, withStatus(b1, v1alpha1.BackupStatus{TotalSize: "1Ki"}), backupAndPolicy},
		{"a deleted Backup concerns itself and its policy", b1, nil, backupAndPolicy},
		{"a deleted Backup seen late (a tombstone)", cache.DeletedFinalStateUnknown{Key: "demo/b1", Obj: b1}, nil, backupAndPolicy},
		{"a tombstone passed by pointer", &cache.DeletedFinalStateUnknown{Key: "demo/b1", Obj: b1}, nil, backupAndPolicy},
		{"a nil pointer stands for no object", b1, (*v1alpha1.Backup)(nil), backupAndPolicy},
		{"a Backup that names no policy concerns only itself", nil,
			&v1alpha1.Backup{ObjectMeta: meta("b2")}, []executor.Request{req(executor.KindBackup, "b2")}},
		{"a BackupPolicy concerns itself", nil, &v1alpha1.BackupPolicy{ObjectMeta: meta("pg")},
			[]executor.Request{req(executor.KindBackupPolicy, "pg")}},
		{"a BackupPolicy whose status only changed concerns nothing (the engine wrote it)",
			&v1alpha1.BackupPolicy{ObjectMeta: meta("pg")},
			&v1alpha1.BackupPolicy{ObjectMeta: meta("pg"), Status: v1alpha1.BackupPolicyStatus{Phase: v1alpha1.PolicyAvailable}}, nil},
		{"a BackupPolicy whose spec changed concerns itself", &v1alpha1.BackupPolicy{ObjectMeta: meta("pg")},
			&v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "pg", Generation: 2}},
			[]executor.Request{req(executor.KindBackupPolicy, "pg")}},
		{"a RestoreJob concerns itself", nil, &v1alpha1.RestoreJob{ObjectMeta: meta("r1")},
			[]executor.Request{req(executor.KindRestoreJob, "r1")}},
		{"a BackupTool concerns nothing without Policies", nil, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool"}}, nil},
		{"another kind concerns nothing", nil, &corev1.Pod{ObjectMeta: meta("pg-0")}, nil},
		{"nothing concerns nothing", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := executor.Router{}.Route(context.Background(), tt.old, tt.obj)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func withStatus(b *v1alpha1.Backup, s v1alpha1.BackupStatus) *v1alpha1.Backup {
	out := b.DeepCopy()
	out.Status = s
	return out
}

func withLabel(b *v1alpha1.Backup, label string) *v1alpha1.Backup {
	out := b.DeepCopy()
	out.Labels = map[string]string{label: "Retain"}
	return out
}

func deleting(b *v1alpha1.Backup) *v1alpha1.Backup {
	out := b.DeepCopy()
	now := metav1.Now()
	out.DeletionTimestamp = &now
	return out
}

func withPolicy(b *v1alpha1.Backup, policy string) *v1alpha1.Backup {
	out := b.DeepCopy()
	out.Spec.BackupPolicyName = policy
	return out
}

func TestRouteAToolChangeToThePoliciesPoliciesReturns(t *testing.T) {
	pg := types.NamespacedName{Namespace: "demo", Name: "pg"}
	var asked string
	r := executor.Router{Policies: func(_ context.Context, tool string) ([]types.NamespacedName, error) {
		asked = tool
		return []types.NamespacedName{pg}, errors.New("partial list")
	}}
	got, err := r.Route(context.Background(), nil, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "pg-basebackup"}})
	require.EqualError(t, err, "partial list", "the error of Policies comes back")
	assert.Equal(t, "pg-basebackup", asked)
	assert.Equal(t, []executor.Request{{Kind: executor.KindBackupPolicy, Key: pg}}, got, "with the requests found")
}

func TestRequestAndKindPrintAsKindAndKey(t *testing.T) {
	r := executor.Request{Kind: executor.KindRestoreJob, Key: types.NamespacedName{Namespace: "demo", Name: "r1"}}
	assert.Equal(t, "RestoreJob demo/r1", r.String())
	assert.Equal(t, "Kind(7)", executor.Kind(7).String())
}

func TestReconcileHandsARequestToTheMethodOfItsKind(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.store.BackupTools().Create(h.ctx, tool())
	require.NoError(t, err)
	_, err = h.store.BackupPolicies().Create(h.ctx, backupPolicy())
	require.NoError(t, err)
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	key := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: name} }

	_, err = h.ex.Reconcile(h.ctx, executor.Request{Kind: executor.KindBackupPolicy, Key: key("pg")})
	require.NoError(t, err)
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, "the policy was validated")

	before := h.getBackup("b1").ResourceVersion
	_, err = h.ex.Reconcile(h.ctx, executor.Request{Kind: executor.KindBackup, Key: key("b1")})
	require.NoError(t, err)
	assert.NotEqual(t, before, h.getBackup("b1").ResourceVersion, "the backup took a step")

	_, err = h.ex.Reconcile(h.ctx, executor.Request{Kind: executor.KindRestoreJob, Key: key("missing")})
	require.NoError(t, err, "a missing RestoreJob is not an error")

	_, err = h.ex.Reconcile(h.ctx, executor.Request{Kind: executor.Kind(9), Key: key("b1")})
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
}
