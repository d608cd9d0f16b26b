// Package testkubelet plays, for tests and benchmarks, the parts of
// Kubernetes that do not run where only kube-apiserver and etcd do, in two
// separable halves:
//
//   - the Job controller (controller.go, jobstatus.go): for each new Job of
//     a namespace it creates the pod, writes the Job's status as the
//     controller does (running, then Complete or Failed; DeadlineExceeded
//     past activeDeadlineSeconds), and stops a suspended or deleted Job's
//     pod. A real kube-controller-manager will replace this half.
//   - the node (node.go): a Node runs a pod's container and reports how it
//     terminated; Local runs it on this machine as a process, as the
//     kubelet would: the environment resolved by the one resolution the
//     drivers use (internal/envvar), $(VAR) in command and args expanded
//     with it, each claim mounted as a directory, the termination message
//     written to a file (FallbackToLogsOnError).
//
// The pod's status is written by the controller half for the node (the
// node half only runs), so a fake Node (a benchmark's, which runs nothing)
// needs no API access.
package testkubelet
