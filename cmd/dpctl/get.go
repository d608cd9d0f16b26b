package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/store"
)

var _ = register(newGetCmd)

func newGetCmd(a *app) *cobra.Command {
	var output *enumFlag
	cmd := &cobra.Command{
		Use:   "get KIND [NAME...]",
		Short: "List objects, or show some by name",
		Long: `List the objects of a kind in the namespace (-n, or every namespace with -A), or show
the ones named. The columns are the CRDs' printer columns, as kubectl get shows them.

Kinds: ` + kindList() + `.`,
		Example: `  dpctl get backups
  dpctl get backup nightly-1 -o yaml
  dpctl get policies -A
  dpctl get tools -o wide`,
		Args: args(1, -1, "a KIND and optional NAMEs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, names, err := getArgs(args)
			if err != nil {
				return err
			}
			return a.withBackend(cmd, openOptions{}, func(ctx context.Context, be backend) error {
				return a.get(ctx, be, k, names, output.value)
			})
		},
	}
	output = outputFlag(cmd.Flags())
	return cmd
}

// getArgs reads "KIND [NAME...]" or "KIND/NAME".
func getArgs(args []string) (*kind, []string, error) {
	if len(args) == 1 {
		if k, name, err := kindAndName(args, nil); err == nil {
			return k, []string{name}, nil
		}
	}
	k, err := findKind(args[0])
	return k, args[1:], err
}

func (a *app) get(ctx context.Context, be backend, k *kind, names []string, format string) error {
	ns := a.namespaceFor(be, k)
	o := printOptions{format: format, now: time.Now(), single: len(names) == 1}
	if len(names) == 0 {
		return a.list(ctx, be, k, ns, o)
	}
	var objs []store.Object
	var errs []error
	for _, name := range names {
		obj, err := getObject(ctx, be, k, ns, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		objs = append(objs, obj)
	}
	if len(objs) > 0 {
		errs = append(errs, printObjects(a.out, k, objs, o))
	}
	return errors.Join(errs...)
}

// list prints the objects of a namespace, or of all with -A.
func (a *app) list(ctx context.Context, be backend, k *kind, ns string, o printOptions) error {
	if a.allNamespaces && k.namespaced {
		ns, o.withNamespace = "", true
	}
	objs, err := listObjects(ctx, be, k, ns)
	if err != nil {
		return err
	}
	if len(objs) == 0 && (o.format == "" || o.format == "wide") {
		fmt.Fprintln(a.errOut, noneFound(k, ns))
		return nil
	}
	return printObjects(a.out, k, objs, o)
}

// noneFound says that a list is empty, as kubectl does.
func noneFound(k *kind, namespace string) string {
	if !k.namespaced || namespace == "" {
		return fmt.Sprintf("No %s found.", k.plural)
	}
	return fmt.Sprintf("No %s found in namespace %s.", k.plural, namespace)
}
