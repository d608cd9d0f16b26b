package plugin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// fullTask sets every field of drivers.Task (and of the types it holds).
func fullTask() *drivers.Task {
	class := "fast"
	return &drivers.Task{
		ID:         "task-1",
		Kind:       drivers.KindRestore,
		BackupType: v1alpha1.BackupTypeDataFile,
		Owner:      drivers.ObjectRef{Kind: "RestoreJob", Namespace: "ns", Name: "r1", UID: "uid-1"},
		Labels:     map[string]string{"a": "b"},
		Image:      "busybox:1.36",
		Steps: []drivers.Step{
			{Name: "one", Commands: []string{"echo 1", "echo 2"}, Env: []corev1.EnvVar{{Name: "S", Value: "$(A)"}}},
			{Name: "two", Commands: []string{"echo 3"}},
		},
		Env: []corev1.EnvVar{{Name: "A", Value: "a"}, {Name: "PW", ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "password"}}}},
		EnvFrom: []corev1.EnvFromSource{{Prefix: "X_", ConfigMapRef: &corev1.ConfigMapEnvSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}},
		Resources: &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m")}},
		Target: drivers.Target{
			Name: "pod-0", Namespace: "ns", Host: "10.0.0.1", Node: "node-1", Containers: []string{"db", "sidecar"},
			Labels:       map[string]string{"app": "db"},
			Volumes:      []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			Tolerations:  []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists}},
			Env:          map[string]string{"PGPORT": "5432"},
			DataDir:      "/data/pg",
		},
		Container: "db",
		Storage: &drivers.Storage{ClaimName: "claim", MountPath: "/backupdata", Path: "ns/b1",
			Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("100Gi"), StorageClassName: &class,
				PersistentVolumeTemplate: &drivers.ConfigMapRef{Namespace: "ns", Name: "pv"}, GenerateName: "claim-ns"}},
		Volumes:      []corev1.Volume{{Name: "extra", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/x"}}}},
		VolumeMounts: []corev1.VolumeMount{{Name: "extra", MountPath: "/x", ReadOnly: true}},
		Snapshot:     &drivers.SnapshotSpec{Name: "snap", ClassName: "csi", Claims: []string{"c1", "c2"}},
		Deadline:     time.Date(2026, 11, 25, 1, 30, 0, 123456789, time.UTC),
		Repository: &drivers.Repository{Name: "offsite", URL: "s3://b/p?endpoint=h:9000", Recipients: []string{"age1x"},
			Env: []corev1.EnvVar{{Name: drivers.EnvRepositoryIdentity, ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "age"}, Key: "id"}}}},
			Pull: []drivers.Transfer{{Key: "ns/p/full", Path: "ns/full", ManifestSHA256: "ab"}, {Key: "ns/p/inc", Path: "ns/inc"}},
			Push: &drivers.Transfer{Key: "ns/p/b1", Path: "ns/b1"}},
	}
}

func TestTaskRoundTrip(t *testing.T) {
	for name, task := range map[string]*drivers.Task{
		"every field set": fullTask(),
		"zero task":       {},
		"empty but not nil JSON values": {ID: "t", Env: []corev1.EnvVar{}, Volumes: []corev1.Volume{},
			Resources: &corev1.ResourceRequirements{}},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := taskToProto(task)
			require.NoError(t, err)
			got, err := taskFromProto(m)
			require.NoError(t, err)
			require.True(t, task.Deadline.Equal(got.Deadline), "deadline %s != %s", task.Deadline, got.Deadline)
			got.Deadline = task.Deadline
			assert.Equal(t, task, got)
		})
	}
}

func TestTaskFromProtoRejectsBadFields(t *testing.T) {
	for name, m := range map[string]*pb.Task{
		"no task":      nil,
		"bad env JSON": {Id: "t", EnvJson: []byte("{")},
		"bad quantity": {Id: "t", Storage: &pb.Storage{Create: &pb.ClaimTemplate{Capacity: "lots"}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := taskFromProto(m)
			require.Error(t, err)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
		})
	}
}

func TestStatusRoundTrip(t *testing.T) {
	now := time.Now()
	for name, st := range map[string]*drivers.TaskStatus{
		"succeeded with everything": {ID: "t", Phase: drivers.Succeeded, StartTime: now.Add(-time.Minute), CompletionTime: now,
			Artifacts: []drivers.Artifact{{Path: "a", Size: 3, Checksum: "sha256:00"}}, TotalSize: 3,
			Snapshots: []drivers.Snapshot{{VolumeSnapshotName: "s", VolumeSnapshotContentName: "c", SourceClaim: "p", RestoreSize: 9}},
			Output:    []byte(`{"a":1}`), LogTail: "tail",
			Repository: &drivers.RepositoryResult{Key: "ns/p/b1", ManifestSHA256: "ab", Objects: 2, LogicalSize: 10, StoredSize: 3}},
		"failed with a code":  {ID: "t", Phase: drivers.Failed, ErrorCode: drivers.Conflict, Message: "boom"},
		"pending":             {ID: "t", Phase: drivers.Pending},
		"an output too large": {ID: "t", Phase: drivers.Succeeded, OutputSize: 10 << 20, OutputStart: `{"a":`},
		"running":             {ID: "t", Phase: drivers.Running, StartTime: now, BytesDone: 1 << 20},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := statusToProto(st)
			require.NoError(t, err)
			got, err := statusFromProto(m)
			require.NoError(t, err)
			assert.True(t, st.StartTime.Equal(got.StartTime) && st.CompletionTime.Equal(got.CompletionTime))
			got.StartTime, got.CompletionTime = st.StartTime, st.CompletionTime
			assert.Equal(t, st, got)
		})
	}
	_, err := statusToProto(&drivers.TaskStatus{ID: "t", Phase: "Sleeping"})
	assert.Equal(t, drivers.Internal, drivers.ErrorCode(err), "an unknown phase: %v", err)
	_, err = statusToProto(nil)
	assert.Equal(t, drivers.Internal, drivers.ErrorCode(err), "no status: %v", err)
}

func TestCodeNumbersMatch(t *testing.T) {
	for c := drivers.Unknown; c <= drivers.Internal; c++ {
		name := pb.Code(c).String()
		assert.NotContains(t, name, "(", "drivers.Code %s has no protocol Code", c)
	}
	assert.Equal(t, "CODE_CONFLICT", pb.Code(drivers.Conflict).String())
	assert.Equal(t, "CODE_INTERNAL", pb.Code(drivers.Internal).String())
}

func TestCapabilitiesRoundTrip(t *testing.T) {
	c := drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup}, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile},
		Repositories: true}
	assert.Equal(t, c, capabilitiesFromProto(capabilitiesToProto(c)))
}
