package bench

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store/kube"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

// Cluster is the kube-apiserver of the figures that need one.
type Cluster struct {
	// Config is an administrator's, without client-side rate limiting.
	Config *rest.Config
	// Client uses Config.
	Client kubernetes.Interface
	// JobController says that the control plane runs the Job controller
	// and the garbage collector (kube-controller-manager, as
	// testenv.Env.StartControllers starts it); Lifecycle needs them.
	JobController bool
	// PIDs are the control plane's processes by name (testenv.Env.PIDs),
	// whose CPU Lifecycle reports; nil reports this process's alone.
	PIDs map[string]int
}

// NewCluster returns a Cluster for cfg (copied, its client-side rate limit
// turned off: the figures measure the engine and the server, not a token
// bucket) and installs the CRDs.
func NewCluster(ctx context.Context, cfg *rest.Config) (*Cluster, error) {
	cfg = unlimited(cfg)
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ext, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	if err := crds.Install(ctx, ext.ApiextensionsV1(), nil); err != nil {
		return nil, fmt.Errorf("install CRDs: %w", err)
	}
	return &Cluster{Config: cfg, Client: client}, nil
}

// ClusterFromKubeconfig returns the Cluster of a kubeconfig file, for the
// runner's child processes; the CRDs must be installed already.
func ClusterFromKubeconfig(path string) (*Cluster, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, err
	}
	cfg = unlimited(cfg)
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Cluster{Config: cfg, Client: client}, nil
}

func unlimited(cfg *rest.Config) *rest.Config {
	out := rest.CopyConfig(cfg)
	out.QPS, out.Burst = -1, 0
	return out
}

// Store returns a kube store over the Cluster's config.
func (c *Cluster) Store() (*kube.Store, error) { return kube.New(c.Config, kube.Options{}) }

// CreateNamespace creates namespace name (an existing one is fine).
func (c *Cluster) CreateNamespace(ctx context.Context, name string) error {
	_, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// ignoreExists drops an AlreadyExists error.
func ignoreExists(err error) error {
	if drivers.ErrorCode(err) == drivers.AlreadyExists {
		return nil
	}
	return err
}

// poll calls cond every interval until it returns true or an error, or
// until timeout.
func poll(ctx context.Context, what string, interval, timeout time.Duration, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: not done after %s", what, timeout)
		case <-t.C:
		}
	}
}
