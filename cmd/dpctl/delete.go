package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var _ = register(newDeleteCmd)

func newDeleteCmd(a *app) *cobra.Command {
	var wait bool
	cmd := &cobra.Command{
		Use:   "delete KIND NAME... [--wait]",
		Short: "Delete objects; a Backup's data is deleted first",
		Long: `Delete objects. Deleting a Backup deletes its data first, then the object: in a cluster the
operator does it (--wait follows it until the object is gone); with a bolt file dpctl does it
at once with the local driver of --config, and waits.`,
		Example: `  dpctl delete backup nightly-1 --wait
  dpctl delete restorejob restore-1
  dpctl delete policy/db`,
		Args: args(1, -1, "KIND NAME... or KIND/NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, names, err := namedArgs(args, "delete")
			if err != nil {
				return err
			}
			return a.withBackend(cmd, openOptions{}, func(ctx context.Context, be backend) error {
				return forEachName(names, func(_ int, name string) error { return a.deleteOne(ctx, be, k, name, wait) })
			})
		},
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the objects are gone (a Backup: its data deleted)")
	return cmd
}

// deleteOne deletes one object and, when asked or needed, waits until it is
// gone.
func (a *app) deleteOne(ctx context.Context, be backend, k *kind, name string, wait bool) error {
	ns := a.namespaceFor(be, k)
	obj, err := getObject(ctx, be, k, ns, name)
	if err != nil {
		return err
	}
	_, embedded := be.(*embeddedBackend)
	hasData := k == backupKind && slices.Contains(obj.GetFinalizers(), v1alpha1.Finalizer)
	if wait || (embedded && hasData) {
		if err := be.CheckWork("delete " + k.names[0] + " (its data)"); err != nil {
			return err
		}
	}
	if err := k.ops.delete(ctx, be.Store(), ns, name); err != nil {
		if drivers.IsNotFound(err) {
			return notFound(k, ns, name)
		}
		return fmt.Errorf("delete %s: %w", k.ref(ns, name), err)
	}
	if wait || (embedded && hasData) {
		return a.waitGone(ctx, be, k, ns, name)
	}
	if hasData {
		fmt.Fprintf(a.out, "%s/%s marked for deletion: its data is deleted first (--wait follows it)\n", k.resource(), name)
		return nil
	}
	fmt.Fprintf(a.out, "%s/%s deleted\n", k.resource(), name)
	return nil
}
