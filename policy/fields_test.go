package policy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// fieldEffects names, for every field of BackupPolicySpec and BackupToolSpec
// and of the API types inside them ("Type.jsonName", as spec/fields.tsv
// names them), the tests that show what the field does.
//
// backupsHistoryLimit and onFailAttempted are only bounded here: the
// retention package enforces the history limit and the executor retries
// failed runs. Schedules are only validated here: the schedule package and
// the executor run them. The tool's type is only validated: it describes
// the tool and changes no plan.
var fieldEffects = map[string][]string{
	"BackupPolicySpec.retention": {"TestValidatePolicyFields"},
	"BackupPolicySpec.schedule":  {"TestValidatePolicyFields"},
	"BackupPolicySpec.snapshot":  {"TestResolveBackupSnapshotWithHooks", "TestValidateDriverCapabilities"},
	"BackupPolicySpec.datafile":  {"TestResolveBackupDatafileRunsTheToolInOneTask", "TestResolveBackupErrors"},
	"BackupPolicySpec.logfile":   {"TestResolveBackupStorage", "TestResolveBackupChoosesTheDriver"},

	"RetentionSpec.ttl":             {"TestValidatePolicyFields"},
	"Schedule.snapshot":             {"TestValidatePolicyFields"},
	"Schedule.datafile":             {"TestValidatePolicyFields"},
	"Schedule.logfile":              {"TestValidatePolicyFields"},
	"SchedulePolicy.cronExpression": {"TestValidatePolicyFields"},
	"SchedulePolicy.enable":         {"TestValidatePolicyFields"},

	"BasePolicy.target":              {"TestValidatePolicyFields", "TestResolveBackupEnvironmentOrder"},
	"BasePolicy.backupsHistoryLimit": {"TestValidatePolicyFields"},
	"BasePolicy.onFailAttempted":     {"TestValidatePolicyFields"},
	"BasePolicy.backupStatusUpdates": {"TestResolveBackupStatusUpdatesRunInTheirStage", "TestValidateDriverCapabilities"},
	"TargetCluster.labelsSelector":   {"TestValidatePolicyFields", "TestSelectTarget"},
	"TargetCluster.secret":           {"TestResolveBackupSecretIsReferencedByItsKeys", "TestValidatePolicyFields"},
	"BackupPolicySecret.name":        {"TestResolveBackupSecretIsReferencedByItsKeys", "TestValidatePolicyFields"},
	"BackupPolicySecret.usernameKey": {"TestResolveBackupSecretIsReferencedByItsKeys", "TestValidatePolicyFields"},
	"BackupPolicySecret.passwordKey": {"TestResolveBackupSecretIsReferencedByItsKeys", "TestValidatePolicyFields"},

	"BackupStatusUpdate.path":          {"TestResolveBackupStatusUpdatesRunInTheirStage", "TestApplyStatusUpdateMerges", "TestValidatePolicyFields"},
	"BackupStatusUpdate.containerName": {"TestResolveBackupStatusUpdatesRunInTheirStage"},
	"BackupStatusUpdate.script":        {"TestResolveBackupStatusUpdatesRunInTheirStage", "TestValidatePolicyFields"},
	"BackupStatusUpdate.updateStage":   {"TestResolveBackupStatusUpdatesRunInTheirStage", "TestValidatePolicyFields"},

	"SnapshotPolicy.hooks":           {"TestResolveBackupSnapshotWithHooks", "TestResolveBackupSnapshotHooks"},
	"BackupPolicyHook.preCommands":   {"TestResolveBackupSnapshotWithHooks", "TestResolveBackupSnapshotHooks"},
	"BackupPolicyHook.postCommands":  {"TestResolveBackupSnapshotWithHooks", "TestResolveBackupSnapshotHooks"},
	"BackupPolicyHook.image":         {"TestResolveBackupSnapshotWithHooks", "TestResolveBackupSnapshotHooks"},
	"BackupPolicyHook.containerName": {"TestResolveBackupSnapshotWithHooks", "TestResolveBackupSnapshotHooks"},

	"CommonBackupPolicy.persistentVolumeClaim":        {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"CommonBackupPolicy.backupToolName":               {"TestValidatePolicyFields", "TestResolveBackupErrors"},
	"PersistentVolumeClaim.name":                      {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"PersistentVolumeClaim.storageClassName":          {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"PersistentVolumeClaim.initCapacity":              {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"PersistentVolumeClaim.createPolicy":              {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"PersistentVolumeClaim.persistentVolumeConfigMap": {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"PersistentVolumeConfigMap.name":                  {"TestResolveBackupStorage", "TestValidatePolicyFields"},
	"PersistentVolumeConfigMap.namespace":             {"TestResolveBackupStorage", "TestValidatePolicyFields"},

	"BackupToolSpec.image":                     {"TestResolveBackupDatafileRunsTheToolInOneTask", "TestValidateToolFields"},
	"BackupToolSpec.deployKind":                {"TestResolveBackupChoosesTheDriver", "TestValidateDriverCapabilities", "TestValidateToolFields"},
	"BackupToolSpec.type":                      {"TestValidateToolFields", "TestResolveBackupToolTypeDoesNotChangeThePlan"},
	"BackupToolSpec.resources":                 {"TestResolveBackupDatafileRunsTheToolInOneTask", "TestResolveBackupCopiesToolObjects", "TestResolveRestoreFullBackup"},
	"BackupToolSpec.env":                       {"TestResolveBackupExpandsToolEnv", "TestResolveBackupEnvironmentOrder", "TestValidateToolFields"},
	"BackupToolSpec.envFrom":                   {"TestResolveBackupDatafileRunsTheToolInOneTask", "TestResolveBackupCopiesToolObjects", "TestValidateToolFields"},
	"BackupToolSpec.backupCommands":            {"TestResolveBackupDatafileRunsTheToolInOneTask", "TestValidateToolFields"},
	"BackupToolSpec.incrementalBackupCommands": {"TestResolveBackupIncremental", "TestResolveBackupErrors"},
	"BackupToolSpec.physical":                  {"TestResolveRestorePhysicalAndLogical", "TestResolveRestoreFullBackup"},
	"BackupToolSpec.logical":                   {"TestResolveRestorePhysicalAndLogical", "TestResolveRestoreFullBackup"},

	"BackupToolRestoreCommand.restoreCommands":            {"TestResolveRestoreFullBackup", "TestResolveRestoreErrors"},
	"BackupToolRestoreCommand.incrementalRestoreCommands": {"TestResolveRestoreReplaysTheChain", "TestResolveRestoreErrors"},
}

func TestEveryPolicyAndToolFieldHasATestThatShowsItsEffect(t *testing.T) {
	fields := map[string]bool{}
	apiFields(reflect.TypeFor[v1alpha1.BackupPolicySpec](), fields)
	apiFields(reflect.TypeFor[v1alpha1.BackupToolSpec](), fields)
	tests := testNames(t)

	for f := range fields {
		assert.NotEmpty(t, fieldEffects[f], "field %s: name the test that shows what it does", f)
	}
	for f, names := range fieldEffects {
		assert.True(t, fields[f], "%s is not a field", f)
		for _, n := range names {
			assert.True(t, tests[n], "%s: no test %s", f, n)
		}
	}
}

// apiFields adds the fields of struct type t, and of the API structs inside
// it, as "Type.jsonName". The fields of an inline struct (BasePolicy) are
// its own, as in spec/fields.tsv.
func apiFields(t reflect.Type, out map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		inner := f.Type
		for inner.Kind() == reflect.Pointer || inner.Kind() == reflect.Slice {
			inner = inner.Elem()
		}
		isAPI := inner.Kind() == reflect.Struct && inner.PkgPath() == t.PkgPath()
		key := t.Name() + "." + name
		switch {
		case name == "" && isAPI:
			apiFields(inner, out)
		case name == "" || name == "-" || out[key]:
		default:
			out[key] = true
			if isAPI {
				apiFields(inner, out)
			}
		}
	}
}

// testNames returns the names of the package's test, fuzz and example
// functions.
func testNames(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
				names[fn.Name.Name] = true
			}
		}
	}
	return names
}
