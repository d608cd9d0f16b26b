// Package taskwatch is the read side the Kubernetes drivers (drivers/job,
// drivers/csi) share: label-selected informers on the objects their tasks
// make, indexed by the task label v1alpha1.LabelTaskID, an overlay that
// lets a driver read its own writes before its informers have seen them,
// and the listeners of drivers.Notifier, called with a task's ID whenever
// one of its objects changes.
//
// A Watch holds one Kind per kind of object. A Kind's informer is the
// driver's own (started on first use, stopped by Close) or the host's (the
// host starts and stops it; Close removes the Watch's handler). Reads wait
// until every informer has synced, for at most the Watch's sync timeout.
package taskwatch
