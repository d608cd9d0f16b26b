// Package adversarial is the project's adversarial test suite: one test per
// class of defect found by trying the engine as a tenant with
// namespace-level rights would (issue 13), each stating the bound it
// checks. It runs the embedded engine as a host does (a bolt store, the
// local driver with real processes, engine.Run) through the public API.
// Where a class's regression test lives in its own package, the test here
// names it. SECURITY.md at the repository root lists the boundaries and
// limits these tests prove.
//
// The package has no code of its own; its tests are in the _test files.
package adversarial
