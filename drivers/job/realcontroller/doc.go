// Package realcontroller holds the Job driver's tests against a real
// kube-controller-manager (the Job, garbage collector and TTL-after-finished
// controllers, internal/testenv.RequireControllers) with one shared test
// kubelet (internal/testkubelet.Kubelet) playing only the node. They live
// apart from the driver's own tests, which play the Job controller
// themselves and must not have a real one create pods beside theirs.
package realcontroller
