package dataprotection_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/store/bolt"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The quick start of the package documentation: an engine over the bolt
// store and the local driver, run until ctx ends. Objects applied to the
// store (with dpctl, or st's Create methods) are then validated, scheduled,
// run and retained. (Compiled, not run: it writes in the working directory
// and runs until stopped; examples/quickstart is a program that runs.)
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	st, err := bolt.New("dataprotection.db", bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	driver, err := local.New(local.Options{Root: "backups"})
	if err != nil {
		log.Fatal(err)
	}
	engine, err := dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: drivers.Registry{drivers.NameJob: driver},
		Targets: local.Targets{{Name: "pg-0", Labels: map[string]string{"app": "pg"}, DataDir: "/var/lib/postgresql/data"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := engine.Run(ctx); err != nil { // watch, work queue, schedules, retention
		log.Fatal(err)
	}
}

// A host with its own loop calls the Reconcile methods; each call is one
// idempotent step. (Engine.Run does this for you.)
func ExampleEngine_ReconcileBackup() {
	ctx := context.Background()
	st := memory.New(memory.Options{})
	defer st.Close()
	engine, err := dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: drivers.Registry{"job": memdriver.New(nil)}, // a real host registers drivers/local, drivers/job...
		Targets: targets.Static{{Name: "pg-0", Labels: map[string]string{"app": "pg"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = st.BackupTools().Create(ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool"},
		Spec: v1alpha1.BackupToolSpec{Image: "postgres:16", BackupCommands: []string{"pg_basebackup -D $BACKUP_DIR"}}})
	_, _ = st.BackupPolicies().Create(ctx, &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "pg"},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
				LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}}}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"}, BackupToolName: "tool"}}})
	_, _ = st.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg"}})

	_, _ = engine.ReconcileBackupPolicy(ctx, types.NamespacedName{Namespace: "demo", Name: "pg"})
	key := types.NamespacedName{Namespace: "demo", Name: "b1"}
	for range 10 {
		if _, err := engine.ReconcileBackup(ctx, key); err != nil {
			fmt.Println(err)
			return
		}
	}
	b, _ := st.Backups().Get(ctx, "demo", "b1")
	fmt.Println(b.Status.Phase, b.Status.TotalSize, b.Status.Manifests.BackupTool.FilePath)
	// Output: Completed 1024 /backupdata/demo/b1
}

// A host with its own loop routes each change its informers see to the
// Requests it concerns, queues them, and hands each to Engine.Reconcile.
// Policies says which policies a BackupTool change concerns: here every
// policy, as a lister of the host's cache would give them.
func ExampleRouter_Route() {
	ctx := context.Background()
	router := dataprotection.Router{Policies: func(context.Context, string) ([]types.NamespacedName, error) {
		return []types.NamespacedName{{Namespace: "demo", Name: "pg"}, {Namespace: "demo", Name: "mysql"}}, nil
	}}
	b1 := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg"}}
	tool := &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "pg-basebackup"}}
	r1 := &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "r1"}}

	done := b1.DeepCopy()
	done.Status.Phase = v1alpha1.BackupCompleted
	for _, change := range []struct{ old, obj any }{
		{nil, b1},           // added
		{b1, b1.DeepCopy()}, // updated, phase unchanged: the policy is not concerned
		{b1, done},          // finished: the policy's history and times change
		{r1, nil},           // deleted
		{nil, tool},         // added: revalidates the policies
	} {
		reqs, err := router.Route(ctx, change.old, change.obj)
		if err != nil {
			fmt.Println(err)
		}
		fmt.Println(reqs) // a host queues them; its workers call engine.Reconcile(ctx, req)
	}
	// Output:
	// [Backup demo/b1 BackupPolicy demo/pg]
	// [Backup demo/b1]
	// [Backup demo/b1 BackupPolicy demo/pg]
	// [RestoreJob demo/r1]
	// [BackupPolicy demo/pg BackupPolicy demo/mysql]
}
