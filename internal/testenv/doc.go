// Package testenv runs a real Kubernetes control plane, etcd and
// kube-apiserver, and on request kube-controller-manager, for integration
// tests. Its subpackage s3env runs a real S3 server.
//
// The binaries are built from source by hack/testenv-binaries.sh (make test
// runs it) into a cache directory outside the repository. Tests find them
// through the environment variable DP_TESTENV_BIN, a directory holding the
// executables etcd, kube-apiserver, kube-controller-manager and versitygw:
//
//	export DP_TESTENV_BIN="$(hack/testenv-binaries.sh | tail -1)"
//	DP_REQUIRE_TESTENV=1 go test ./...
//
// A test package starts at most one control plane, lazily, the first time a
// test asks for it, and stops it when the package's tests are done. Tests
// isolate themselves from each other with a namespace of their own:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }
//
//	func TestSomething(t *testing.T) {
//		env := testenv.Require(t)
//		ns := env.NewNamespace(t)
//		_, err := env.Client.CoreV1().ConfigMaps(ns).Create(...)
//		...
//	}
//
// # Skip or fail
//
// When DP_TESTENV_BIN is unset and DP_REQUIRE_TESTENV is not set, [Require]
// skips the test with a message that names make test, so that a plain
// go test ./... works on a machine without the binaries. With
// DP_REQUIRE_TESTENV=1 (set by make test and CI) a missing binary or a control
// plane that does not start fails the test; it never skips. When
// DP_TESTENV_BIN is set, a control plane that does not start is always a
// failure.
//
// # What runs, and what does not
//
// [Require] starts only etcd and kube-apiserver, on free loopback ports, with
// a throwaway certificate authority generated at start. Authorization is
// RBAC: [Env.Config] is an administrator (group system:masters), and
// [Env.ConfigFor] makes identities with no permissions beyond what the test
// grants them through RBAC objects. No controllers run: namespaces are never
// finalized (a deleted namespace stays Terminating), owner references are not
// garbage collected, Pods are never scheduled or run, and service account
// tokens are not created automatically. The admission plugin ServiceAccount is
// disabled so that Pods can be created without a service account.
//
// A test that needs Jobs to get Pods calls [RequireControllers] instead. The
// first such call in a test package also starts kube-controller-manager (about
// half a second more) with three controllers, listed in [Controllers]: the Job
// controller (Jobs get Pods and, from their Pods' phases, status and
// conditions such as Complete), the garbage collector (deleting an owner
// deletes its dependents, in the background or in the foreground), and the
// TTL-after-finished controller (finished Jobs with ttlSecondsAfterFinished
// are deleted). From then on they run for every test of the package, so keep
// tests that rely on the absence of garbage collection in packages that do
// not call RequireControllers. Packages that never call it never start the
// controller manager. Still nothing schedules or runs Pods: a test plays the
// scheduler and the kubelet itself, binding a Pod to a Node object it created
// (the binding subresource) and writing the Pod's status (phase Succeeded or
// Failed, terminated container states). Namespaces are still never finalized.
// The controllers' probe Job lives in the namespace testenv-controllers.
package testenv
