// Package kubehost holds what every host running the engine against a
// Kubernetes cluster passes in Config besides a store and drivers: the pods
// a policy's labelsSelector selects, as backup targets (Pods, a
// targets.Resolver), and the keys of the secrets a policy names, so a
// missing key fails the policy when it is validated (Secrets, a
// SecretInspector).
//
// Both are one package because they are one thing to a host: read-only
// adapters from the Kubernetes API to the engine, built the same way and
// granted by the same RBAC rules. They are not in targets (which holds the
// Resolver contract and stays free of client-go) nor in the executor (which
// never talks to an API server itself).
//
// Each has constructors for the two ways a host reads the API:
//
//   - from a client (kubernetes.Interface), every call a request to the API
//     server: PodsFromClient, SecretsFromClient;
//   - from a client-go lister, every call a read of an informer's cache the
//     host already runs: PodsFromLister, SecretsFromLister. A lister from a
//     SharedInformerFactory registers its informer; start and sync the
//     factory before the engine runs.
//
// Pods and Secrets are function types, so any other reader fits too: a
// controller-runtime host wraps its manager's cache (its List or Get) in a
// function of the same signature.
//
// RBAC: pods need list (and watch, for an informer); secrets need get only
// with a client, and list and watch with a lister, which keeps the values of
// every secret of the namespaces it watches in memory. Only the keys ever
// leave this package; values are never logged or returned.
package kubehost
