// Package envvar is the Kubernetes environment of tool commands, written
// once for the policy package and every runner that sets variables itself
// (the local driver, pod exec, the test kubelet):
//
//   - the $(VAR) language: references and "$$" escapes, expanded as the
//     kubelet expands a container's env and command. The policy package
//     substitutes the values it knows early (Substitute); a runner expands
//     them once, at the end (Expand, Env.Expand).
//   - resolution (Resolver): a container's env and envFrom turned into
//     final values exactly as the kubelet does, reading secrets and config
//     maps through the caller's Sources and fieldRefs through its Fields.
//   - redaction (Redactor): the resolved environment knows which values
//     came from secrets and hides them in text and, decoded, in JSON.
package envvar
