package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var _ = register(newCreateCmd)

func newCreateCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create KIND",
		Short: "Create an object from flags (other kinds: dpctl apply -f)",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("dpctl create makes a backup (dpctl create backup); create the other kinds "+
					"with dpctl apply -f FILE; %q is not a kind it creates", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCreateBackupCmd(a))
	return cmd
}

// createBackupOptions are the flags of create backup.
type createBackupOptions struct {
	policy, name, parent string
	backupType           *enumFlag
	wait                 bool
}

func newCreateBackupCmd(a *app) *cobra.Command {
	o := &createBackupOptions{}
	cmd := &cobra.Command{
		Use:     "backup [--name NAME] --policy POLICY [--type TYPE] [--wait]",
		Aliases: []string{"backups", "dpb"},
		Short:   "Back up now with a BackupPolicy",
		Long: `Create a Backup made with the BackupPolicy --policy. Without --name its name is
generated from the policy and the type. With --wait, follow it until it is Completed or
Failed (exit 1); with a bolt file dpctl runs it (see dpctl help config).`,
		Example: `  dpctl create backup --policy db --wait
  dpctl create backup --policy db --type logfile --name db-logs-1
  dpctl create backup --policy db --parent db-datafile-x7k2p   # incremental`,
		Args: args(0, 0, "no arguments (the backup's name is --name)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withBackend(cmd, openOptions{create: true}, func(ctx context.Context, be backend) error {
				return a.createBackup(ctx, be, o)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.policy, "policy", "", "the BackupPolicy to back up with (required)")
	f.StringVar(&o.name, "name", "", "the Backup's name (default: generated, <policy>-<type>-xxxxx)")
	f.StringVar(&o.parent, "parent", "", "make an incremental backup of this Completed datafile Backup")
	o.backupType = newEnumFlag(string(v1alpha1.BackupTypeDataFile), backupTypes()...)
	f.Var(o.backupType, "type", "backup type: "+strings.Join(backupTypes(), ", "))
	f.BoolVar(&o.wait, "wait", false, "wait until the backup is Completed or Failed")
	_ = cmd.MarkFlagRequired("policy")
	return cmd
}

func backupTypes() []string {
	out := make([]string, len(v1alpha1.BackupTypes))
	for i, t := range v1alpha1.BackupTypes {
		out[i] = string(t)
	}
	return out
}

func (a *app) createBackup(ctx context.Context, be backend, o *createBackupOptions) error {
	ns := a.namespaceFor(be, backupKind)
	t := v1alpha1.BackupType(o.backupType.value)
	if err := checkPolicy(ctx, be, ns, o.policy, t); err != nil {
		return err
	}
	if o.wait {
		if err := be.CheckWork("create backup --wait"); err != nil {
			return err
		}
	}
	b := &v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: o.name,
			Labels: map[string]string{v1alpha1.LabelBackupPolicy: o.policy, v1alpha1.LabelBackupType: string(t)}},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: o.policy, BackupType: t, ParentBackupName: o.parent},
	}
	if o.name == "" {
		b.GenerateName = o.policy + "-" + string(t) + "-"
	}
	created, err := be.Store().Backups().Create(ctx, b)
	if err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	return a.afterCreate(ctx, be, backupKind, created, o.wait)
}

// afterCreate tells that a Backup or RestoreJob was created and, with
// --wait, waits until it is done; else, with a bolt file, says who runs it.
func (a *app) afterCreate(ctx context.Context, be backend, k *kind, obj store.Object, wait bool) error {
	fmt.Fprintf(a.out, "%s/%s created\n", k.resource(), obj.GetName())
	if wait {
		return a.waitTerminal(ctx, be, k, obj.GetNamespace(), obj.GetName())
	}
	if _, ok := be.(*embeddedBackend); ok {
		fmt.Fprintf(a.errOut, "(a bolt file: %s runs when a host opens the file, or now with: dpctl wait %s %s)\n",
			k.names[0], k.names[0], obj.GetName())
	}
	return nil
}

// checkPolicy checks that the policy exists and has a section for type t,
// so that a mistake is told now rather than on the Backup's status.
func checkPolicy(ctx context.Context, be backend, namespace, name string, t v1alpha1.BackupType) error {
	obj, err := getObject(ctx, be, policyKind, namespace, name)
	if err != nil {
		return err
	}
	p := obj.(*v1alpha1.BackupPolicy)
	if !p.HasPolicyFor(t) {
		var has []string
		for _, bt := range v1alpha1.BackupTypes {
			if p.HasPolicyFor(bt) {
				has = append(has, string(bt))
			}
		}
		return fmt.Errorf("BackupPolicy %q has no %s policy (it has: %s); choose one with --type", name, t, strings.Join(has, ", "))
	}
	return nil
}

// waitTerminal waits until a Backup or RestoreJob is Completed (nil) or
// Failed (an error with its failure reason), and prints how it ended.
func (a *app) waitTerminal(ctx context.Context, be backend, k *kind, namespace, name string) error {
	obj, err := a.waitFor(ctx, be, k, namespace, name, func(obj store.Object) (bool, error) {
		if obj == nil {
			return true, fmt.Errorf("%s was deleted", k.ref(namespace, name))
		}
		return terminal(obj), nil
	})
	if err != nil {
		return err
	}
	return a.reportEnd(obj)
}
