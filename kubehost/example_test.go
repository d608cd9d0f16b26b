package kubehost_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/kubehost"
)

// An operator host gives the engine the pods of a policy's labelsSelector
// as targets and the keys of its secrets: here from a clientset (a fake one);
// PodsFromLister and SecretsFromLister read the informers a host runs.
func Example() {
	ctx := context.Background()
	client := fake.NewClientset(
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "pg-0", Labels: map[string]string{"app": "pg"}},
			Spec:   corev1.PodSpec{NodeName: "node-a", Containers: []corev1.Container{{Name: "postgres"}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.0.0.7"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "pg"},
			Data: map[string][]byte{"username": []byte("postgres"), "password": []byte("s3cret")}},
	)
	pods, secrets := kubehost.PodsFromClient(client), kubehost.SecretsFromClient(client)
	// dataprotection.Config{Targets: pods, Secrets: secrets, ...}

	targets, _ := pods.Targets(ctx, "demo", labels.SelectorFromSet(labels.Set{"app": "pg"}))
	for _, t := range targets {
		fmt.Println(t.Name, t.Host, t.Node, t.Containers)
	}
	keys, _ := secrets.SecretKeys(ctx, "demo", "pg")
	fmt.Println(keys)
	// Output:
	// pg-0 10.0.0.7 node-a [postgres]
	// [password username]
}

// Any reader fits: a controller-runtime host wraps its manager's cache (its
// List into a corev1.PodList, with the namespace and the selector) in a
// function of this shape. Here the "cache" is a slice.
func ExamplePods() {
	cached := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "pg-1", Labels: map[string]string{"app": "pg"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-0", Labels: map[string]string{"app": "web"}}},
	}
	pods := kubehost.Pods(func(_ context.Context, namespace string, selector labels.Selector) ([]corev1.Pod, error) {
		var out []corev1.Pod
		for _, p := range cached {
			if p.Namespace == namespace && selector.Matches(labels.Set(p.Labels)) {
				out = append(out, p)
			}
		}
		return out, nil
	})
	targets, _ := pods.Targets(context.Background(), "demo", labels.SelectorFromSet(labels.Set{"app": "pg"}))
	fmt.Println(len(targets), targets[0].Name)
	// Output: 1 pg-1
}
