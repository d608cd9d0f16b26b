package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/kube"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// fieldManager names dpctl's writes in the objects' managedFields.
const fieldManager = "dpctl"

// kubeBackend is a cluster: the objects are custom resources, and the
// operator running there does their work.
type kubeBackend struct {
	st        *kube.Store
	client    kubernetes.Interface
	namespace string
}

// openKube connects to the cluster of the kubeconfig the flags select.
func openKube(_ context.Context, a *app) (*kubeBackend, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = a.kubeconfig
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: a.kubeContext})
	cfg, err := cc.ClientConfig()
	if clientcmd.IsEmptyConfig(err) {
		return nil, errors.New("no backend: pass --db FILE for a bolt file (or set " + envDB +
			"), or --kubeconfig FILE for a cluster (or set KUBECONFIG)")
	}
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return newKubeBackend(rest.CopyConfig(cfg), ns)
}

func newKubeBackend(cfg *rest.Config, namespace string) (*kubeBackend, error) {
	cfg.UserAgent = "dpctl"
	st, err := kube.New(cfg, kube.Options{FieldManager: fieldManager})
	if err != nil {
		return nil, err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube client: %w", err)
	}
	return &kubeBackend{st: st, client: client, namespace: namespace}, nil
}

// Store is the kube store of the cluster.
func (k *kubeBackend) Store() store.Store { return k.st }

// Namespace is the kubeconfig context's namespace.
func (k *kubeBackend) Namespace() string { return k.namespace }

// Close ends the store's watches.
func (k *kubeBackend) Close() error { return k.st.Close() }

// CheckWork: the operator in the cluster does the work.
func (k *kubeBackend) CheckWork(string) error { return nil }

// Work: the operator in the cluster does the work; there is nothing to run.
func (k *kubeBackend) Work(ctx context.Context, _ func(event)) (context.Context, func(), error) {
	return ctx, func() {}, nil
}

// Events lists the Events whose involvedObject is obj (by UID).
func (k *kubeBackend) Events(ctx context.Context, obj store.Object) ([]event, bool, error) {
	sel := fields.Set{"involvedObject.name": obj.GetName(), "involvedObject.uid": string(obj.GetUID())}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault // events about cluster-scoped objects
	}
	list, err := k.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel.String()})
	if err != nil {
		return nil, true, fmt.Errorf("list events: %w", err)
	}
	out := make([]event, 0, len(list.Items))
	for _, e := range list.Items {
		out = append(out, event{Type: e.Type, Reason: e.Reason, Message: e.Message, Count: e.Count, Last: eventTime(e)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Last.Before(out[j].Last) })
	return out, true, nil
}

// eventTime is when an event last happened, whichever API wrote it.
func eventTime(e corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}

// Logs writes the logs of the pods of obj's tasks: the pods in obj's
// namespace labelled with its name whose task ID is one of obj's.
func (k *kubeBackend) Logs(ctx context.Context, w io.Writer, obj store.Object) error {
	if tasks := recordedTasks(obj); len(tasks) > 0 && k.client != nil {
		d, err := job.New(k.client, job.Options{})
		if err != nil {
			return err
		}
		if found, err := driverLogs(ctx, w, d, tasks); found || err != nil { // the Job driver's LogReader: redacted, bounded
			return err
		}
	}
	key := v1alpha1.LabelBackupName
	if _, ok := obj.(*v1alpha1.RestoreJob); ok {
		key = v1alpha1.LabelRestoreJobName
	}
	sel := labels.Set{key: obj.GetName()}.String()
	pods, err := k.client.CoreV1().Pods(obj.GetNamespace()).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return fmt.Errorf("list the pods of %s: %w", kindOf(obj).ref(obj.GetNamespace(), obj.GetName()), err)
	}
	var mine []corev1.Pod
	for _, p := range pods.Items {
		if _, ok := parseTaskID(obj.GetName(), obj.GetUID(), p.Labels[v1alpha1.LabelTaskID]); ok {
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 {
		return fmt.Errorf("no pods of %s in namespace %s (label %s): its tasks have not started, or their Jobs were removed",
			kindOf(obj).ref(obj.GetNamespace(), obj.GetName()), obj.GetNamespace(), sel)
	}
	sortPodsByTask(mine, obj)
	for _, p := range mine {
		if err := k.podLogs(ctx, w, &p, len(mine) > 1); err != nil {
			return err
		}
	}
	return nil
}

func sortPodsByTask(pods []corev1.Pod, owner store.Object) {
	sort.SliceStable(pods, func(i, j int) bool {
		a, _ := parseTaskID(owner.GetName(), owner.GetUID(), pods[i].Labels[v1alpha1.LabelTaskID])
		b, _ := parseTaskID(owner.GetName(), owner.GetUID(), pods[j].Labels[v1alpha1.LabelTaskID])
		if a.less(b) || b.less(a) {
			return a.less(b)
		}
		return pods[i].CreationTimestamp.Before(&pods[j].CreationTimestamp)
	})
}

// podLogs writes the logs of every container of a pod, with a header when
// there is more than one log.
func (k *kubeBackend) podLogs(ctx context.Context, w io.Writer, p *corev1.Pod, headers bool) error {
	containers := append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...)
	for _, c := range containers {
		if headers || len(containers) > 1 {
			fmt.Fprintf(w, "==> pod %s, container %s (task %s) <==\n", p.Name, c.Name, p.Labels[v1alpha1.LabelTaskID])
		}
		rc, err := k.client.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: c.Name}).Stream(ctx)
		if err != nil {
			return fmt.Errorf("logs of pod %s/%s container %s: %w", p.Namespace, p.Name, c.Name, err)
		}
		_, err = io.Copy(w, rc)
		_ = rc.Close()
		if err != nil {
			return fmt.Errorf("logs of pod %s/%s container %s: %w", p.Namespace, p.Name, c.Name, err)
		}
	}
	return nil
}
