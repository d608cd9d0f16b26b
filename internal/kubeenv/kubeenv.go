// Package kubeenv gives envvar.Resolver the secrets and config maps of a
// namespace through the API server: what pod exec and the Job driver (to
// redact what a Job printed) read, as the kubelet does for a container.
package kubeenv

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// Sources returns the Sources of namespace read through client: get on
// secrets and configmaps. Errors carry the codes of drivers.ErrorCode
// (NotFound for a missing object).
func Sources(client kubernetes.Interface, namespace string) envvar.Sources {
	return sources{client: client, ns: namespace}
}

type sources struct {
	client kubernetes.Interface
	ns     string
}

// Secret implements envvar.Sources.
func (s sources) Secret(ctx context.Context, name string) (map[string][]byte, error) {
	sec, err := s.client.CoreV1().Secrets(s.ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, wrap(err, "get secret %s/%s", s.ns, name)
	}
	return sec.Data, nil
}

// ConfigMap implements envvar.Sources.
func (s sources) ConfigMap(ctx context.Context, name string) (map[string]string, error) {
	cm, err := s.client.CoreV1().ConfigMaps(s.ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, wrap(err, "get config map %s/%s", s.ns, name)
	}
	return cm.Data, nil
}

func wrap(err error, format string, args ...any) error {
	return &drivers.Error{Code: drivers.ErrorCode(err), Msg: fmt.Sprintf(format, args...), Err: err}
}
