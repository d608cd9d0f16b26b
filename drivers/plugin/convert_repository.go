package plugin

import (
	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// The conversions of a task's repository and of what its upload committed.

func repositoryToProto(j *jsonFields, r *drivers.Repository) *pb.Repository {
	if r == nil {
		return nil
	}
	m := &pb.Repository{Name: r.Name, Url: r.URL, EnvJson: j.encode("repository.env", r.Env, r.Env == nil),
		Recipients: r.Recipients, Push: transferToProto(r.Push)}
	for i := range r.Pull {
		m.Pull = append(m.Pull, transferToProto(&r.Pull[i]))
	}
	return m
}

func transferToProto(t *drivers.Transfer) *pb.Transfer {
	if t == nil {
		return nil
	}
	return &pb.Transfer{Key: t.Key, Path: t.Path, ManifestSha256: t.ManifestSHA256}
}

func repositoryFromProto(j *jsonFields, m *pb.Repository) *drivers.Repository {
	if m == nil {
		return nil
	}
	r := &drivers.Repository{Name: m.GetName(), URL: m.GetUrl(), Recipients: m.GetRecipients()}
	j.decode("repository.env", m.GetEnvJson(), &r.Env)
	for _, t := range m.GetPull() {
		r.Pull = append(r.Pull, drivers.Transfer{Key: t.GetKey(), Path: t.GetPath(), ManifestSHA256: t.GetManifestSha256()})
	}
	if t := m.GetPush(); t != nil {
		r.Push = &drivers.Transfer{Key: t.GetKey(), Path: t.GetPath(), ManifestSHA256: t.GetManifestSha256()}
	}
	return r
}

func repositoryResultToProto(r *drivers.RepositoryResult) *pb.RepositoryResult {
	if r == nil {
		return nil
	}
	return &pb.RepositoryResult{Key: r.Key, ManifestSha256: r.ManifestSHA256, Objects: int64(r.Objects),
		LogicalSize: r.LogicalSize, StoredSize: r.StoredSize}
}

func repositoryResultFromProto(m *pb.RepositoryResult) *drivers.RepositoryResult {
	if m == nil {
		return nil
	}
	return &drivers.RepositoryResult{Key: m.GetKey(), ManifestSHA256: m.GetManifestSha256(), Objects: int(m.GetObjects()),
		LogicalSize: m.GetLogicalSize(), StoredSize: m.GetStoredSize()}
}
