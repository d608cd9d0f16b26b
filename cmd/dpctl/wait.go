package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var _ = register(newWaitCmd)

func newWaitCmd(a *app) *cobra.Command {
	forFlag := newEnumFlag("done", "done", "delete")
	cmd := &cobra.Command{
		Use:   "wait KIND NAME [--for done|delete]",
		Short: "Wait until a Backup or RestoreJob is done, a policy validated, or an object deleted",
		Long: `Wait until the object is done: a Backup or RestoreJob Completed (exit 0) or Failed
(exit 1), a BackupPolicy validated (Available, or Failed: exit 1); with --for delete, until
it is gone. With a bolt file, dpctl runs the engine while it waits (see dpctl help config).`,
		Example: `  dpctl wait backup db-datafile-x7k2p
  dpctl wait restorejob restore-1 --timeout 30m
  dpctl wait backup old-1 --for delete`,
		Args: args(1, 2, "KIND NAME or KIND/NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, name, err := kindAndName(args, nil)
			if err != nil {
				return err
			}
			return a.withBackend(cmd, openOptions{}, func(ctx context.Context, be backend) error {
				ns := a.namespaceFor(be, k)
				if _, err := getObject(ctx, be, k, ns, name); err != nil {
					return err
				}
				if err := be.CheckWork("wait"); err != nil {
					return err
				}
				if forFlag.value == "delete" {
					return a.waitGone(ctx, be, k, ns, name)
				}
				return a.waitTerminal(ctx, be, k, ns, name)
			})
		},
	}
	cmd.Flags().Var(forFlag, "for", "what to wait for: done or delete")
	return cmd
}

// terminal reports whether an object is done: a Backup or RestoreJob in a
// terminal phase, a BackupPolicy validated for its generation.
func terminal(obj store.Object) bool {
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		return o.Status.Phase.IsTerminal()
	case *v1alpha1.RestoreJob:
		return o.Status.Phase.IsTerminal()
	case *v1alpha1.BackupPolicy:
		return o.Status.Phase != "" && o.Status.ObservedGeneration == o.Generation
	}
	return true
}

// reportEnd prints how a finished object ended; a Failed one is an error
// with its failure reason.
func (a *app) reportEnd(obj store.Object) error {
	ref := kindOf(obj).ref(obj.GetNamespace(), obj.GetName())
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		if o.Status.Phase == v1alpha1.BackupFailed {
			return fmt.Errorf("%s Failed: %s", ref, o.Status.FailureReason)
		}
		fmt.Fprintf(a.out, "%s Completed in %s, total size %s\n", ref, durationString(o.Status.Duration), o.Status.TotalSize)
	case *v1alpha1.RestoreJob:
		if o.Status.Phase == v1alpha1.RestoreJobFailed {
			return fmt.Errorf("%s Failed: %s", ref, o.Status.FailureReason)
		}
		fmt.Fprintf(a.out, "%s Completed\n", ref)
	case *v1alpha1.BackupPolicy:
		if o.Status.Phase == v1alpha1.PolicyFailed {
			return fmt.Errorf("%s Failed: %s", ref, o.Status.FailureReason)
		}
		fmt.Fprintf(a.out, "%s %s\n", ref, o.Status.Phase)
	default:
		fmt.Fprintf(a.out, "%s exists\n", ref)
	}
	return nil
}

// waitGone waits until the object is deleted.
func (a *app) waitGone(ctx context.Context, be backend, k *kind, namespace, name string) error {
	_, err := a.waitFor(ctx, be, k, namespace, name, func(obj store.Object) (bool, error) { return obj == nil, nil })
	if err == nil {
		fmt.Fprintf(a.out, "%s/%s deleted\n", k.resource(), name)
	}
	return err
}
