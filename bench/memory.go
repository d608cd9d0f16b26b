package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	"github.com/dpsdk/dataprotection/client/informers/externalversions"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// memoryTool is the BackupTool of the memory figure.
const memoryTool = "bench-memory"

// MemoryOptions size the memory figure.
type MemoryOptions struct {
	// Backups and Policies are the numbers of objects. Defaults 10,000 and
	// 1,000.
	Backups, Policies int
	// Namespaces they are spread over. Default 100.
	Namespaces int
}

func (o *MemoryOptions) defaults() {
	if o.Backups <= 0 {
		o.Backups = 10_000
	}
	if o.Policies <= 0 {
		o.Policies = 1_000
	}
	if o.Namespaces <= 0 {
		o.Namespaces = 100
	}
}

// memoryNamespace is the namespace of policy i.
func memoryNamespace(i int, o MemoryOptions) string {
	return fmt.Sprintf("mem-%03d", i*o.Namespaces/o.Policies)
}

// FillMemory creates the memory figure's objects: Policies BackupPolicies
// (Available, as the engine leaves them) over Namespaces namespaces and
// Backups Completed manual Backups spread evenly over the policies, each
// with the finalizer, a target, a checksum and a file path, as the engine
// leaves a finished backup. have is the number of Backups a previous call
// created (the policies with them): only the rest are created.
func FillMemory(ctx context.Context, c *Cluster, opts MemoryOptions, have int) error {
	opts.defaults()
	st, err := c.Store()
	if err != nil {
		return err
	}
	defer st.Close()
	done := metav1.NewTime(time.Now().UTC().Truncate(time.Second))
	if have == 0 {
		if err := fillPolicies(ctx, c, st, opts, done); err != nil {
			return err
		}
	}
	return forEach(ctx, opts.Backups-have, 8, func(j int) error {
		j += have
		i := j % opts.Policies
		return fillBackup(ctx, st, memoryNamespace(i, opts), fmt.Sprintf("policy-%05d", i), j, done)
	})
}

// fillPolicies creates the namespaces, the tool and the policies.
func fillPolicies(ctx context.Context, c *Cluster, st store.Store, opts MemoryOptions, done metav1.Time) error {
	for i := range opts.Namespaces {
		if err := c.CreateNamespace(ctx, fmt.Sprintf("mem-%03d", i)); err != nil {
			return err
		}
	}
	if _, err := st.BackupTools().Create(ctx, newTool(memoryTool, "true")); ignoreExists(err) != nil {
		return err
	}
	return forEach(ctx, opts.Policies, 8, func(i int) error { return fillPolicy(ctx, st, memoryNamespace(i, opts), i, done) })
}

func fillPolicy(ctx context.Context, st store.Store, ns string, i int, done metav1.Time) error {
	p, err := st.BackupPolicies().Create(ctx, newPolicy(ns, fmt.Sprintf("policy-%05d", i), memoryTool))
	if err != nil {
		return err
	}
	p.Status = v1alpha1.BackupPolicyStatus{Phase: v1alpha1.PolicyAvailable, ObservedGeneration: p.Generation, LastSuccessfulTime: &done}
	_, err = st.BackupPolicies().UpdateStatus(ctx, p)
	return err
}

func fillBackup(ctx context.Context, st store.Store, ns, policy string, j int, done metav1.Time) error {
	b := newBackup(ns, fmt.Sprintf("backup-%05d", j), policy)
	b.Finalizers = []string{v1alpha1.Finalizer}
	b.Annotations = map[string]string{v1alpha1.AnnotationTargetPodName: "bench-db-0", v1alpha1.AnnotationDriver: drivers.NameJob}
	b, err := st.Backups().Create(ctx, b)
	if err != nil {
		return err
	}
	b.Status = v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted, StartTimestamp: &done, CompletionTimestamp: &done,
		Duration: &metav1.Duration{Duration: time.Second}, TotalSize: "1024", BackupToolName: memoryTool,
		Manifests: &v1alpha1.ManifestsStatus{Target: `{"name":"bench-db-0","namespace":""}`,
			BackupTool: &v1alpha1.BackupToolManifestsStatus{FilePath: "/backupdata/" + ns + "/" + b.Name, UploadTotalSize: "1024",
				CheckSum: "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"}}}
	_, err = st.Backups().UpdateStatus(ctx, b)
	return err
}

// MemoryResult is the memory of one process of the memory figure.
type MemoryResult struct {
	// Live is the memory when the work was done; Held the same after a
	// forced GC.
	Live, Held Memory
	// Time is how long the work took.
	Time time.Duration
	// Reconciled counts the Backups and BackupPolicies reconciled (engine),
	// or held in the caches (informers).
	Backups, Policies int64
}

// MemoryEngine runs an engine on the kube store (with the instant driver;
// nothing runs) until it has reconciled every Backup and BackupPolicy at
// least once and then been idle for two seconds, and returns the process's
// memory. The kube store serves its reads from its informers: the engine
// holds every object of its four kinds, once.
func MemoryEngine(ctx context.Context, c *Cluster, opts MemoryOptions) (MemoryResult, error) {
	opts.defaults()
	st, err := c.Store()
	if err != nil {
		return MemoryResult{}, err
	}
	counted := &countingStore{Store: st}
	engine, err := dataprotection.New(dataprotection.Config{Store: counted, Drivers: newInstantDriver().registry(),
		Targets: targets.Static{benchTarget("")}})
	if err != nil {
		return MemoryResult{}, err
	}
	start := time.Now()
	ectx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = engine.Run(ectx) })
	defer func() { cancel(); wg.Wait(); _ = st.Close() }()
	err = poll(ctx, "the engine reconciles every object", 100*time.Millisecond, 10*time.Minute, func() (bool, error) {
		b, p, last := counted.counts()
		return b >= int64(opts.Backups) && p >= int64(opts.Policies) && time.Since(last) >= 2*time.Second, nil
	})
	if err != nil {
		return MemoryResult{}, err
	}
	b, p, last := counted.counts()
	res := MemoryResult{Time: last.Sub(start), Backups: b, Policies: p, Live: ReadMemory(false)}
	res.Held = ReadMemory(true)
	return res, nil
}

// countingStore counts the Gets of Backups and BackupPolicies: one per
// reconcile.
type countingStore struct {
	store.Store
	backups, policies atomic.Int64
	last              atomic.Int64 // unix nanoseconds of the last Get
}

func (s *countingStore) counts() (backups, policies int64, last time.Time) {
	return s.backups.Load(), s.policies.Load(), time.Unix(0, s.last.Load())
}

func (s *countingStore) Backups() store.Resource[*v1alpha1.Backup] {
	return countedGets[*v1alpha1.Backup]{Resource: s.Store.Backups(), n: &s.backups, last: &s.last}
}

func (s *countingStore) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return countedGets[*v1alpha1.BackupPolicy]{Resource: s.Store.BackupPolicies(), n: &s.policies, last: &s.last}
}

type countedGets[T store.Object] struct {
	store.Resource[T]
	n, last *atomic.Int64
}

func (r countedGets[T]) Get(ctx context.Context, namespace, name string) (T, error) {
	r.n.Add(1)
	r.last.Store(time.Now().UnixNano())
	return r.Resource.Get(ctx, namespace, name)
}

// MemoryInformers is the memory figure's baseline: the generated
// client-go informers of Backups and BackupPolicies, synced, holding every
// object in their caches, as an informer-based controller would.
func MemoryInformers(ctx context.Context, c *Cluster) (MemoryResult, error) {
	cs, err := versioned.NewForConfig(c.Config)
	if err != nil {
		return MemoryResult{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	f := externalversions.NewSharedInformerFactory(cs, 0)
	backups := f.Dataprotection().V1alpha1().Backups()
	policies := f.Dataprotection().V1alpha1().BackupPolicies()
	backups.Informer()
	policies.Informer()
	f.Start(ctx.Done())
	for typ, ok := range f.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return MemoryResult{}, fmt.Errorf("informer of %v did not sync", typ)
		}
	}
	res := MemoryResult{Time: time.Since(start), Backups: int64(len(backups.Informer().GetStore().ListKeys())),
		Policies: int64(len(policies.Informer().GetStore().ListKeys())), Live: ReadMemory(false)}
	res.Held = ReadMemory(true)
	cancel()
	f.Shutdown()
	return res, nil
}

// MemoryIdle is the floor: the same process with a client that has made
// one request, holding nothing.
func MemoryIdle(ctx context.Context, c *Cluster) (MemoryResult, error) {
	start := time.Now()
	if _, err := c.Client.Discovery().ServerVersion(); err != nil {
		return MemoryResult{}, err
	}
	res := MemoryResult{Time: time.Since(start), Live: ReadMemory(false)}
	res.Held = ReadMemory(true)
	return res, ctx.Err()
}
