package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestValidateFullManifestIsAvailable(t *testing.T) {
	f := load(t)

	got := policy.Validate(f.policy, f.inputs())

	assert.Equal(t, v1alpha1.PolicyAvailable, got.Phase)
	assert.Empty(t, got.Reason)
	assert.Empty(t, got.Errors)
}

// validateCase changes the full policy, or Validate's inputs, and says
// which problems Validate reports: want[i] is a part of the i-th problem,
// and an empty want means the policy stays Available.
type validateCase struct {
	name   string
	policy func(p *v1alpha1.BackupPolicy)
	inputs func(in *policy.Inputs)
	want   []string
}

func runValidateCases(t *testing.T, tests []validateCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			in := f.inputs()
			if tt.policy != nil {
				tt.policy(f.policy)
			}
			if tt.inputs != nil {
				tt.inputs(&in)
			}

			got := policy.Validate(f.policy, in)

			if len(tt.want) == 0 {
				assert.Equal(t, v1alpha1.PolicyAvailable, got.Phase, got.Reason)
				assert.Empty(t, got.Reason)
				return
			}
			assert.Equal(t, v1alpha1.PolicyFailed, got.Phase)
			require.Len(t, got.Errors, len(tt.want), got.Reason)
			for i, w := range tt.want {
				assert.Contains(t, got.Errors[i].Error(), w)
				assert.Contains(t, got.Reason, got.Errors[i].Error())
			}
		})
	}
}

func TestValidatePolicyFields(t *testing.T) {
	runValidateCases(t, []validateCase{
		{
			name:   "retention.ttl that is not a number and a unit fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Retention.TTL = ref("1w") },
			want:   []string{`spec.retention.ttl: Invalid value: "1w"`},
		},
		{
			name:   "retention.ttl with the unit first fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Retention.TTL = ref("d7") },
			want:   []string{`spec.retention.ttl: Invalid value: "d7"`},
		},
		{
			name:   "retention.ttl in hours with an upper-case unit is fine",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Retention.TTL = ref("36H") },
		},
		{
			name:   "retention without a ttl keeps backups forever and is fine",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Retention = &v1alpha1.RetentionSpec{} },
		},
		{
			name:   "schedule.datafile.cronExpression that does not parse fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Schedule.Datafile.CronExpression = "61 * * * *" },
			want:   []string{`spec.schedule.datafile.cronExpression: Invalid value: "61 * * * *"`},
		},
		{
			name:   "schedule.logfile.cronExpression that never fires fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Schedule.Logfile.CronExpression = "0 0 30 2 *" },
			want:   []string{`spec.schedule.logfile.cronExpression: Invalid value: "0 0 30 2 *": invalid cron expression "0 0 30 2 *": it never fires`},
		},
		{
			name: "schedule.snapshot.cronExpression is checked even when the schedule is disabled",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Schedule.Snapshot = &v1alpha1.SchedulePolicy{CronExpression: "TZ=UTC 0 3 * * *"}
			},
			want: []string{`spec.schedule.snapshot.cronExpression: Invalid value: "TZ=UTC 0 3 * * *": invalid cron expression "TZ=UTC 0 3 * * *": time zones are not allowed`},
		},
		{
			name: "schedule.snapshot.enable without a snapshot policy fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Snapshot = nil
				p.Spec.Schedule.Snapshot.Enable = true
			},
			want: []string{"spec.snapshot: Required value: an enabled snapshot schedule needs a snapshot policy"},
		},
		{
			name:   "a disabled schedule without its policy is fine",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Snapshot = nil },
		},
		{
			name: "schedule.datafile.enable without a datafile policy fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Datafile = nil
			},
			want: []string{"spec.datafile: Required value: an enabled datafile schedule needs a datafile policy"},
		},
		{
			name:   "a policy with no schedule is fine: backups are made on demand",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Schedule = nil },
		},
		{
			name: "snapshot.target.labelsSelector with an unknown operator fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Snapshot.Target.LabelsSelector.MatchExpressions = []metav1.LabelSelectorRequirement{
					{Key: "role", Operator: "Near", Values: []string{"primary"}}}
			},
			want: []string{"spec.snapshot.target.labelsSelector.matchExpressions[0].operator"},
		},
		{
			name:   "datafile.target.labelsSelector with an invalid label value fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.Target.LabelsSelector.MatchLabels["app"] = "pg/1" },
			want:   []string{"spec.datafile.target.labelsSelector.matchLabels"},
		},
		{
			name:   "logfile.target.labelsSelector missing fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Logfile.Target.LabelsSelector = nil },
			want:   []string{"spec.logfile.target.labelsSelector: Required value"},
		},
		{
			name:   "datafile.target.secret.name that is not a name fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.Target.Secret.Name = "PG_Secret" },
			want:   []string{`spec.datafile.target.secret.name: Invalid value: "PG_Secret"`, `spec.datafile.target.secret.name: Not found: "PG_Secret"`},
		},
		{
			name:   "datafile.target.secret naming a secret that does not exist fails the policy",
			inputs: func(in *policy.Inputs) { in.SecretKeys = map[string][]string{"other": {"username"}} },
			want: []string{`spec.snapshot.target.secret.name: Not found: "pg-secret"`,
				`spec.datafile.target.secret.name: Not found: "pg-secret"`,
				`spec.logfile.target.secret.name: Not found: "pg-secret"`},
		},
		{
			name:   "datafile.target.secret.usernameKey the secret does not hold fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.Target.Secret.UsernameKey = "login" },
			want:   []string{`spec.datafile.target.secret.usernameKey: Invalid value: "login": secret "pg-secret" has no key "login"`},
		},
		{
			name:   "snapshot.target.secret.passwordKey the secret does not hold fails the policy",
			inputs: func(in *policy.Inputs) { in.SecretKeys["pg-secret"] = []string{"username", "password", "user"} },
			want:   []string{`spec.snapshot.target.secret.passwordKey: Invalid value: "pass": secret "pg-secret" has no key "pass"`},
		},
		{
			name:   "secrets are not checked when the host cannot read them",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.Target.Secret.UsernameKey = "login" },
			inputs: func(in *policy.Inputs) { in.SecretKeys = nil },
		},
		{
			name: "a policy without secrets connects without credentials and is fine",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Snapshot.Target.Secret, p.Spec.Datafile.Target.Secret, p.Spec.Logfile.Target.Secret = nil, nil, nil
			},
			inputs: func(in *policy.Inputs) { in.SecretKeys = map[string][]string{} },
		},
		{
			// backupsHistoryLimit is enforced by the retention package and
			// onFailAttempted by the executor; Validate only bounds them.
			name:   "snapshot.backupsHistoryLimit below zero fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Snapshot.BackupsHistoryLimit = ref[int32](-1) },
			want:   []string{"spec.snapshot.backupsHistoryLimit: Invalid value: -1"},
		},
		{
			name:   "datafile.backupsHistoryLimit of zero means no limit and is fine",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupsHistoryLimit = ref[int32](0) },
		},
		{
			name:   "logfile.onFailAttempted below zero fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Logfile.OnFailAttempted = -2 },
			want:   []string{"spec.logfile.onFailAttempted: Invalid value: -2"},
		},
		{
			name:   "datafile.backupStatusUpdates path that is not field names fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupStatusUpdates[0].Path = "manifests..backupTool" },
			want:   []string{`spec.datafile.backupStatusUpdates[0].path: Invalid value: "manifests..backupTool"`},
		},
		{
			name:   "snapshot.backupStatusUpdates without a script fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Snapshot.BackupStatusUpdates[0].Script = "" },
			want:   []string{"spec.snapshot.backupStatusUpdates[0].script: Required value"},
		},
		{
			name:   "logfile.backupStatusUpdates updateStage other than pre or post fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Logfile.BackupStatusUpdates[0].UpdateStage = "during" },
			want:   []string{`spec.logfile.backupStatusUpdates[0].updateStage: Unsupported value: "during"`},
		},
		{
			name: "backupStatusUpdates without a path or a stage write status after the backup and are fine",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Datafile.BackupStatusUpdates[0].Path, p.Spec.Datafile.BackupStatusUpdates[0].UpdateStage = "", ""
			},
		},
		{
			name:   "datafile.persistentVolumeClaim.name that is not a name fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.PersistentVolumeClaim.Name = "Not_A_Claim" },
			want:   []string{"spec.datafile.persistentVolumeClaim.name: Invalid value"},
		},
		{
			name: "datafile.persistentVolumeClaim.initCapacity of zero fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Datafile.PersistentVolumeClaim.InitCapacity = ref(resource.MustParse("0"))
			},
			want: []string{`spec.datafile.persistentVolumeClaim.initCapacity: Invalid value: "0": must be positive`},
		},
		{
			name:   "datafile.persistentVolumeClaim.createPolicy other than IfNotPresent or Never fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.PersistentVolumeClaim.CreatePolicy = "Always" },
			want:   []string{`spec.datafile.persistentVolumeClaim.createPolicy: Unsupported value: "Always"`},
		},
		{
			name: "persistentVolumeClaim.storageClassName together with a persistentVolumeConfigMap is valid, as upstream",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Logfile.PersistentVolumeClaim.StorageClassName = ref("standard")
			},
		},
		{
			name: "logfile.persistentVolumeClaim.persistentVolumeConfigMap without a namespace fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Logfile.PersistentVolumeClaim.PersistentVolumeConfigMap.Namespace = ""
			},
			want: []string{"spec.logfile.persistentVolumeClaim.persistentVolumeConfigMap.namespace: Required value"},
		},
		{
			name: "logfile.persistentVolumeClaim.persistentVolumeConfigMap name that is not a name fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Logfile.PersistentVolumeClaim.PersistentVolumeConfigMap.Name = "PV template"
			},
			want: []string{`spec.logfile.persistentVolumeClaim.persistentVolumeConfigMap.name: Invalid value: "PV template"`},
		},
		{
			name:   "logfile.backupToolName naming no BackupTool fails the policy",
			inputs: func(in *policy.Inputs) { delete(in.Tools, walTool) },
			want:   []string{`spec.logfile.backupToolName: Not found: "pg-wal-archive"`},
		},
		{
			name:   "datafile.backupToolName missing fails the policy",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupToolName = "" },
			want:   []string{"spec.datafile.backupToolName: Required value", `spec.datafile.backupToolName: Not found: ""`},
		},
	})
}

func TestValidateToolFields(t *testing.T) {
	tool := func(edit func(s *v1alpha1.BackupToolSpec)) func(in *policy.Inputs) {
		return func(in *policy.Inputs) {
			c := in.Tools[toolName].DeepCopy()
			edit(&c.Spec)
			in.Tools[toolName] = c
		}
	}
	runValidateCases(t, []validateCase{
		{
			name:   "an empty image is valid: the target's image is used, as upstream",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.Image = "" }),
		},
		{
			name:   "deployKind other than job or daemon makes the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.DeployKind = "statefulSet" }),
			want:   []string{`BackupTool is invalid: spec.deployKind: Unsupported value: "statefulSet"`},
		},
		{
			name:   "type other than file or pitr makes the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.Type = "full" }),
			want:   []string{`BackupTool is invalid: spec.type: Unsupported value: "full"`},
		},
		{
			name:   "type pitr for a datafile policy is fine: the type only describes the tool",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.Type = v1alpha1.ToolTypePITR }),
		},
		{
			name:   "an empty backupCommands is valid, as upstream: a full backup fails when it runs",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.BackupCommands = []string{} }),
		},
		{
			name:   "an empty incrementalBackupCommands entry makes the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.IncrementalBackupCommands = []string{""} }),
			want:   []string{"spec.incrementalBackupCommands[0]: Invalid value"},
		},
		{
			name: "physical incrementalRestoreCommands without restoreCommands make the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) {
				s.Physical = v1alpha1.BackupToolRestoreCommand{IncrementalRestoreCommands: []string{"replay"}}
			}),
			want: []string{"spec.physical.restoreCommands: Required value"},
		},
		{
			name:   "logical restore commands that are empty make the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.Logical.RestoreCommands = []string{""} }),
			want:   []string{"spec.logical.restoreCommands[0]: Invalid value"},
		},
		{
			name:   "env redefining a variable the engine sets makes the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.Env[0].Name = "BACKUP_DIR" }),
			want:   []string{"spec.env[0].name: Forbidden: BACKUP_DIR is set by the engine"},
		},
		{
			name:   "envFrom naming neither a ConfigMap nor a Secret makes the tool invalid",
			inputs: tool(func(s *v1alpha1.BackupToolSpec) { s.EnvFrom[0].ConfigMapRef = nil }),
			want:   []string{"spec.envFrom[0]: Invalid value"},
		},
	})
}

func TestValidateDriverCapabilities(t *testing.T) {
	without := func(name string, k drivers.TaskKind) func(in *policy.Inputs) {
		return func(in *policy.Inputs) {
			c := in.Drivers[name]
			c.Kinds = nil
			for _, kind := range drivers.TaskKinds {
				if kind != k {
					c.Kinds = append(c.Kinds, kind)
				}
			}
			in.Drivers[name] = c
		}
	}
	runValidateCases(t, []validateCase{
		{
			name:   "a tool's driver annotation naming no registered driver fails the policy",
			inputs: func(in *policy.Inputs) { delete(in.Drivers, "local") },
			want: []string{`spec.datafile.backupToolName: Invalid value: "pg-basebackup": the BackupTool's annotation ` +
				`dataprotection.kubeblocks.io/driver selects the driver "local", but no driver is registered as "local" ` +
				`(registered: daemon, job, snapshot)`,
				`spec.datafile.backupStatusUpdates: Invalid value: "pg-basebackup": the BackupTool's annotation`},
		},
		{
			name:   "the driver annotation wins over deployKind: the job driver is not needed",
			inputs: func(in *policy.Inputs) { delete(in.Drivers, drivers.NameJob) },
		},
		{
			name:   "deployKind daemon needs a driver registered as daemon",
			inputs: func(in *policy.Inputs) { delete(in.Drivers, drivers.NameDaemon) },
			want: []string{`spec.logfile.backupToolName: Invalid value: "pg-wal-archive": the BackupTool's spec.deployKind ` +
				`selects the driver "daemon", but no driver is registered as "daemon" (registered: job, local, snapshot)`,
				`spec.logfile.backupStatusUpdates: Invalid value: "pg-wal-archive": the BackupTool's spec.deployKind`},
		},
		{
			name: "a driver that cannot run the backup type fails the policy",
			inputs: func(in *policy.Inputs) {
				in.Drivers[drivers.NameDaemon] = drivers.Capabilities{Kinds: drivers.TaskKinds,
					BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile}}
			},
			want: []string{`spec.logfile.backupToolName: Invalid value: "pg-wal-archive": the BackupTool's spec.deployKind ` +
				`selects the driver "daemon", but driver "daemon" does not run backup tasks of logfile backups`,
				`spec.logfile.backupStatusUpdates: Invalid value: "pg-wal-archive": the BackupTool's spec.deployKind ` +
					`selects the driver "daemon", but driver "daemon" does not run status-update tasks of logfile backups`},
		},
		{
			name:   "a snapshot policy needs a snapshot driver",
			inputs: func(in *policy.Inputs) { delete(in.Drivers, drivers.NameSnapshot) },
			want: []string{`spec.snapshot: Invalid value: "snapshot": the backup type snapshot selects the driver "snapshot", ` +
				`but no driver is registered as "snapshot" (registered: daemon, job, local)`,
				`spec.snapshot.hooks: Invalid value: "snapshot"`, `spec.snapshot.backupStatusUpdates: Invalid value: "snapshot"`},
		},
		{
			name:   "snapshot hooks need a snapshot driver that runs hooks",
			inputs: without(drivers.NameSnapshot, drivers.KindHook),
			want:   []string{`spec.snapshot.hooks: Invalid value: "snapshot": the backup type snapshot selects the driver "snapshot", but driver "snapshot" does not run hook tasks of snapshot backups`},
		},
		{
			name: "snapshot hooks without commands need no hook capability",
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Snapshot.Hooks.PreCommands, p.Spec.Snapshot.Hooks.PostCommands = nil, nil
			},
			inputs: without(drivers.NameSnapshot, drivers.KindHook),
		},
		{
			name:   "datafile backupStatusUpdates need a driver that runs status updates",
			inputs: without("local", drivers.KindStatusUpdate),
			want:   []string{`spec.datafile.backupStatusUpdates: Invalid value: "pg-basebackup": the BackupTool's annotation dataprotection.kubeblocks.io/driver selects the driver "local", but driver "local" does not run status-update tasks of datafile backups`},
		},
		{
			name:   "a policy without status updates needs no status-update capability",
			policy: func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupStatusUpdates = nil },
			inputs: without("local", drivers.KindStatusUpdate),
		},
	})
}

func TestValidateReasonListsEveryProblemWithItsPath(t *testing.T) {
	f := load(t)
	f.policy.Spec.Retention.TTL = ref("forever")
	f.policy.Spec.Datafile.OnFailAttempted = -1

	got := policy.Validate(f.policy, f.inputs())

	require.Len(t, got.Errors, 2)
	parts := strings.Split(got.Reason, "; ")
	require.Len(t, parts, 2)
	assert.True(t, strings.HasPrefix(parts[0], "spec.retention.ttl: "), parts[0])
	assert.True(t, strings.HasPrefix(parts[1], "spec.datafile.onFailAttempted: "), parts[1])
}

func TestValidateUnavailableDriverFailsOnlyItsTypesForNow(t *testing.T) {
	f := load(t)
	in := f.inputs()
	in.UnavailableDrivers = map[string]error{"local": errors.New("the plugin manager is closed")}
	delete(in.Drivers, "local")

	got := policy.Validate(f.policy, in)

	assert.Equal(t, v1alpha1.PolicyFailed, got.Phase)
	assert.True(t, got.Retry, "the verdict is computed again once the driver answers")
	require.Len(t, got.Errors, 2, got.Reason)
	assert.Contains(t, got.Errors[0].Error(), `spec.datafile.backupToolName: Invalid value: "pg-basebackup": the BackupTool's annotation `+
		`dataprotection.kubeblocks.io/driver selects the driver "local", which is unavailable (retrying): the plugin manager is closed`)

	in.UnavailableDrivers = map[string]error{"nobody-uses-it": errors.New("down")}
	in.Drivers["local"] = f.inputs().Drivers["local"]
	got = policy.Validate(f.policy, in)
	assert.Equal(t, v1alpha1.PolicyAvailable, got.Phase, got.Reason)
	assert.False(t, got.Retry)
}

// TestValidateTTLUpstreamReadAsZeroIsANote: a ttl that upstream accepted
// but read as 0 leaves the policy Available, with a note (TTLIgnored, in
// Reason) that its ttl retention is off.
func TestValidateTTLUpstreamReadAsZeroIsANote(t *testing.T) {
	for _, ttl := range []string{"7|", "0d", "0h", "99999999999999999999d"} {
		t.Run(ttl, func(t *testing.T) {
			f := load(t)
			f.policy.Spec.Retention.TTL = ref(ttl)

			got := policy.Validate(f.policy, f.inputs())

			assert.Equal(t, v1alpha1.PolicyAvailable, got.Phase, got.Reason)
			assert.Empty(t, got.Errors)
			assert.Empty(t, got.Unavailable)
			assert.True(t, strings.HasPrefix(got.TTLIgnored, `spec.retention.ttl: invalid ttl "`+ttl+`"`), got.TTLIgnored)
			assert.Contains(t, got.TTLIgnored, "ttl retention is off")
			assert.Equal(t, got.TTLIgnored, got.Reason)
		})
	}
	f := load(t)
	f.policy.Spec.Retention.TTL = ref("7d")
	assert.Empty(t, policy.Validate(f.policy, f.inputs()).TTLIgnored)
}
