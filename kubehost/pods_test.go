package kubehost_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/kubehost"
)

func TestPodsResolveTheMatchingPodsOfTheNamespace(t *testing.T) {
	env := testenv.Require(t)
	ctx := context.Background()
	ns, other := env.NewNamespace(t), env.NewNamespace(t)
	pg := map[string]string{"app": "pg"}
	pg1 := createPod(t, env.Client, ns, "pg-1", pg, corev1.PodRunning, "10.0.0.2", fullSpec())
	pg0 := createPod(t, env.Client, ns, "pg-0", pg, corev1.PodPending, "10.0.0.1", corev1.PodSpec{})
	createPod(t, env.Client, ns, "pg-done", pg, corev1.PodSucceeded, "", corev1.PodSpec{})
	createPod(t, env.Client, ns, "pg-failed", pg, corev1.PodFailed, "", corev1.PodSpec{})
	createPod(t, env.Client, ns, "web-0", map[string]string{"app": "web"}, corev1.PodRunning, "10.0.0.9", corev1.PodSpec{})
	createPod(t, env.Client, other, "pg-0", pg, corev1.PodRunning, "10.0.1.1", corev1.PodSpec{})
	deleting := createPod(t, env.Client, ns, "pg-deleting", pg, corev1.PodRunning, "10.0.0.3", corev1.PodSpec{})
	deleting.Finalizers = []string{"example.com/keep"}
	_, err := env.Client.CoreV1().Pods(ns).Update(ctx, deleting, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.NoError(t, env.Client.CoreV1().Pods(ns).Delete(ctx, "pg-deleting", metav1.DeleteOptions{}))
	t.Cleanup(func() { removeFinalizers(env.Client, ns, "pg-deleting") })

	for name, pods := range map[string]kubehost.Pods{
		"from a client": kubehost.PodsFromClient(env.Client),
		"from a lister": fromCache(t, env.Client, ns, func(f informers.SharedInformerFactory) kubehost.Pods {
			return kubehost.PodsFromLister(f.Core().V1().Pods().Lister())
		}),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := pods.Targets(ctx, ns, labels.SelectorFromSet(pg))
			require.NoError(t, err)
			require.Len(t, got, 2, "%+v", got)
			// The API server adds default tolerations: expect the pods as stored.
			assert.Equal(t, drivers.Target{Name: "pg-0", Namespace: ns, Host: "10.0.0.1", Labels: pg, Image: "postgres:16",
				Containers: []string{"db"}, Tolerations: pg0.Spec.Tolerations, NotReady: true}, got[0], "a Pending pod is not ready")
			assert.Equal(t, drivers.Target{Name: "pg-1", Namespace: ns, Host: "10.0.0.2", Node: "node-a", Labels: pg, Image: "postgres:16",
				Containers: []string{"db", "exporter"}, Volumes: pg1.Spec.Volumes, VolumeMounts: pg1.Spec.Containers[0].VolumeMounts,
				Tolerations: pg1.Spec.Tolerations}, got[1])
			assert.Equal(t, fullSpec().Volumes[0].Name, got[1].Volumes[0].Name)
			assert.Equal(t, fullSpec().Containers[0].VolumeMounts[0].MountPath, got[1].VolumeMounts[0].MountPath)
			assert.Contains(t, got[1].Tolerations, fullSpec().Tolerations[0])
		})
	}
}

func TestPodsOfANamespaceWithoutMatchesAreNone(t *testing.T) {
	env := testenv.Require(t)
	ns := env.NewNamespace(t)
	got, err := kubehost.PodsFromClient(env.Client).Targets(context.Background(), ns, labels.SelectorFromSet(map[string]string{"app": "pg"}))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestPodsReportAPIErrorsAsUnavailable(t *testing.T) {
	env := testenv.Require(t)
	cfg, err := env.ConfigFor("nobody") // no RBAC grant: every request is Forbidden
	require.NoError(t, err)
	client, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	_, err = kubehost.PodsFromClient(client).Targets(context.Background(), "default", labels.Everything())
	require.Error(t, err)
	assert.Equal(t, drivers.Unavailable, drivers.ErrorCode(err), "%v", err)
}

// fullSpec is a pod spec with everything a target carries.
func fullSpec() corev1.PodSpec {
	return corev1.PodSpec{
		NodeName: "node-a",
		Containers: []corev1.Container{
			{Name: "db", Image: "postgres:16", VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql"}}},
			{Name: "exporter", Image: "exporter:1"},
		},
		Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-pg-1"}}}},
		Tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "db", Effect: corev1.TaintEffectNoSchedule}},
	}
}

// createPod creates a pod with spec (a container "db" when it has none)
// and sets its phase and IP, as a kubelet would.
func createPod(t *testing.T, c kubernetes.Interface, ns, name string, lbls map[string]string, phase corev1.PodPhase, ip string, spec corev1.PodSpec) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	if len(spec.Containers) == 0 {
		spec.Containers = []corev1.Container{{Name: "db", Image: "postgres:16"}}
	}
	pod, err := c.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls}, Spec: spec}, metav1.CreateOptions{})
	require.NoError(t, err)
	pod.Status.Phase = phase
	if phase == corev1.PodRunning {
		pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	}
	if ip != "" {
		pod.Status.PodIP, pod.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
	}
	pod, err = c.CoreV1().Pods(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	require.NoError(t, err)
	return pod
}

func removeFinalizers(c kubernetes.Interface, ns, name string) {
	ctx := context.Background()
	if pod, err := c.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
		pod.Finalizers = nil
		_, _ = c.CoreV1().Pods(ns).Update(ctx, pod, metav1.UpdateOptions{})
	}
}
