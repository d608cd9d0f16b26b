// Package storetest is the conformance suite of the store SPI: every
// store.Store runs it, so that every store keeps the same semantics
// (package store lists them). The test of a store calls
// RunConformanceTests with a function that returns a fresh store:
//
//	func TestConformance(t *testing.T) {
//		storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
//			return memory.New(memory.Options{})
//		})
//	}
//
// A store whose namespaces must exist before they are used, such as a
// Kubernetes cluster, passes a Harness to RunConformanceTestsWith instead.
//
// Every subtest gets its own store and namespaces, and gives the
// cluster-scoped BackupTools it creates unique names, so the suite can run
// against one long-lived cluster. The suite waits for watch events with
// deadlines, never with sleeps.
package storetest
