// Package repotest is the conformance suite of the repository SPI: every
// repository.Backend runs it, so that every backend keeps the same
// semantics (repository.Backend documents them). The test of a backend
// calls RunConformanceTests with a function that returns the backend for
// one subtest:
//
//	func TestConformance(t *testing.T) {
//		repotest.RunConformanceTests(t, repotest.Harness{
//			NewBackend: func(t *testing.T) repository.Backend { return memory.New() },
//		})
//	}
//
// The suite drives the backend through a *repository.Repository, as hosts
// do. It checks round trips, empty and large objects (64 MiB streamed, never
// held by the test), readers of unknown length, that a failing reader or a
// context cancelled mid-upload leaves no object visible (nor, through
// Harness.Leftovers, temporary files or incomplete uploads), concurrent
// writers to different keys and to one key (the last complete write wins,
// no reader sees a torn object), listings of thousands of keys across
// pages and by prefix, NotFound for missing keys, idempotent Delete, sizes
// from Stat and List, and the refusal of invalid keys before the backend
// reads anything.
//
// A backend whose objects outlive a subtest (a shared bucket) gives every
// subtest its own key prefix in NewBackend, as package s3's test does.
package repotest
