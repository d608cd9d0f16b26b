package main

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/kubehost"
	"github.com/dpsdk/dataprotection/store/kube"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// NewManager returns a manager whose scheme knows the core kinds and the
// four dataprotection kinds, so that its cache can serve them. Its client
// reads secrets from the API server, not from the cache: a cache of
// secrets would hold every secret's values, and need list and watch on
// secrets where deploy/rbac grants only get.
func NewManager(cfg *rest.Config, opts manager.Options) (manager.Manager, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	opts.Scheme = scheme
	if opts.Client.Cache == nil {
		opts.Client.Cache = &client.CacheOptions{}
	}
	opts.Client.Cache.DisableFor = append(opts.Client.Cache.DisableFor, &corev1.Secret{})
	return ctrl.NewManager(cfg, opts)
}

// Setup builds the engine over mgr and registers its controller: the kube
// store reads the manager's informers of the four kinds (one cache for the
// manager and the store; the engine reads the cache that woke it), pods
// and secrets come from the manager's cache, events go to the manager's
// events.k8s.io/v1 recorder, and one controller routes every change with
// the engine's Router and hands each Request to Engine.Reconcile. The store
// is closed when the manager stops.
func Setup(ctx context.Context, mgr manager.Manager, registry drivers.Registry) (dataprotection.Engine, error) {
	informers, err := storeInformers(ctx, mgr)
	if err != nil {
		return nil, err
	}
	st, err := kube.New(mgr.GetConfig(), kube.Options{Informers: informers})
	if err != nil {
		return nil, err
	}
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		<-ctx.Done()
		return st.Close()
	})); err != nil {
		return nil, err
	}
	engine, err := dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: registry,
		Targets: pods(mgr.GetClient()),
		Secrets: secrets(mgr.GetClient()),
		Events:  dataprotection.NewEventsRecorder(mgr.GetEventRecorder("dataprotection")),
		Logger:  mgr.GetLogger().WithName("engine"),
	})
	if err != nil {
		return nil, err
	}
	return engine, addController(mgr, engine)
}

// storeInformers returns the manager cache's informers of the four kinds,
// which the kube store then shares (kube.Options.Informers).
func storeInformers(ctx context.Context, mgr manager.Manager) (*kube.Informers, error) {
	get := func(obj client.Object) (kube.Informer, error) {
		inf, err := mgr.GetCache().GetInformer(ctx, obj)
		if err != nil {
			return nil, err
		}
		shared, ok := inf.(kube.Informer) // a client-go SharedIndexInformer
		if !ok {
			return nil, fmt.Errorf("the manager's informer of %T is a %T, not a SharedIndexInformer", obj, inf)
		}
		return shared, nil
	}
	var out kube.Informers
	var err error
	for _, k := range []struct {
		obj client.Object
		inf *kube.Informer
	}{{&v1alpha1.Backup{}, &out.Backups}, {&v1alpha1.BackupPolicy{}, &out.BackupPolicies},
		{&v1alpha1.BackupTool{}, &out.BackupTools}, {&v1alpha1.RestoreJob{}, &out.RestoreJobs}} {
		if *k.inf, err = get(k.obj); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// pods resolves targets from the manager's cache, through its client (list
// and watch on pods).
func pods(c client.Reader) kubehost.Pods {
	return func(ctx context.Context, namespace string, selector labels.Selector) ([]corev1.Pod, error) {
		var list corev1.PodList
		err := c.List(ctx, &list, client.InNamespace(namespace), client.MatchingLabelsSelector{Selector: selector})
		return list.Items, err
	}
}

// secrets reads secrets with the manager's client, which NewManager makes
// read them from the API server (get only, nothing cached).
func secrets(c client.Reader) kubehost.Secrets {
	return func(ctx context.Context, namespace, name string) (*corev1.Secret, error) {
		var s corev1.Secret
		if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &s); err != nil {
			return nil, err
		}
		return &s, nil
	}
}

// addController registers one controller whose requests are the engine's:
// each change of the four kinds is routed to the Requests it concerns, and
// each Request is reconciled by Engine.Reconcile, which says when to come
// back.
func addController(mgr manager.Manager, engine dataprotection.Engine) error {
	router := engine.Router()
	b := builder.TypedControllerManagedBy[dataprotection.Request](mgr).Named("dataprotection")
	b = b.WatchesRawSource(source.TypedKind(mgr.GetCache(), &v1alpha1.Backup{}, route[*v1alpha1.Backup](router)))
	b = b.WatchesRawSource(source.TypedKind(mgr.GetCache(), &v1alpha1.BackupPolicy{}, route[*v1alpha1.BackupPolicy](router)))
	b = b.WatchesRawSource(source.TypedKind(mgr.GetCache(), &v1alpha1.BackupTool{}, route[*v1alpha1.BackupTool](router)))
	b = b.WatchesRawSource(source.TypedKind(mgr.GetCache(), &v1alpha1.RestoreJob{}, route[*v1alpha1.RestoreJob](router)))
	return b.Complete(reconcile.TypedFunc[dataprotection.Request](
		func(ctx context.Context, req dataprotection.Request) (reconcile.Result, error) {
			res, err := engine.Reconcile(ctx, req)
			return reconcile.Result{RequeueAfter: res.RequeueAfter}, err
		}))
}

// queue is the controller's work queue of engine Requests.
type queue = workqueue.TypedRateLimitingInterface[dataprotection.Request]

// route is the event handler of kind T: the Router says which Requests a
// change concerns (a Backup's change its policy too, a BackupTool's the
// policies that name it).
func route[T client.Object](router dataprotection.Router) handler.TypedEventHandler[T, dataprotection.Request] {
	add := func(ctx context.Context, q queue, old, obj any) {
		reqs, err := router.Route(ctx, old, obj)
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "route a change")
		}
		for _, r := range reqs {
			q.Add(r)
		}
	}
	return handler.TypedFuncs[T, dataprotection.Request]{
		CreateFunc:  func(ctx context.Context, e event.TypedCreateEvent[T], q queue) { add(ctx, q, nil, e.Object) },
		UpdateFunc:  func(ctx context.Context, e event.TypedUpdateEvent[T], q queue) { add(ctx, q, e.ObjectOld, e.ObjectNew) },
		DeleteFunc:  func(ctx context.Context, e event.TypedDeleteEvent[T], q queue) { add(ctx, q, e.Object, nil) },
		GenericFunc: func(ctx context.Context, e event.TypedGenericEvent[T], q queue) { add(ctx, q, nil, e.Object) },
	}
}
