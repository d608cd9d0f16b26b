package v1alpha1_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// hugeRestoreJob has n targetVolumeMounts, each naming a volume that does
// not exist: the API server accepts it (the CRD sets no maxItems).
func hugeRestoreJob(n int) *v1alpha1.RestoreJob {
	r := &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "r"}, Spec: v1alpha1.RestoreJobSpec{
		BackupJobName: "b", Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{}},
		TargetVolumes: []corev1.Volume{}}}
	for i := range n {
		r.Spec.TargetVolumeMounts = append(r.Spec.TargetVolumeMounts, corev1.VolumeMount{Name: fmt.Sprintf("missing-%d", i), MountPath: "relative"})
	}
	return r
}

func TestValidationChecksListLimitsFirst(t *testing.T) {
	tool := func(n int) *v1alpha1.BackupTool {
		tl := &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "t"}, Spec: v1alpha1.BackupToolSpec{
			DeployKind: v1alpha1.DeployKindJob, Type: v1alpha1.ToolTypeFile, BackupCommands: []string{"true"}}}
		for i := range n {
			tl.Spec.Env = append(tl.Spec.Env, corev1.EnvVar{Name: fmt.Sprintf("%d BAD", i)})
		}
		return tl
	}
	policy := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}, Spec: v1alpha1.BackupPolicySpec{
		Snapshot: &v1alpha1.SnapshotPolicy{Hooks: &v1alpha1.BackupPolicyHook{PreCommands: make([]string, v1alpha1.MaxCommands+1)}}}}
	bigTool, bigRestore := tool(100_000), hugeRestoreJob(20_000)
	cases := []struct {
		name string
		errs func() field.ErrorList
		want string
	}{
		{"100,000 env entries", func() field.ErrorList { return v1alpha1.ValidateBackupTool(bigTool) }, "spec.env: Too many: 100000: must have at most 1000 items"},
		{"20,000 volume mounts", func() field.ErrorList { return v1alpha1.ValidateRestoreJob(bigRestore) }, "spec.targetVolumeMounts: Too many: 20000"},
		{"too many hook commands", func() field.ErrorList { return v1alpha1.ValidateBackupPolicy(policy) }, "spec.snapshot.hooks.preCommands: Too many"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.errs()
			require.Len(t, errs, 1, "only the limit is reported, not the elements: %v", errs)
			assert.Equal(t, tc.want, errs[0].Error()[:len(tc.want)])
			// Not even looked at: checking each of the elements would
			// allocate for each (their names are invalid), and a time bound
			// would depend on this machine's load.
			allocs := testing.AllocsPerRun(3, func() { tc.errs() })
			t.Logf("allocations: %.0f", allocs)
			assert.Less(t, allocs, 1000.0)
		})
	}
	assert.Len(t, v1alpha1.ValidateBackupTool(tool(v1alpha1.MaxEnv)), v1alpha1.MaxReportedErrors+1,
		"at the limit every element is checked; the errors are capped")
}

func TestLimitErrorsAndErrorsMessage(t *testing.T) {
	var errs field.ErrorList
	for i := range 5000 {
		errs = append(errs, field.Invalid(field.NewPath("spec", "env").Index(i), i, "bad"))
	}
	limited := v1alpha1.LimitErrors(errs)
	require.Len(t, limited, v1alpha1.MaxReportedErrors+1)
	assert.Equal(t, errs[:v1alpha1.MaxReportedErrors], limited[:v1alpha1.MaxReportedErrors])
	assert.Equal(t, "errors: Too many: 5000: only the first 20 problems are listed", limited[v1alpha1.MaxReportedErrors].Error())
	assert.Equal(t, "spec.env[0]: Invalid value: 0: bad", errs[0].Error(), "the input is not modified")
	assert.Len(t, v1alpha1.LimitErrors(errs[:3]), 3)

	msg := v1alpha1.ErrorsMessage(errs)
	assert.True(t, strings.HasPrefix(msg, "spec.env[0]: Invalid value: 0: bad; spec.env[1]: "), msg)
	assert.Equal(t, v1alpha1.MaxReportedErrors+1, strings.Count(msg, "; ")+1)
	assert.Empty(t, v1alpha1.ErrorsMessage(nil))
}

func TestTruncateMessage(t *testing.T) {
	short := strings.Repeat("a", v1alpha1.MaxMessageLength)
	assert.Equal(t, short, v1alpha1.TruncateMessage(short))

	long := strings.Repeat("é", v1alpha1.MaxMessageLength) // 2 bytes a character
	got := v1alpha1.TruncateMessage(long)
	assert.LessOrEqual(t, len(got), v1alpha1.MaxMessageLength)
	assert.Greater(t, len(got), v1alpha1.MaxMessageLength-20)
	assert.True(t, utf8.ValidString(got), "cut at a character boundary")
	assert.True(t, strings.HasSuffix(got, "... (truncated)"))
}

func TestRetriesIsClamped(t *testing.T) {
	for in, want := range map[int32]int{-1: 0, 0: 0, 3: 3, v1alpha1.MaxOnFailAttempted: v1alpha1.MaxOnFailAttempted,
		2_000_000: v1alpha1.MaxOnFailAttempted} {
		assert.Equal(t, want, v1alpha1.Retries(in), "%d", in)
	}
}
