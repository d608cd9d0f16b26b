// Package kube is the store.Store of a Kubernetes cluster: the objects are
// the custom resources of the dataprotection.kubeblocks.io/v1alpha1 CRDs
// (install them with types/v1alpha1/crds.Install), read and written through
// the generated typed clientset.
//
// The API server keeps the rules of package store; this package adds what
// makes the cluster behave exactly like the embedded stores:
//   - Create and Update apply the API defaults (v1alpha1.SetDefaults, the
//     same as the CRDs' defaults) and run the same validation as the
//     embedded stores before the request, so an object is rejected with the
//     same Invalid error whatever the store. The server then validates
//     against the CRD schema as well.
//   - Create ignores a resourceVersion on the object (the server would
//     refuse it) and generates a name from generateName as the embedded
//     stores do.
//   - Returned objects have their apiVersion and kind set and no
//     managedFields (the server's bookkeeping, which the caches do not
//     keep); List is sorted by namespace and name.
//
// # Reads come from caches
//
// The store is a controller, not a script: Get, List, ListBy and Watch are
// served by shared informers (client-go), one per kind — per namespace of
// Options.Namespaces when set — started on the first read of their kind
// (or by Sync) and stopped by Close. A read waits until its informer has
// synced. ListBy reads the informers' indexers (Backups by policy and
// phase, RestoreJobs by phase, BackupPolicies by tool), so a query costs
// what it returns. A host that runs informers of these kinds already hands
// them in (Options.Informers) and the objects are held once.
//
// Writes go to the API server with the object's resourceVersion as a
// precondition, so a write based on a stale read is a Conflict, never a
// lost update: the caller reads again and retries, as the engine does with
// every Conflict. The store reads its own writes: what a write returned (or
// the deletion) overlays the cache until the informer catches up, so a Get
// right after an Update returns at least that version, a List includes a
// Create, and a deleted object is gone. Changes by other clients show up
// when the informer delivers them, usually within milliseconds.
//
// Watch is served from the informers' events, after the cache has them: a
// reader woken by an event reads at least that event's version. It does
// not deliver the store's own writes made before the call; a change by
// another client made just before the call may still be delivered, the
// store learning of it after the call, which a client that lists and
// watches tolerates. A watcher that falls behind is closed, as with the
// embedded stores; the caller lists and watches again.
//
// Options.DirectReads turns the caches off: every read is a request to the
// server, and Watch a server watch from the current resourceVersion. Errors
// are the API server's status errors, unwrapped.
package kube
