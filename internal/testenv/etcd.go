package testenv

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
)

// startEtcd starts a single-member etcd that keeps its data in dir and
// listens for clients on clientURL and for peers on peerURL, and waits until
// it is healthy. fsync is off: the data is thrown away anyway, and it makes
// every write much faster.
func startEtcd(ctx context.Context, binDir, dir, clientURL, peerURL string) (*process, error) {
	p, err := startProcess("etcd", filepath.Join(binDir, "etcd"), filepath.Join(dir, "etcd.log"),
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
	if err := waitReady(ctx, p, http.DefaultClient, clientURL+"/health"); err != nil {
		p.stop(0)
		return nil, err
	}
	return p, nil
}

// loopbackURL returns the URL with scheme of port on 127.0.0.1.
func loopbackURL(scheme string, port int) string {
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
}
