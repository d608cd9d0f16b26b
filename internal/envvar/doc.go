// Package envvar is the Kubernetes environment language of tool commands:
// $(VAR) references and "$$" escapes, expanded as the kubelet expands a
// container's env and command. The policy package substitutes the values it
// knows early (Substitute); a driver that sets variables itself expands them
// once, at the end (Expand).
package envvar
