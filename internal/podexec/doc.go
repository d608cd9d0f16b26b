// Package podexec runs commands in a container of a running pod: the one
// implementation of the hook and status-update tasks that the Job and CSI
// drivers run by pod exec.
//
// An Executor is the transport: Kube runs a command as kubectl exec does
// (the API server upgrades the connection, WebSocket with a fallback to
// SPDY, and proxies the standard streams from the kubelet), keeping the
// beginning of standard output up to a limit and the end of standard
// error, so a chatty command cannot exhaust the engine's memory.
//
// A Runner runs tasks on it with the Driver SPI's semantics:
//
//   - the environment is resolved once, as the kubelet would
//     (internal/envvar: secrets and config maps of the target's namespace,
//     the target's pod fields), and reaches the container on standard input
//     as shell code, with the commands ($(VAR) references expanded); the
//     request's URL carries only a script without values and a random end
//     line. Variables a shell cannot name are refused (envFrom keys are
//     left out).
//   - everything it reports is redacted with the secret values it resolved:
//     the log tail and messages as text, a status update's standard output
//     (its Output, when it is one JSON object) in the decoded document.
//   - each task is recorded in the cluster, in a ConfigMap named by the task
//     ID (Options.Namespace, else the target's namespace), labelled with
//     v1alpha1.LabelTaskID and LabelTaskKind: its phase, pod and container,
//     times and redacted result. Start adopts a recorded task without
//     running it. A restarted engine reports a finished task from its
//     record, and a task that was Running when the process stopped as
//     Failed with code Unavailable and a message that says so: the command
//     is never run twice by one task. Cleanup deletes the record; with
//     Options.OwnerReferences the garbage collector deletes it with the
//     Backup or RestoreJob.
//
// The identity needs, besides pods/exec (create, and get for WebSocket on
// servers before 1.35): secrets and configmaps get in the targets'
// namespaces, and configmaps create, update, delete and list (list across
// namespaces when Options.Namespace is empty) where the records live.
package podexec
