package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/kube"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// lifecycleTool is the BackupTool of the lifecycle figure.
const lifecycleTool = "bench-lifecycle"

// LifecycleOptions size the lifecycle figure.
type LifecycleOptions struct {
	// N is the number of Backups.
	N int
	// Workers is the engine's Config.Workers and the number of goroutines
	// of the raw loop. Default 2 (the engine's default).
	Workers int
	// Namespace is created for the run; it must be new.
	Namespace string
	// Timeout bounds the wait for the N Backups. Default 10 minutes.
	Timeout time.Duration
}

// LifecycleResult is one run of the lifecycle figure.
type LifecycleResult struct {
	N int
	// Engine is the time from the first Backup's creation to the last
	// one's Completed; Raw the raw loop's time for as many writes.
	Engine, Raw time.Duration
	// EngineRequests are the requests of the engine's store during Engine
	// (its informers' initial lists came before); DriverRequests those of
	// the Job driver; Kubelet those of the test kubelet, which plays the
	// node of the Jobs' pods (the Job controller's own requests, made by
	// kube-controller-manager, are not counted).
	EngineRequests, DriverRequests, Kubelet RequestCounts
	// RawWrites is the number of writes of the raw loop: the N creations
	// plus the engine's and the driver's writes.
	RawWrites int64
	// CPU is the CPU time each process used during Engine: "bench" (this
	// process: the engine, the Job driver, the test kubelet) and the
	// control plane's (Cluster.PIDs); RawCPU the same during Raw.
	CPU, RawCPU map[string]time.Duration
}

// Lifecycle runs one lifecycle measurement: N Backups created at once and
// run by an engine over the kube store and the Job driver (both counted),
// their Jobs run by the real Job controller of c (c.JobController must be
// set) with the test kubelet as the node, terminating each pod at once
// with the script's result, then the raw loop in a second namespace.
// Engine options are the defaults (PollInterval 2s) but for Workers.
func Lifecycle(ctx context.Context, c *Cluster, opts LifecycleOptions) (LifecycleResult, error) {
	if !c.JobController {
		return LifecycleResult{}, errors.New("the lifecycle figure needs the Job controller (kube-controller-manager; testenv.Env.StartControllers)")
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Minute
	}
	res := LifecycleResult{N: opts.N}
	if err := c.CreateNamespace(ctx, opts.Namespace); err != nil {
		return res, err
	}
	admin, err := c.Store()
	if err != nil {
		return res, err
	}
	defer admin.Close()
	if err := setupLifecycle(ctx, admin, opts.Namespace); err != nil {
		return res, err
	}
	if err := runLifecycle(ctx, c, admin, opts, &res); err != nil {
		return res, err
	}
	if err := purgeNamespace(ctx, c, admin, opts.Namespace); err != nil {
		return res, fmt.Errorf("clean up: %w", err)
	}
	res.RawWrites = int64(opts.N) + res.EngineRequests.Writes + res.DriverRequests.Writes
	cpu := cpuOf(c.PIDs)
	res.Raw, err = RawWrites(ctx, c, opts.Namespace+"-raw", opts.N, res.RawWrites, opts.Workers)
	res.RawCPU = cpuSince(cpu, c.PIDs)
	return res, err
}

func setupLifecycle(ctx context.Context, st store.Store, ns string) error {
	_, err := st.BackupTools().Create(ctx, newTool(lifecycleTool, `echo backing up "$BACKUP_NAME"`))
	if err := ignoreExists(err); err != nil {
		return err
	}
	_, err = st.BackupPolicies().Create(ctx, newPolicy(ns, "bench", lifecycleTool))
	return ignoreExists(err)
}

// runLifecycle starts the kubelet and the engine, waits for the policy to be
// Available, then creates the Backups and waits for them to complete.
func runLifecycle(ctx context.Context, c *Cluster, admin *kube.Store, opts LifecycleOptions, res *LifecycleResult) error {
	var engineReqs, driverReqs, kubeletReqs Requests
	kc, err := kubernetes.NewForConfig(kubeletReqs.Wrap(c.Config))
	if err != nil {
		return err
	}
	kl, err := startKubelet(ctx, kc, opts.Namespace, 4)
	if err != nil {
		return err
	}
	engine, st, err := lifecycleEngine(c, &engineReqs, &driverReqs, opts)
	if err != nil {
		return errors.Join(err, kl.Stop())
	}
	ectx, stopEngine := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = engine.Run(ectx) })
	err = waitPolicyAvailable(ctx, admin, opts.Namespace, "bench")
	if err == nil {
		before, dBefore, kBefore := engineReqs.Counts(), driverReqs.Counts(), kubeletReqs.Counts()
		cpu := cpuOf(c.PIDs)
		res.Engine, err = createAndWait(ctx, admin, opts)
		res.CPU = cpuSince(cpu, c.PIDs)
		res.EngineRequests, res.DriverRequests = engineReqs.Counts().Sub(before), driverReqs.Counts().Sub(dBefore)
		res.Kubelet = kubeletReqs.Counts().Sub(kBefore)
	}
	stopEngine()
	wg.Wait()
	return errors.Join(err, st.Close(), kl.Stop())
}

// lifecycleEngine is an engine whose store counts its requests in reqs and
// whose Job driver counts its own in driverReqs.
func lifecycleEngine(c *Cluster, reqs, driverReqs *Requests, opts LifecycleOptions) (dataprotection.Engine, store.Store, error) {
	st, err := kube.New(reqs.Wrap(c.Config), kube.Options{})
	if err != nil {
		return nil, nil, err
	}
	client, err := kubernetes.NewForConfig(driverReqs.Wrap(c.Config))
	if err != nil {
		return nil, nil, err
	}
	jobDriver, err := job.New(client, job.Options{})
	if err != nil {
		return nil, nil, err
	}
	engine, err := dataprotection.New(dataprotection.Config{Store: st,
		Drivers: drivers.Registry{drivers.NameJob: jobDriver},
		Targets: targets.Static{benchTarget(opts.Namespace)}, Workers: opts.Workers})
	return engine, st, err
}

func waitPolicyAvailable(ctx context.Context, st store.Store, ns, name string) error {
	return poll(ctx, "BackupPolicy "+name+" Available", 20*time.Millisecond, time.Minute, func() (bool, error) {
		p, err := st.BackupPolicies().Get(ctx, ns, name)
		if err != nil {
			return false, err
		}
		if p.Status.Phase == v1alpha1.PolicyFailed {
			return false, fmt.Errorf("BackupPolicy %s failed: %s", name, p.Status.FailureReason)
		}
		return p.Status.Phase == v1alpha1.PolicyAvailable, nil
	})
}

// createAndWait creates opts.N Backups with four goroutines and returns the
// time until all of them are Completed.
func createAndWait(ctx context.Context, st store.Store, opts LifecycleOptions) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	w, err := st.Backups().Watch(ctx, opts.Namespace)
	if err != nil {
		return 0, err
	}
	defer w.Stop()
	start := time.Now()
	errc := make(chan error, 1)
	go func() {
		errc <- forEach(ctx, opts.N, 4, func(i int) error {
			_, err := st.Backups().Create(ctx, newBackup(opts.Namespace, fmt.Sprintf("b-%05d", i), "bench"))
			return err
		})
	}()
	if err := waitCompleted(ctx, w, opts.N); err != nil {
		return 0, err
	}
	return time.Since(start), <-errc
}

// waitCompleted reads w until n distinct Backups are Completed; a Failed
// one is an error.
func waitCompleted(ctx context.Context, w watch.Interface, n int) error {
	done := map[string]bool{}
	for len(done) < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d Backups completed: %w", len(done), n, ctx.Err())
		case ev, ok := <-w.ResultChan():
			if !ok {
				return errors.New("the watch of Backups ended")
			}
			b, isBackup := ev.Object.(*v1alpha1.Backup)
			switch {
			case !isBackup:
			case b.Status.Phase == v1alpha1.BackupFailed:
				return fmt.Errorf("backup %s failed: %s", b.Name, b.Status.FailureReason)
			case b.Status.Phase == v1alpha1.BackupCompleted:
				done[b.Name] = true
			}
		}
	}
	return nil
}

// forEach calls f(0) … f(n−1) on workers goroutines and returns the first
// error.
func forEach(ctx context.Context, n, workers int, f func(i int) error) error {
	next := make(chan int)
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// purgeNamespace deletes the Backups (finalizers removed), BackupPolicies,
// Jobs and pods of ns and waits until the Jobs and pods are gone, so that
// the next run's engine and driver, which watch every namespace, do not
// see them, and the garbage collector's work on them is over before the
// raw loop starts. The Jobs are deleted in the background (the garbage
// collector deletes their pods); the pods are deleted directly too, at
// once (grace period 0: the kubelet has stopped).
func purgeNamespace(ctx context.Context, c *Cluster, st store.Store, ns string) error {
	bs, err := st.Backups().List(ctx, ns, nil)
	if err != nil {
		return err
	}
	err = forEach(ctx, len(bs), 8, func(i int) error {
		b := bs[i]
		if len(b.Finalizers) > 0 {
			b.Finalizers = nil
			if _, err := st.Backups().Update(ctx, b); err != nil && !drivers.IsNotFound(err) {
				return err
			}
		}
		if err := st.Backups().Delete(ctx, ns, b.Name, ""); err != nil && !drivers.IsNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	all, background := metav1.ListOptions{}, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)}
	err = errors.Join(
		c.Client.BatchV1().Jobs(ns).DeleteCollection(ctx, background, all),
		c.Client.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}, all),
		deletePolicies(ctx, st, ns))
	if err != nil {
		return err
	}
	return poll(ctx, "the Jobs and pods of "+ns+" gone", 100*time.Millisecond, 2*time.Minute, func() (bool, error) {
		one := metav1.ListOptions{Limit: 1}
		jobs, err := c.Client.BatchV1().Jobs(ns).List(ctx, one)
		if err != nil {
			return false, err
		}
		pods, err := c.Client.CoreV1().Pods(ns).List(ctx, one)
		if err != nil {
			return false, err
		}
		return len(jobs.Items) == 0 && len(pods.Items) == 0, nil
	})
}

func deletePolicies(ctx context.Context, st store.Store, ns string) error {
	ps, err := st.BackupPolicies().List(ctx, ns, nil)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := st.BackupPolicies().Delete(ctx, ns, p.Name, ""); err != nil && !drivers.IsNotFound(err) {
			return err
		}
	}
	return nil
}
