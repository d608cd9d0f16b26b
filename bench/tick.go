package bench

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/schedule"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Tick is a scheduler tick in steady state: policies in one namespace,
// each scheduled every minute for its three backup types and holding a full
// history (backupsHistoryLimit, 7, Completed Backups per type), and an
// engine on a memory store whose clock stands on a slot, so that each
// ReconcileBackupPolicy creates the slot's Backups.
type Tick struct {
	Engine   dataprotection.Engine
	Store    *memory.Store
	Clock    *clocktesting.FakeClock
	Policies int
}

// tickNamespace is the namespace of the tick's objects.
const tickNamespace = "tick"

// NewTick creates the policies and their history and validates them.
func NewTick(ctx context.Context, policies int) (*Tick, error) {
	fc := clocktesting.NewFakeClock(schedStart)
	st := memory.New(memory.Options{Clock: fc.Now})
	engine, err := dataprotection.New(dataprotection.Config{Store: st, Drivers: newInstantDriver().registry(),
		Targets: targets.Static{benchTarget("")}, Clock: fc})
	if err != nil {
		return nil, err
	}
	t := &Tick{Engine: engine, Store: st, Clock: fc, Policies: policies}
	if _, err := st.BackupTools().Create(ctx, newTool(schedulerTool, "true")); err != nil {
		return nil, err
	}
	for i := range policies {
		p := scheduledPolicy(tickNamespace, i, schedulerTool)
		for _, s := range []*v1alpha1.SchedulePolicy{p.Spec.Schedule.Datafile, p.Spec.Schedule.Logfile, p.Spec.Schedule.Snapshot} {
			s.CronExpression = "* * * * *"
		}
		if _, err := st.BackupPolicies().Create(ctx, p); err != nil {
			return nil, err
		}
		if err := t.history(ctx, p); err != nil {
			return nil, err
		}
		if _, err := t.Reconcile(ctx, i); err != nil {
			return nil, err
		}
	}
	fc.SetTime(schedStart.Truncate(time.Minute).Add(time.Minute))
	return t, nil
}

// history creates seven Completed scheduled Backups of each type of p,
// one a minute before the clock's start.
func (t *Tick) history(ctx context.Context, p *v1alpha1.BackupPolicy) error {
	slots := make([]time.Time, v1alpha1.DefaultBackupsHistoryLimit)
	for j := range slots {
		slots[j] = schedStart.Truncate(time.Minute).Add(-time.Duration(j+1) * time.Minute)
	}
	for _, typ := range v1alpha1.BackupTypes {
		if err := createHistory(ctx, t.Store, p, typ, slots); err != nil {
			return err
		}
	}
	return nil
}

// Reconcile reconciles policy i.
func (t *Tick) Reconcile(ctx context.Context, i int) (dataprotection.Result, error) {
	return t.Engine.ReconcileBackupPolicy(ctx, types.NamespacedName{Namespace: tickNamespace, Name: fmt.Sprintf("policy-%05d", i)})
}

// Undo deletes the Backups the tick of policy i created, so that the next
// tick of it creates them again.
func (t *Tick) Undo(ctx context.Context, i int) error {
	slot := t.Clock.Now()
	for _, typ := range v1alpha1.BackupTypes {
		name := schedule.BackupName(fmt.Sprintf("policy-%05d", i), typ, slot)
		if err := t.Store.Backups().Delete(ctx, tickNamespace, name, ""); err != nil {
			return err
		}
	}
	return nil
}
