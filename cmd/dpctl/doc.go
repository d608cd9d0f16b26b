// Command dpctl operates the dataprotection.kubeblocks.io/v1alpha1 API from
// a shell. Build it with
//
//	go build ./cmd/dpctl
//
// It works on a cluster (--kubeconfig, KUBECONFIG or ~/.kube/config: the
// objects are custom resources and the operator in the cluster does their
// work) or on a bolt file (--db or DPCTL_DB: the embedded store). See the
// README's "dpctl" section and dpctl --help.
package main
