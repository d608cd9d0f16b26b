package testenv

import (
	"context"
	"net/http"
	"path/filepath"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

// startEtcd starts a single-member etcd that keeps its data in dir and
// listens for clients on clientURL and for peers on peerURL, and waits until
// it is healthy. fsync is off: the data is thrown away anyway, and it makes
// every write much faster.
func startEtcd(ctx context.Context, binDir, dir, clientURL, peerURL string) (*harness.Process, error) {
	p, err := harness.StartProcess("etcd", filepath.Join(binDir, "etcd"), filepath.Join(dir, "etcd.log"), nil,
		"--name=default",
		"--data-dir="+filepath.Join(dir, "etcd-data"),
		"--listen-client-urls="+clientURL,
		"--advertise-client-urls="+clientURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		"--unsafe-no-fsync",
	)
	if err != nil {
		return nil, err
	}
	if err := harness.WaitReady(ctx, p, http.DefaultClient, clientURL+"/health"); err != nil {
		p.Stop(0)
		return nil, err
	}
	return p, nil
}
