// Package dataprotection is an embeddable SDK that implements the
// dataprotection.kubeblocks.io/v1alpha1 backup API — Backup, BackupPolicy,
// BackupTool and RestoreJob — for host programs that plug in where the
// objects live (a store) and how work runs (drivers).
//
// # Who uses it
//
// Operator authors register the CRDs (types/v1alpha1/crds), build an Engine
// over the kube store, the Job and CSI drivers and kubehost (pods as
// targets, secrets' keys), and either call Engine.Run or, from their own
// controller loop, turn their informers' events into Requests with a Router
// and hand each to Engine.Reconcile.
// Platform tools embed it without a cluster: the bolt store, the local driver
// and local targets. Plugin authors write a driver as a separate binary and
// prove it with drivers/drivertest.
//
// # Quick start
//
// An engine over the embedded default, the bolt store and the local driver,
// running until it is interrupted (the package's Example):
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//	defer stop()
//
//	st, err := bolt.New("dataprotection.db", bolt.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer st.Close()
//	driver, err := local.New(local.Options{Root: "backups"})
//	if err != nil {
//		log.Fatal(err)
//	}
//	engine, err := dataprotection.New(dataprotection.Config{
//		Store:   st,
//		Drivers: drivers.Registry{drivers.NameJob: driver},
//		Targets: local.Targets{{Name: "pg-0", Labels: map[string]string{"app": "pg"}, DataDir: "/var/lib/postgresql/data"}},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	if err := engine.Run(ctx); err != nil { // watch, work queue, schedules, retention
//		log.Fatal(err)
//	}
//
// BackupTools, BackupPolicies and Backups applied to the store (with
// cmd/dpctl, or the store's Create methods) are then validated, scheduled,
// run and retained. examples/quickstart is a program that does it all and
// runs without a cluster; the README walks through the rest.
//
// # Errors
//
// Errors returned by the Engine are wrapped once with the operation and the
// object ("dataprotection: backup demo/b1: ...") in a *drivers.Error;
// drivers.ErrorCode classifies them (store errors and driver errors alike:
// one closed set of codes for the whole library) and errors.Is/As see
// through the wrapping. Problems with an object's content never come back as errors:
// they go on the object's status (failureReason) and as Warning events.
//
// # Concurrency
//
// An Engine is safe for concurrent use. Run processes each object on one
// worker at a time; hosts calling the Reconcile methods themselves must do
// the same (a client-go work queue does). Two engines on one store do not
// run a backup twice: every write carries a resourceVersion and every task a
// deterministic ID.
package dataprotection
