package plugin

import (
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The conversions between the SPI types and the protocol's messages. Nil
// and empty collections both arrive as nil (protobuf does not tell them
// apart), except the Kubernetes values carried as JSON, which keep the
// difference.

func timeToProto(t time.Time) *pb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return &pb.Timestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())}
}

func timeFromProto(t *pb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return time.Unix(t.GetSeconds(), int64(t.GetNanos()))
}

// marshalJSON encodes v, or returns nil when isNil: a nil slice or pointer
// travels as empty bytes.
func marshalJSON(v any, isNil bool) ([]byte, error) {
	if isNil {
		return nil, nil
	}
	return json.Marshal(v)
}

// unmarshalJSON decodes data into v, leaving v alone when data is empty.
func unmarshalJSON(field string, data []byte, v any) error {
	if len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	return nil
}

// jsonFields encodes several values, stopping at the first error.
type jsonFields struct{ err error }

func (j *jsonFields) encode(field string, v any, isNil bool) []byte {
	if j.err != nil {
		return nil
	}
	data, err := marshalJSON(v, isNil)
	if err != nil {
		j.err = fmt.Errorf("%s: %w", field, err)
	}
	return data
}

func (j *jsonFields) decode(field string, data []byte, v any) {
	if j.err == nil {
		j.err = unmarshalJSON(field, data, v)
	}
}

// taskToProto converts t to its protocol message. It fails only when a
// Kubernetes value cannot be encoded as JSON.
func taskToProto(t *drivers.Task) (*pb.Task, error) {
	var j jsonFields
	m := &pb.Task{
		Id:               t.ID,
		Kind:             string(t.Kind),
		BackupType:       string(t.BackupType),
		Owner:            &pb.ObjectRef{Kind: t.Owner.Kind, Namespace: t.Owner.Namespace, Name: t.Owner.Name, Uid: string(t.Owner.UID)},
		Labels:           t.Labels,
		Image:            t.Image,
		EnvJson:          j.encode("env", t.Env, t.Env == nil),
		EnvFromJson:      j.encode("envFrom", t.EnvFrom, t.EnvFrom == nil),
		ResourcesJson:    j.encode("resources", t.Resources, t.Resources == nil),
		Target:           targetToProto(&j, &t.Target),
		Container:        t.Container,
		Storage:          storageToProto(t.Storage),
		VolumesJson:      j.encode("volumes", t.Volumes, t.Volumes == nil),
		VolumeMountsJson: j.encode("volumeMounts", t.VolumeMounts, t.VolumeMounts == nil),
		Deadline:         timeToProto(t.Deadline),
		Repository:       repositoryToProto(&j, t.Repository),
	}
	for _, s := range t.Steps {
		m.Steps = append(m.Steps, &pb.Step{Name: s.Name, Commands: s.Commands,
			EnvJson: j.encode("steps.env", s.Env, s.Env == nil)})
	}
	if s := t.Snapshot; s != nil {
		m.Snapshot = &pb.SnapshotSpec{Name: s.Name, ClassName: s.ClassName, Claims: s.Claims}
	}
	if j.err != nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "encode task %s: %w", t.ID, j.err)
	}
	return m, nil
}

func targetToProto(j *jsonFields, t *drivers.Target) *pb.Target {
	return &pb.Target{
		Name:             t.Name,
		Namespace:        t.Namespace,
		Host:             t.Host,
		Node:             t.Node,
		Containers:       t.Containers,
		Labels:           t.Labels,
		VolumesJson:      j.encode("target.volumes", t.Volumes, t.Volumes == nil),
		VolumeMountsJson: j.encode("target.volumeMounts", t.VolumeMounts, t.VolumeMounts == nil),
		TolerationsJson:  j.encode("target.tolerations", t.Tolerations, t.Tolerations == nil),
		Env:              t.Env,
		DataDir:          t.DataDir,
	}
}

func storageToProto(s *drivers.Storage) *pb.Storage {
	if s == nil {
		return nil
	}
	m := &pb.Storage{ClaimName: s.ClaimName, MountPath: s.MountPath, Path: s.Path}
	if c := s.Create; c != nil {
		m.Create = &pb.ClaimTemplate{Capacity: c.Capacity.String(), StorageClassName: c.StorageClassName,
			GenerateName: c.GenerateName}
		if r := c.PersistentVolumeTemplate; r != nil {
			m.Create.PersistentVolumeTemplate = &pb.ConfigMapRef{Namespace: r.Namespace, Name: r.Name}
		}
	}
	return m
}

// taskFromProto converts a protocol message to a Task. It returns an error
// with code InvalidArgument when a field cannot be decoded.
func taskFromProto(m *pb.Task) (*drivers.Task, error) {
	if m == nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "no task")
	}
	var j jsonFields
	o := m.GetOwner()
	t := &drivers.Task{
		ID:         m.GetId(),
		Kind:       drivers.TaskKind(m.GetKind()),
		BackupType: v1alpha1.BackupType(m.GetBackupType()),
		Owner:      drivers.ObjectRef{Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName(), UID: types.UID(o.GetUid())},
		Labels:     m.GetLabels(),
		Image:      m.GetImage(),
		Container:  m.GetContainer(),
		Deadline:   timeFromProto(m.GetDeadline()),
	}
	j.decode("env", m.GetEnvJson(), &t.Env)
	j.decode("envFrom", m.GetEnvFromJson(), &t.EnvFrom)
	if len(m.GetResourcesJson()) > 0 {
		t.Resources = &corev1.ResourceRequirements{}
		j.decode("resources", m.GetResourcesJson(), t.Resources)
	}
	j.decode("volumes", m.GetVolumesJson(), &t.Volumes)
	j.decode("volumeMounts", m.GetVolumeMountsJson(), &t.VolumeMounts)
	for _, s := range m.GetSteps() {
		step := drivers.Step{Name: s.GetName(), Commands: s.GetCommands()}
		j.decode("steps.env", s.GetEnvJson(), &step.Env)
		t.Steps = append(t.Steps, step)
	}
	t.Target = targetFromProto(&j, m.GetTarget())
	t.Repository = repositoryFromProto(&j, m.GetRepository())
	if s := m.GetSnapshot(); s != nil {
		t.Snapshot = &drivers.SnapshotSpec{Name: s.GetName(), ClassName: s.GetClassName(), Claims: s.GetClaims()}
	}
	storage, err := storageFromProto(m.GetStorage())
	if err != nil && j.err == nil {
		j.err = err
	}
	t.Storage = storage
	if j.err != nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "decode task %s: %w", m.GetId(), j.err)
	}
	return t, nil
}

func targetFromProto(j *jsonFields, m *pb.Target) drivers.Target {
	t := drivers.Target{
		Name:       m.GetName(),
		Namespace:  m.GetNamespace(),
		Host:       m.GetHost(),
		Node:       m.GetNode(),
		Containers: m.GetContainers(),
		Labels:     m.GetLabels(),
		Env:        m.GetEnv(),
		DataDir:    m.GetDataDir(),
	}
	j.decode("target.volumes", m.GetVolumesJson(), &t.Volumes)
	j.decode("target.volumeMounts", m.GetVolumeMountsJson(), &t.VolumeMounts)
	j.decode("target.tolerations", m.GetTolerationsJson(), &t.Tolerations)
	return t
}

func storageFromProto(m *pb.Storage) (*drivers.Storage, error) {
	if m == nil {
		return nil, nil
	}
	s := &drivers.Storage{ClaimName: m.GetClaimName(), MountPath: m.GetMountPath(), Path: m.GetPath()}
	if c := m.GetCreate(); c != nil {
		q, err := resource.ParseQuantity(c.GetCapacity())
		if err != nil {
			return nil, fmt.Errorf("storage.create.capacity %q: %w", c.GetCapacity(), err)
		}
		s.Create = &drivers.ClaimTemplate{Capacity: q, StorageClassName: c.StorageClassName, GenerateName: c.GetGenerateName()}
		if r := c.GetPersistentVolumeTemplate(); r != nil {
			s.Create.PersistentVolumeTemplate = &drivers.ConfigMapRef{Namespace: r.GetNamespace(), Name: r.GetName()}
		}
	}
	return s, nil
}

var phaseToProto = map[drivers.Phase]pb.Phase{
	drivers.Pending: pb.Phase_PHASE_PENDING, drivers.Running: pb.Phase_PHASE_RUNNING,
	drivers.Succeeded: pb.Phase_PHASE_SUCCEEDED, drivers.Failed: pb.Phase_PHASE_FAILED,
}

// statusToProto converts s to its protocol message. It returns an error with
// code Internal for a phase the protocol does not know.
func statusToProto(s *drivers.TaskStatus) (*pb.TaskStatus, error) {
	if s == nil {
		return nil, drivers.Errorf(drivers.Internal, "the driver returned no status and no error")
	}
	phase, ok := phaseToProto[s.Phase]
	if !ok {
		return nil, drivers.Errorf(drivers.Internal, "the driver returned task %s in unknown phase %q", s.ID, s.Phase)
	}
	m := &pb.TaskStatus{
		Id:             s.ID,
		Phase:          phase,
		StartTime:      timeToProto(s.StartTime),
		CompletionTime: timeToProto(s.CompletionTime),
		TotalSize:      s.TotalSize,
		Output:         s.Output,
		LogTail:        s.LogTail,
		ErrorCode:      pb.Code(s.ErrorCode),
		Message:        s.Message,
		BytesDone:      s.BytesDone,
		Repository:     repositoryResultToProto(s.Repository),
		OutputSize:     s.OutputSize,
		OutputStart:    s.OutputStart,
	}
	for _, a := range s.Artifacts {
		m.Artifacts = append(m.Artifacts, &pb.Artifact{Path: a.Path, Size: a.Size, Checksum: a.Checksum})
	}
	for _, sn := range s.Snapshots {
		m.Snapshots = append(m.Snapshots, &pb.Snapshot{VolumeSnapshotName: sn.VolumeSnapshotName,
			VolumeSnapshotContentName: sn.VolumeSnapshotContentName, SourceClaim: sn.SourceClaim, RestoreSize: sn.RestoreSize})
	}
	return m, nil
}

// statusFromProto converts a protocol message to a TaskStatus. It returns an
// error with code Internal for a missing status or an unknown phase.
func statusFromProto(m *pb.TaskStatus) (*drivers.TaskStatus, error) {
	if m == nil {
		return nil, drivers.Errorf(drivers.Internal, "the plugin returned no status and no error")
	}
	var phase drivers.Phase
	for p, v := range phaseToProto {
		if v == m.GetPhase() {
			phase = p
		}
	}
	if phase == "" {
		return nil, drivers.Errorf(drivers.Internal, "the plugin returned task %s in unknown phase %v", m.GetId(), m.GetPhase())
	}
	s := &drivers.TaskStatus{
		ID:             m.GetId(),
		Phase:          phase,
		StartTime:      timeFromProto(m.GetStartTime()),
		CompletionTime: timeFromProto(m.GetCompletionTime()),
		TotalSize:      m.GetTotalSize(),
		Output:         m.GetOutput(),
		LogTail:        m.GetLogTail(),
		ErrorCode:      drivers.Code(m.GetErrorCode()),
		Message:        m.GetMessage(),
		BytesDone:      m.GetBytesDone(),
		Repository:     repositoryResultFromProto(m.GetRepository()),
		OutputSize:     m.GetOutputSize(),
		OutputStart:    m.GetOutputStart(),
	}
	for _, a := range m.GetArtifacts() {
		s.Artifacts = append(s.Artifacts, drivers.Artifact{Path: a.GetPath(), Size: a.GetSize(), Checksum: a.GetChecksum()})
	}
	for _, sn := range m.GetSnapshots() {
		s.Snapshots = append(s.Snapshots, drivers.Snapshot{VolumeSnapshotName: sn.GetVolumeSnapshotName(),
			VolumeSnapshotContentName: sn.GetVolumeSnapshotContentName(), SourceClaim: sn.GetSourceClaim(), RestoreSize: sn.GetRestoreSize()})
	}
	return s, nil
}

// capabilitiesToProto and capabilitiesFromProto convert Capabilities.
func capabilitiesToProto(c drivers.Capabilities) *pb.CapabilitiesResponse {
	m := &pb.CapabilitiesResponse{Repositories: c.Repositories}
	for _, k := range c.Kinds {
		m.Kinds = append(m.Kinds, string(k))
	}
	for _, t := range c.BackupTypes {
		m.BackupTypes = append(m.BackupTypes, string(t))
	}
	return m
}

func capabilitiesFromProto(m *pb.CapabilitiesResponse) drivers.Capabilities {
	c := drivers.Capabilities{Repositories: m.GetRepositories()}
	for _, k := range m.GetKinds() {
		c.Kinds = append(c.Kinds, drivers.TaskKind(k))
	}
	for _, t := range m.GetBackupTypes() {
		c.BackupTypes = append(c.BackupTypes, v1alpha1.BackupType(t))
	}
	return c
}
