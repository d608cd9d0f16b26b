package testenv

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Kubeconfig returns the path of a kubeconfig file for the administrator of
// Config, with the certificates embedded, for tools and components that read
// one (kubectl --kubeconfig, controllers run as separate processes). The file
// is written by Start and removed by Stop.
func (e *Env) Kubeconfig() string {
	return e.kubeconfig
}

// ConfigFor returns a config that authenticates as user, a member of groups,
// with a client certificate signed by the Env's CA. RBAC grants such a user
// nothing beyond what the API allows everyone who is authenticated, so tests
// can check that a component works with exactly the permissions its Roles
// grant it. Use groups system:masters for another administrator.
func (e *Env) ConfigFor(user string, groups ...string) (*rest.Config, error) {
	return e.newConfig(e.Config.Host, user, groups...)
}

// newConfig returns a config for host that authenticates as user in groups.
func (e *Env) newConfig(host, user string, groups ...string) (*rest.Config, error) {
	pair, err := e.ca.clientPair(user, groups)
	if err != nil {
		return nil, fmt.Errorf("client certificate for %q: %w", user, err)
	}
	return &rest.Config{
		Host: host,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   e.ca.certPEM,
			CertData: pair.certPEM,
			KeyData:  pair.keyPEM,
		},
		QPS:   100,
		Burst: 200,
	}, nil
}

// writeKubeconfig writes a kubeconfig file for cfg, which must use client
// certificate data, to path.
func writeKubeconfig(path string, cfg *rest.Config) error {
	const name = "testenv"
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthorityData: cfg.CAData,
	}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
	}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	kc.CurrentContext = name
	return clientcmd.WriteToFile(*kc, path)
}
