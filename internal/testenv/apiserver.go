package testenv

import (
	"context"
	"path/filepath"
	"strconv"

	"k8s.io/client-go/rest"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

// apiserverArgs returns kube-apiserver's flags: loopback only, TLS with the
// generated certificates, RBAC, and no feature that needs other components.
func apiserverArgs(dir string, f pkiFiles, etcdURL string, port int) []string {
	host := harness.LoopbackURL("https", port)
	return []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(dir, "apiserver-certs"),
		"--tls-cert-file=" + f.servingCert,
		"--tls-private-key-file=" + f.servingKey,
		"--client-ca-file=" + f.caCert,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--service-account-issuer=" + host,
		"--service-account-key-file=" + f.saPublic,
		"--service-account-signing-key-file=" + f.saPrivate,
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--disable-admission-plugins=ServiceAccount",
		"--enable-priority-and-fairness=false",
		// Since v1.37 kube-apiserver refuses a loopback advertise address
		// unless it is told not to reconcile the kubernetes Service endpoints.
		"--endpoint-reconciler-type=none",
	}
}

// startAPIServer starts kube-apiserver on port and waits until its /readyz
// answers 200 to a client using admin.
func startAPIServer(ctx context.Context, binDir, dir string, args []string, admin *rest.Config) (*harness.Process, error) {
	client, err := rest.HTTPClientFor(admin)
	if err != nil {
		return nil, err
	}
	p, err := harness.StartProcess("kube-apiserver", filepath.Join(binDir, "kube-apiserver"),
		filepath.Join(dir, "kube-apiserver.log"), nil, args...)
	if err != nil {
		return nil, err
	}
	if err := harness.WaitReady(ctx, p, client, admin.Host+"/readyz"); err != nil {
		p.Stop(0)
		return nil, err
	}
	return p, nil
}
