package main

import (
	"fmt"

	snapshotclient "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/kubehost"
	"github.com/dpsdk/dataprotection/store/kube"
)

// snapshotGroupVersion is the API of the CSI driver's VolumeSnapshots.
const snapshotGroupVersion = "snapshot.storage.k8s.io/v1"

// newEngine builds the engine: the kube store, the drivers, pods as
// targets, secrets checked by their keys, events to the API server.
func newEngine(cfg *rest.Config, kubeClient kubernetes.Interface, st *kube.Store,
	kubeInformers informers.SharedInformerFactory, events record.EventRecorder, o Options) (dataprotection.Engine, error) {
	registry, err := newDrivers(cfg, kubeClient, o)
	if err != nil {
		return nil, err
	}
	o.Logger.Info("drivers registered", "names", registry.Names())
	return dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: registry,
		// Targets from the pod informer's cache; secrets read one by one
		// (get only: no cache holds their values).
		Targets: kubehost.PodsFromLister(kubeInformers.Core().V1().Pods().Lister()),
		Secrets: kubehost.SecretsFromClient(kubeClient),
		Events:  events,
		Logger:  o.Logger.WithName("engine"),
		Options: o.Engine,
		// Workers, ResyncPeriod and LeaderElection configure Engine.Run,
		// which this host does not call: it runs its own loop.
	})
}

// newDrivers registers the Job driver for both deployKinds and, when the
// cluster serves VolumeSnapshots, the CSI driver for snapshot backups.
// Without the VolumeSnapshot API "snapshot" is not registered, and
// policies with snapshot backups are Failed ("no driver is registered as
// snapshot") rather than the engine failing to start; install the
// external-snapshotter's CRDs and restart the operator to enable them.
func newDrivers(cfg *rest.Config, kubeClient kubernetes.Interface, o Options) (drivers.Registry, error) {
	var podExec job.PodExecutor // pod exec for hooks and backupStatusUpdates, shared by both drivers
	if o.Hooks {
		podExec = job.NewPodExecutor(cfg)
	}
	jobDriver, err := job.New(kubeClient, job.Options{Logger: o.Logger.WithName("job"), PodExec: podExec})
	if err != nil {
		return nil, err
	}
	registry := drivers.Registry{drivers.NameJob: jobDriver, drivers.NameDaemon: jobDriver}

	served, err := servesVolumeSnapshots(kubeClient.Discovery())
	if err != nil {
		return nil, err
	}
	if !served {
		o.Logger.Info("the cluster does not serve " + snapshotGroupVersion + " VolumeSnapshots: snapshot backups are disabled")
		return registry, nil
	}
	snapClient, err := snapshotclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	// Without --hooks, snapshot policies with hooks are Failed.
	registry[drivers.NameSnapshot], err = csi.New(kubeClient, snapClient, csi.Options{Logger: o.Logger.WithName("csi"), PodExec: podExec})
	return registry, err
}

// servesVolumeSnapshots asks the API server's discovery, which every
// authenticated identity may read, whether VolumeSnapshots are served.
func servesVolumeSnapshots(dc discovery.DiscoveryInterface) (bool, error) {
	list, err := dc.ServerResourcesForGroupVersion(snapshotGroupVersion)
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("discover %s: %w", snapshotGroupVersion, err)
	}
	for _, r := range list.APIResources {
		if r.Name == "volumesnapshots" {
			return true, nil
		}
	}
	return false, nil
}
