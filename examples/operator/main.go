// Command operator is a client-go controller that embeds the dataprotection
// engine in a Kubernetes cluster: the kube store (the API objects are custom
// resources), the Job driver for deployKinds job and daemon, the CSI driver
// for snapshot backups, pods as backup targets, and leader election so that
// several replicas can run.
//
// It runs its own controller loop (informers whose changes the engine's
// Router turns into Requests, and a work queue whose workers call
// Engine.Reconcile),
// as a host that already has controllers would; a host that has none can
// call Engine.Run instead, which watches, queues and elects a leader
// itself (Config.LeaderElection).
//
//	kubectl apply -f deploy/rbac/clusterrole.yaml     # identity and permissions
//	go run ./examples/operator --kubeconfig ~/.kube/config --namespace dataprotection-system
//
// The CRDs must be installed (types/v1alpha1/crds.Install does it); in a pod
// it uses the in-cluster configuration.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-logr/logr"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	var opts Options
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	flag.StringVar(&opts.LeaseNamespace, "namespace", os.Getenv("POD_NAMESPACE"),
		"namespace of the leader-election Lease (default $POD_NAMESPACE)")
	flag.StringVar(&opts.Identity, "identity", "", "this replica's identity in the Lease (default: the host name)")
	flag.IntVar(&opts.Workers, "workers", 2, "objects reconciled at once")
	flag.BoolVar(&opts.Hooks, "hooks", false, "run hooks and backupStatusUpdates by pod exec (needs the dataprotection-hooks ClusterRole)")
	flag.Parse()

	opts.Logger = logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*kubeconfig, opts); err != nil {
		opts.Logger.Error(err, "operator stopped")
		os.Exit(1) // after a lost lease too: restart and campaign again
	}
}

// run loads the client configuration and runs the operator until SIGINT or
// SIGTERM.
func run(kubeconfig string, opts Options) error {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, cfg, opts)
}
