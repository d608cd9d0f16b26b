package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var _ = register(newRestoreCmd)

// restoreOptions are the flags of restore.
type restoreOptions struct {
	targets selectorFlag
	secret  string
	name    string
	wait    bool
}

func newRestoreCmd(a *app) *cobra.Command {
	o := &restoreOptions{}
	cmd := &cobra.Command{
		Use:   "restore BACKUP --target-selector k=v [--name NAME] [--wait]",
		Short: "Restore a Completed Backup into the targets a label selector picks",
		Long: `Create a RestoreJob that restores the Completed Backup BACKUP into the database the
label selector picks (pods in a cluster, local targets of --config with a bolt file). The
selector is required, so that a restore never overwrites a database by default: pass the
backup policy's own selector to restore in place. The database credentials are the
policy's secret unless --secret names another. With --wait, follow it until it is
Completed or Failed (exit 1).`,
		Example: `  dpctl restore db-datafile-x7k2p --target-selector app=db-copy --wait
  dpctl restore nightly-1 --target-selector app=db,role=primary --secret db-admin`,
		Args: args(1, 1, "the name of the Backup to restore"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withBackend(cmd, openOptions{}, func(ctx context.Context, be backend) error {
				return a.restore(ctx, be, args[0], o)
			})
		},
	}
	f := cmd.Flags()
	f.Var(&o.targets, "target-selector", "label selector of the database to restore into, such as app=db (repeatable)")
	f.StringVar(&o.secret, "secret", "", "secret with the database credentials (default: the backup policy's)")
	f.StringVar(&o.name, "name", "", "the RestoreJob's name (default: generated, <backup>-restore-xxxxx)")
	f.BoolVar(&o.wait, "wait", false, "wait until the restore is Completed or Failed")
	return cmd
}

func (a *app) restore(ctx context.Context, be backend, backup string, o *restoreOptions) error {
	ns := a.namespaceFor(be, restoreKind)
	obj, err := getObject(ctx, be, backupKind, ns, backup)
	if err != nil {
		return err
	}
	b := obj.(*v1alpha1.Backup)
	if b.Status.Phase != v1alpha1.BackupCompleted {
		return fmt.Errorf("%s is %s: only a Completed backup can be restored", backupKind.ref(ns, backup), orNew(string(b.Status.Phase)))
	}
	base := policyTarget(ctx, be, b)
	sel, err := o.targets.selector()
	if err != nil {
		return usageError{err}
	}
	if sel == nil {
		return usageErrorf("restore needs --target-selector, the database to restore into%s", selectorHint(base))
	}
	if o.wait {
		if err := be.CheckWork("restore --wait"); err != nil {
			return err
		}
	}
	r := newRestoreJob(ns, b.Name, o.name, v1alpha1.TargetCluster{LabelsSelector: sel, Secret: restoreSecret(base, o.secret)})
	created, err := be.Store().RestoreJobs().Create(ctx, r)
	if err != nil {
		return fmt.Errorf("create restorejob: %w", err)
	}
	return a.afterCreate(ctx, be, restoreKind, created, o.wait)
}

func newRestoreJob(namespace, backup, name string, target v1alpha1.TargetCluster) *v1alpha1.RestoreJob {
	r := &v1alpha1.RestoreJob{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: backup, Target: target,
			TargetVolumes: []corev1.Volume{}, TargetVolumeMounts: []corev1.VolumeMount{}},
	}
	if name == "" {
		r.GenerateName = backup + "-restore-"
	}
	return r
}

// policyTarget is the target of the policy section the backup was made
// with; nil when the policy is gone.
func policyTarget(ctx context.Context, be backend, b *v1alpha1.Backup) *v1alpha1.TargetCluster {
	p, err := be.Store().BackupPolicies().Get(ctx, b.Namespace, b.Spec.BackupPolicyName)
	if err != nil {
		return nil
	}
	if base := p.BasePolicyFor(b.Spec.BackupType); base != nil {
		return &base.Target
	}
	return nil
}

// selectorHint tells the selector the backup was taken from.
func selectorHint(base *v1alpha1.TargetCluster) string {
	if base == nil || base.LabelsSelector == nil {
		return ""
	}
	return fmt.Sprintf(" (the backup was taken from %s: pass that to restore in place)",
		metav1.FormatLabelSelector(base.LabelsSelector))
}

// restoreSecret is the secret named by --secret, else the policy's.
func restoreSecret(base *v1alpha1.TargetCluster, name string) *v1alpha1.BackupPolicySecret {
	if name != "" {
		return &v1alpha1.BackupPolicySecret{Name: name}
	}
	if base == nil || base.Secret == nil {
		return nil
	}
	s := *base.Secret
	return &s
}
