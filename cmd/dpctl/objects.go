package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
)

// getObject gets one object; a missing one is an error that names it.
func getObject(ctx context.Context, be backend, k *kind, namespace, name string) (store.Object, error) {
	obj, err := k.ops.get(ctx, be.Store(), namespace, name)
	if drivers.IsNotFound(err) {
		return nil, notFound(k, namespace, name)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", k.ref(namespace, name), err)
	}
	return obj, nil
}

// notFound is the error about a missing object.
func notFound(k *kind, namespace, name string) error {
	if !k.namespaced {
		return fmt.Errorf("%s %q not found", k.Kind, name)
	}
	return fmt.Errorf("%s %q not found in namespace %q", k.Kind, name, namespace)
}

// listObjects lists the objects of a namespace ("" for all).
func listObjects(ctx context.Context, be backend, k *kind, namespace string) ([]store.Object, error) {
	objs, err := k.ops.list(ctx, be.Store(), namespace)
	if drivers.IsNotFound(err) {
		return nil, fmt.Errorf("list %s: the cluster does not serve them: install the CRDs (types/v1alpha1/crds): %w",
			k.plural, err)
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k.plural, err)
	}
	return objs, nil
}

// namedArgs reads "KIND NAME..." or "KIND/NAME" of a command that acts on
// objects by name (verb says which).
func namedArgs(args []string, verb string) (*kind, []string, error) {
	k, names, err := getArgs(args)
	if err == nil && len(names) == 0 {
		err = usageErrorf("%s wants the names of the %s to %s", verb, k.plural, verb)
	}
	return k, names, err
}

// forEachName calls f for every name, in order, and joins their errors.
func forEachName(names []string, f func(i int, name string) error) error {
	var errs []error
	for i, name := range names {
		errs = append(errs, f(i, name))
	}
	return errors.Join(errs...)
}
