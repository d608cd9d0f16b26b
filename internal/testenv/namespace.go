package testenv

import (
	"context"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxNamespacePrefix keeps generated names well inside the 63 characters of a
// DNS label; the server appends five random characters.
const maxNamespacePrefix = 40

var notDNSLabel = regexp.MustCompile(`[^a-z0-9]+`)

// NewNamespace creates a namespace with a unique name derived from the test's
// name, for the test to keep its objects apart from other tests', and
// returns the name. It fails the test if the namespace cannot be created.
// When the test ends the namespace is deleted; as no namespace controller
// runs, it then stays Terminating, with its objects, until the Env stops.
func (e *Env) NewNamespace(t testing.TB) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: namespacePrefix(t.Name())}}
	created, err := e.Client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("testenv: create namespace: %v", err)
	}
	name := created.Name
	t.Cleanup(func() {
		err := e.Client.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
		if err != nil {
			t.Errorf("testenv: delete namespace %s: %v", name, err)
		}
	})
	return name
}

// namespacePrefix turns a test name such as "TestBackup/full_run" into a
// generateName prefix such as "testbackup-full-run-".
func namespacePrefix(testName string) string {
	p := notDNSLabel.ReplaceAllString(strings.ToLower(testName), "-")
	p = strings.Trim(p, "-")
	if len(p) > maxNamespacePrefix {
		p = strings.TrimRight(p[:maxNamespacePrefix], "-")
	}
	if p == "" {
		p = "test"
	}
	return p + "-"
}
