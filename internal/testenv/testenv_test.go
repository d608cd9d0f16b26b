package testenv_test

import (
	"context"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/dpsdk/dataprotection/internal/testenv"
)

// wantServerVersion is the kube-apiserver version pinned in
// hack/testenv/go.mod.
const wantServerVersion = "v1.37.2"

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

func TestServerVersion(t *testing.T) {
	env := testenv.Require(t)
	info, err := env.Client.Discovery().ServerVersion()
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	if info.GitVersion != wantServerVersion {
		t.Errorf("server version = %q, want %q", info.GitVersion, wantServerVersion)
	}
}

func TestConfigMapRoundTrip(t *testing.T) {
	env := testenv.Require(t)
	ns := env.NewNamespace(t)
	ctx := t.Context()
	want := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: ns},
		Data:       map[string]string{"retention": "7d"},
	}
	if _, err := env.Client.CoreV1().ConfigMaps(ns).Create(ctx, want, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := env.Client.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Data["retention"] != "7d" {
		t.Errorf("data = %v, want retention=7d", got.Data)
	}
}

func TestNamespacesAreDistinct(t *testing.T) {
	env := testenv.Require(t)
	a, b := env.NewNamespace(t), env.NewNamespace(t)
	if a == b {
		t.Fatalf("two namespaces share the name %q", a)
	}
}

func TestKubeconfig(t *testing.T) {
	env := testenv.Require(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig())
	if err != nil {
		t.Fatalf("load kubeconfig: %v", err)
	}
	client := kubernetes.NewForConfigOrDie(cfg)
	if _, err := client.CoreV1().Namespaces().List(t.Context(), metav1.ListOptions{}); err != nil {
		t.Fatalf("list namespaces through the kubeconfig: %v", err)
	}
}

func TestConfigForIsLeastPrivileged(t *testing.T) {
	env := testenv.Require(t)
	ns := env.NewNamespace(t)
	cfg, err := env.ConfigFor("alice", "team-a")
	if err != nil {
		t.Fatal(err)
	}
	client := kubernetes.NewForConfigOrDie(cfg)
	_, err = client.CoreV1().ConfigMaps(ns).List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("list configmaps as alice: err = %v, want Forbidden", err)
	}
}
