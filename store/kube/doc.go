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
//   - Returned objects have their apiVersion and kind set; List is sorted
//     by namespace and name.
//   - Watch starts at the current resourceVersion (it does not replay the
//     existing objects as Added events) and ends, closing its channel,
//     when the server ends it or reports an error; the caller then lists and
//     watches again, as with every store.
//
// Reads go straight to the API server: simple and always consistent with
// the writes before them. Errors are the API server's status errors,
// unwrapped.
package kube
