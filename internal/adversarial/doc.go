// Package adversarial is the project's adversarial test suite: one test per
// class of defect found by trying the engine as a tenant with
// namespace-level rights would (issue 13), each stating the bound it
// checks. It runs the embedded engine as a host does (a bolt store, the
// local driver with real processes, local targets, engine.Run) through the
// public API: the tenant writes the objects of its namespace (Backups,
// BackupPolicies, RestoreJobs, their annotations, status and
// status-update scripts, its secrets) and what its database's tools print;
// the operator writes the BackupTools. SECURITY.md at the repository root
// states the boundaries and limits these tests prove; `make test` runs
// them.
//
// The classes and their tests (the regression tests of each defect, at the
// level of its package, are named in the test's comment):
//
//	 1 unbounded attempts                TestClass01ForgedAttemptsAreBounded
//	 2 quadratic validation, long reasons TestClass02ValidationAndReasonsAreBounded
//	 3 status redirecting deletion/restore TestClass03StatusCannotRedirectDeletionOrRestore
//	 4 secrets escaping redaction         TestClass04SecretsNeverEscapeRedaction
//	 5 corrupt embedded store             TestClass05ACorruptStoreIsAnErrorNeverAPanic
//	 6 chatty commands                    TestClass06ChattyCommandsUseBoundedDisk
//	 7 over-redaction                     TestClass07OverRedactionNeverDropsOutput
//	 8 status values becoming code        TestClass08StatusValuesNeverRunAsCode
//	 9 leaked children                    TestClass09LeakedChildrenDieWithTheTask
//	10 plugin wedge                       drivers/plugin TestPluginWritingLongLinesToStdoutKeepsServing,
//	                                      TestStuckPluginIsRestarted, TestHangingCallsRestartThePlugin
//	11 state directory deletion           TestClass11aDeletedStateNeverRunsATaskTwiceAtOnce
//	   ParseTTL overflow                  TestClass11bAnOverflowingTTLNeverExpires
//
// A plugin is the operator's code, which a tenant cannot make write to its
// standard output, so class 10 is tested where plugins are, with a plugin
// process that does. The Job driver's part of class 4 (pod exec, the
// termination message) needs a Kubernetes API server: drivers/job
// exec_trust_test.go and trust_test.go. The parsers of untrusted input are
// fuzzed (hack/fuzz.sh -l lists the targets).
//
// The package has no code of its own; its tests are in the _test files.
package adversarial
