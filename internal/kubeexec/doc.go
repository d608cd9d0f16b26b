// Package kubeexec runs a command in a container of a running pod, as
// kubectl exec does: the API server upgrades the connection (WebSocket, with
// a fallback to SPDY for servers that lack the WebSocket protocol) and
// proxies the command's standard streams from the kubelet.
//
// The drivers use it for work that must happen inside the database's own
// container (snapshot hooks, backupStatusUpdates scripts). What it captures
// is bounded: the beginning of standard output up to a limit, and the end of
// standard error, so a chatty command cannot exhaust the engine's memory.
package kubeexec
