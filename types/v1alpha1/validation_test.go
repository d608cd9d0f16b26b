package v1alpha1_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func validate(obj runtime.Object) field.ErrorList {
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		return v1alpha1.ValidateBackup(o)
	case *v1alpha1.BackupPolicy:
		return v1alpha1.ValidateBackupPolicy(o)
	case *v1alpha1.BackupTool:
		return v1alpha1.ValidateBackupTool(o)
	case *v1alpha1.RestoreJob:
		return v1alpha1.ValidateRestoreJob(o)
	}
	panic("unknown kind")
}

func TestGoldenManifestIsValid(t *testing.T) {
	for _, obj := range decodeGolden(t) {
		v1alpha1.SetDefaults(obj)
		require.Empty(t, validate(obj), "%T", obj)
	}
}

func TestDecodeRejectsBadManifestsNamingTheField(t *testing.T) {
	cases := []struct {
		name, manifest, want string
	}{
		{"unknown spec field", "kind: Backup\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nspec:\n  backupPolicyName: p\n  foo: 1\n", `unknown field "spec.foo"`},
		{"unknown nested field", "kind: BackupPolicy\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nspec:\n  retention:\n    ttl: 7d\n    keep: 3\n", `unknown field "spec.retention.keep"`},
		{"lower-case checkpoint is not the upstream name", "kind: Backup\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nstatus:\n  manifests:\n    backupTool:\n      checkpoint: x\n", `unknown field "status.manifests.backupTool.checkpoint"`},
		{"duplicate field", "kind: Backup\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nspec:\n  backupType: datafile\n  backupType: logfile\n", `backupType`},
		{"foreign kind", "kind: Pod\napiVersion: v1\n", `no kind "Pod"`},
		{"missing kind", "apiVersion: dataprotection.kubeblocks.io/v1alpha1\n", `Kind`},
		{"wrong field type", "kind: BackupPolicy\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nspec:\n  datafile:\n    backupsHistoryLimit: seven\n", `backupsHistoryLimit`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v1alpha1.Decode([]byte(tc.manifest))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestDecodeAllNamesTheFailingDocument(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	data = append(data, []byte("---\nkind: Backup\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nspec:\n  bogus: true\n")...)
	_, err = v1alpha1.DecodeAll(bytes.NewReader(data))
	require.ErrorContains(t, err, "document 4")
	require.ErrorContains(t, err, `unknown field "spec.bogus"`)
}

func TestDecodeIntoChecksTheKind(t *testing.T) {
	var tool v1alpha1.BackupTool
	err := v1alpha1.DecodeInto([]byte("kind: Backup\napiVersion: dataprotection.kubeblocks.io/v1alpha1\n"), &tool)
	require.Error(t, err)
	var b v1alpha1.Backup
	require.NoError(t, v1alpha1.DecodeInto([]byte("kind: Backup\napiVersion: dataprotection.kubeblocks.io/v1alpha1\nmetadata: {name: x}\n"), &b))
	require.Equal(t, "x", b.Name)
}

// golden returns the decoded, defaulted golden object of type T.
func golden[T runtime.Object](t *testing.T) T {
	t.Helper()
	for _, obj := range decodeGolden(t) {
		if o, ok := obj.(T); ok {
			v1alpha1.SetDefaults(o)
			return o
		}
	}
	t.Fatalf("no %T in golden file", *new(T))
	return *new(T)
}

func TestValidateRejectsBadFieldsWithTheirPath(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(b *v1alpha1.Backup, p *v1alpha1.BackupPolicy, tool *v1alpha1.BackupTool, r *v1alpha1.RestoreJob) runtime.Object
		path   string
		detail string
	}{
		{"backup name not DNS-1123", func(b *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			b.Name = "Bad_Name"
			return b
		}, "metadata.name", "lowercase"},
		{"backup type outside the enum", func(b *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			b.Spec.BackupType = "full"
			return b
		}, "spec.backupType", "supported values"},
		{"backup policy name missing", func(b *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			b.Spec.BackupPolicyName = ""
			return b
		}, "spec.backupPolicyName", "Required"},
		{"a backup is its own parent", func(b *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			b.Spec.ParentBackupName = b.Name
			return b
		}, "spec.parentBackupName", "own parent"},
		{"a snapshot backup with a parent", func(b *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			b.Spec.BackupType = v1alpha1.BackupTypeSnapshot
			return b
		}, "spec.parentBackupName", "only datafile"},
		{"ttl without a unit", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Retention.TTL = ptr("7")
			return p
		}, "spec.retention.ttl", "invalid ttl"},
		{"ttl with another unit", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Retention.TTL = ptr("7x")
			return p
		}, "spec.retention.ttl", "invalid ttl"},
		{"ttl with the unit first", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Retention.TTL = ptr("d7")
			return p
		}, "spec.retention.ttl", "invalid ttl"},
		{"cron with six fields", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Schedule.Datafile.CronExpression = "0 0 1 * * *"
			return p
		}, "spec.schedule.datafile.cronExpression", "invalid cron"},
		{"cron that never fires", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Schedule.Logfile.CronExpression = "0 0 30 2 *"
			return p
		}, "spec.schedule.logfile.cronExpression", "never fires"},
		{"cron with a time zone", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Schedule.Datafile.CronExpression = "CRON_TZ=Asia/Tokyo 0 1 * * *"
			return p
		}, "spec.schedule.datafile.cronExpression", "UTC"},
		{"enabled schedule without a policy for its type", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Logfile = nil
			return p
		}, "spec.logfile", "needs a logfile policy"},
		{"negative history limit", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Datafile.BackupsHistoryLimit = ptr[int32](-1)
			return p
		}, "spec.datafile.backupsHistoryLimit", "non-negative"},
		{"bad label selector operator", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Datafile.Target.LabelsSelector.MatchExpressions[0].Operator = "Near"
			return p
		}, "spec.datafile.target.labelsSelector.matchExpressions[0].operator", "Near"},
		{"secret without a password key", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Snapshot.Target.Secret.PasswordKey = ""
			return p
		}, "spec.snapshot.target.secret.passwordKey", "Required"},
		{"create policy outside the enum", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Datafile.PersistentVolumeClaim.CreatePolicy = "Always"
			return p
		}, "spec.datafile.persistentVolumeClaim.createPolicy", "supported values"},
		{"status update path with a bracket", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Datafile.BackupStatusUpdates[0].Path = "manifests[0]"
			return p
		}, "spec.datafile.backupStatusUpdates[0].path", "dot-separated"},
		{"status update stage outside the enum", func(_ *v1alpha1.Backup, p *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			p.Spec.Snapshot.BackupStatusUpdates[0].UpdateStage = "during"
			return p
		}, "spec.snapshot.backupStatusUpdates[0].updateStage", "supported values"},
		{"tool deploy kind outside the enum", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, tool *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			tool.Spec.DeployKind = "cronjob"
			return tool
		}, "spec.deployKind", "supported values"},
		{"tool type outside the enum", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, tool *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			tool.Spec.Type = "stream"
			return tool
		}, "spec.type", "supported values"},
		{"tool with an empty backup command", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, tool *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			tool.Spec.BackupCommands = []string{""}
			return tool
		}, "spec.backupCommands[0]", "must not be empty"},
		{"tool in a namespace", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, tool *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			tool.Namespace = "demo"
			return tool
		}, "metadata.namespace", "cluster-scoped"},
		{"tool env redefines BACKUP_DIR", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, tool *v1alpha1.BackupTool, _ *v1alpha1.RestoreJob) runtime.Object {
			tool.Spec.Env[0].Name = "BACKUP_DIR"
			return tool
		}, "spec.env[0].name", "set by the engine"},
		{"restore mount of an unknown volume", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, r *v1alpha1.RestoreJob) runtime.Object {
			r.Spec.TargetVolumeMounts[0].Name = "logs"
			return r
		}, "spec.targetVolumeMounts[0].name", "Not found"},
		{"restore mount path relative", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, r *v1alpha1.RestoreJob) runtime.Object {
			r.Spec.TargetVolumeMounts[0].MountPath = "data"
			return r
		}, "spec.targetVolumeMounts[0].mountPath", "absolute"},
		{"restore without a backup", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, r *v1alpha1.RestoreJob) runtime.Object {
			r.Spec.BackupJobName = ""
			return r
		}, "spec.backupJobName", "Required"},
		{"restore with negative retries", func(_ *v1alpha1.Backup, _ *v1alpha1.BackupPolicy, _ *v1alpha1.BackupTool, r *v1alpha1.RestoreJob) runtime.Object {
			r.Spec.OnFailAttempted = -2
			return r
		}, "spec.onFailAttempted", "non-negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := tc.mutate(golden[*v1alpha1.Backup](t), golden[*v1alpha1.BackupPolicy](t),
				golden[*v1alpha1.BackupTool](t), golden[*v1alpha1.RestoreJob](t))
			errs := validate(obj)
			require.NotEmpty(t, errs)
			var found bool
			for _, e := range errs {
				if e.Field == tc.path && strings.Contains(e.Error(), tc.detail) {
					found = true
				}
			}
			assert.True(t, found, "want an error at %s containing %q, got %v", tc.path, tc.detail, errs)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestValidateAcceptsTTLsUpstreamAccepted: a ttl that KubeBlocks v0.5's CRD
// pattern admitted but that is not a positive duration is valid; it turns
// retention off (ParseTTL's ErrTTLIgnored) rather than failing the policy.
func TestValidateAcceptsTTLsUpstreamAccepted(t *testing.T) {
	for _, ttl := range []string{"7|", "0d", "0h", "0|", "99999999999999999999d", "9999999D"} {
		t.Run(ttl, func(t *testing.T) {
			p := golden[*v1alpha1.BackupPolicy](t)
			p.Spec.Retention.TTL = ptr(ttl)
			require.Empty(t, v1alpha1.ValidateBackupPolicy(p))
		})
	}
}
