// Command controllerruntime embeds the dataprotection engine in a
// controller-runtime manager (sigs.k8s.io/controller-runtime v0.25): the
// manager's cache feeds the kube store and resolves targets and secrets,
// its event recorder records the engine's events, and one controller routes
// the changes of the four kinds with the engine's Router and reconciles
// them with Engine.Reconcile.
//
//	kubectl apply -f deploy/rbac/clusterrole.yaml
//	cd examples/controllerruntime
//	go run . --kubeconfig ~/.kube/config --namespace dataprotection-system
//
// It is a Go module of its own, so that the library's go.mod does not
// depend on controller-runtime; its go.mod points at the library in this
// repository (replace ../..). The CRDs must be installed
// (types/v1alpha1/crds.Install). It registers the Job driver as "job" and
// "daemon"; a host adds its other drivers to the registry.
package main

import (
	"flag"
	"os"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/job"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	leaseNamespace := flag.String("namespace", os.Getenv("POD_NAMESPACE"),
		"namespace of the leader-election Lease (default $POD_NAMESPACE; empty: no leader election)")
	flag.Parse()
	ctrl.SetLogger(zap.New())
	log := ctrl.Log.WithName("controllerruntime")
	if err := run(*kubeconfig, *leaseNamespace); err != nil {
		log.Error(err, "stopped")
		os.Exit(1)
	}
}

func run(kubeconfig, leaseNamespace string) error {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if err != nil {
		return err
	}
	mgr, err := NewManager(cfg, ctrl.Options{LeaderElection: leaseNamespace != "",
		LeaderElectionNamespace: leaseNamespace, LeaderElectionID: "dataprotection"})
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	jobDriver, err := job.New(client, job.Options{Logger: mgr.GetLogger().WithName("job")})
	if err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	if _, err := Setup(ctx, mgr, drivers.Registry{drivers.NameJob: jobDriver, drivers.NameDaemon: jobDriver}); err != nil {
		return err
	}
	return mgr.Start(ctx)
}
