// Package store is the storage SPI of the engine: where Backups,
// BackupPolicies, BackupTools and RestoreJobs live, with the semantics of the
// Kubernetes API server that the engine relies on.
//
// Three stores implement it: store/memory (tests), store/bolt (the embedded
// default, persistent, go.etcd.io/bbolt) and store/kube (a cluster, through
// client-go). store/storetest is the conformance suite every one of them
// passes.
//
// The semantics every store keeps, as the API server does for CRDs with a
// status subresource:
//   - Create sets UID, resourceVersion, generation 1 and creationTimestamp,
//     applies the API defaults, validates (an Invalid error otherwise) and
//     ignores status; AlreadyExists when the name is taken.
//   - Update changes metadata and spec, never status; it needs the current
//     resourceVersion (Conflict otherwise) and bumps generation when the spec
//     changes.
//   - UpdateStatus changes status only, with the same resourceVersion rule.
//   - Delete of an object with finalizers sets deletionTimestamp; the object
//     goes when an Update removes its last finalizer. Without finalizers it
//     goes at once.
//   - Watch delivers Added, Modified and Deleted events, in order, for
//     every change after it started.
//   - ListBy selects on an index (Index): Backups by policy and by phase,
//     RestoreJobs by phase, BackupPolicies by the tools they name. Every
//     store defines the indexes' values with the same function
//     (IndexValues) and answers from an index, reading only the objects
//     it selects, so a query costs what it returns, not the namespace.
//
// Errors are Kubernetes API status errors (k8s.io/apimachinery/pkg/api/errors),
// the same for every store: apierrors.IsNotFound and its siblings classify
// them, and so does drivers.ErrorCode, the classifier the whole engine uses
// (NotFound, AlreadyExists, Conflict, InvalidArgument).
package store
