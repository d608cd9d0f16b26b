package main

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// kind is one of the four API kinds as the command line names it.
type kind struct {
	// Kind is the API kind, such as "Backup".
	Kind string
	// plural is the resource name, such as "backups".
	plural string
	// names are the other names the command line accepts: the singular,
	// the short names of the CRD, and friendlier ones.
	names      []string
	namespaced bool
	ops        ops
}

// ops are the store calls on one kind, without its type.
type ops struct {
	get    func(ctx context.Context, st store.Store, namespace, name string) (store.Object, error)
	list   func(ctx context.Context, st store.Store, namespace string) ([]store.Object, error)
	create func(ctx context.Context, st store.Store, obj store.Object) (store.Object, error)
	update func(ctx context.Context, st store.Store, obj store.Object) (store.Object, error)
	delete func(ctx context.Context, st store.Store, namespace, name string) error
	watch  func(ctx context.Context, st store.Store, namespace string) (watch.Interface, error)
}

// opsOf returns the ops of the resource that res selects.
func opsOf[T store.Object](res func(store.Store) store.Resource[T]) ops {
	return ops{
		get: func(ctx context.Context, st store.Store, ns, name string) (store.Object, error) {
			return res(st).Get(ctx, ns, name)
		},
		list: func(ctx context.Context, st store.Store, ns string) ([]store.Object, error) {
			items, err := res(st).List(ctx, ns, labels.Everything())
			out := make([]store.Object, len(items))
			for i, o := range items {
				out[i] = o
			}
			return out, err
		},
		create: func(ctx context.Context, st store.Store, obj store.Object) (store.Object, error) {
			return res(st).Create(ctx, obj.(T))
		},
		update: func(ctx context.Context, st store.Store, obj store.Object) (store.Object, error) {
			return res(st).Update(ctx, obj.(T))
		},
		delete: func(ctx context.Context, st store.Store, ns, name string) error {
			return res(st).Delete(ctx, ns, name, "")
		},
		watch: func(ctx context.Context, st store.Store, ns string) (watch.Interface, error) {
			return res(st).Watch(ctx, ns)
		},
	}
}

// The kinds, in the order help and errors list them.
var (
	backupKind = &kind{Kind: "Backup", plural: "backups", names: []string{"backup", "dpb"}, namespaced: true,
		ops: opsOf(store.Store.Backups)}
	policyKind = &kind{Kind: "BackupPolicy", plural: "backuppolicies",
		names: []string{"backuppolicy", "dpbp", "policy", "policies"}, namespaced: true,
		ops: opsOf(store.Store.BackupPolicies)}
	toolKind = &kind{Kind: "BackupTool", plural: "backuptools", names: []string{"backuptool", "dpbt", "tool", "tools"},
		ops: opsOf(store.Store.BackupTools)}
	restoreKind = &kind{Kind: "RestoreJob", plural: "restorejobs", names: []string{"restorejob", "dprj", "restore", "restores"},
		namespaced: true, ops: opsOf(store.Store.RestoreJobs)}
	kinds = []*kind{backupKind, policyKind, toolKind, restoreKind}
)

// findKind returns the kind the command line names s, in any case, by any
// of its names, its Kind, or resource.group.
func findKind(s string) (*kind, error) {
	name := strings.TrimSuffix(strings.ToLower(s), "."+v1alpha1.GroupName)
	for _, k := range kinds {
		if name == k.plural || name == strings.ToLower(k.Kind) {
			return k, nil
		}
		for _, n := range k.names {
			if name == n {
				return k, nil
			}
		}
	}
	return nil, usageErrorf("unknown kind %q: one of %s", s, kindList())
}

// kindList describes the kinds and their short names for errors and help.
func kindList() string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s (%s)", k.plural, strings.Join(k.names, ", "))
	}
	return strings.Join(parts, ", ")
}

// kindOf returns the kind of an object of this package's types.
func kindOf(obj store.Object) *kind {
	switch obj.(type) {
	case *v1alpha1.Backup:
		return backupKind
	case *v1alpha1.BackupPolicy:
		return policyKind
	case *v1alpha1.BackupTool:
		return toolKind
	case *v1alpha1.RestoreJob:
		return restoreKind
	}
	return nil
}

// resource is the kind's name in "kind.group/name" references, as kubectl
// prints them: "backup.dataprotection.kubeblocks.io".
func (k *kind) resource() string { return strings.ToLower(k.Kind) + "." + v1alpha1.GroupName }

// ref names one object of the kind for messages: "backup default/b1", or
// "backuptool tar" for the cluster-scoped kind.
func (k *kind) ref(namespace, name string) string {
	if !k.namespaced || namespace == "" {
		return strings.ToLower(k.Kind) + " " + name
	}
	return strings.ToLower(k.Kind) + " " + namespace + "/" + name
}

// kindAndName reads "KIND NAME", "KIND/NAME" or, for commands with a default
// kind, "NAME" from args.
func kindAndName(args []string, def *kind) (*kind, string, error) {
	switch {
	case len(args) == 1 && strings.Contains(args[0], "/"):
		kindName, name, _ := strings.Cut(args[0], "/")
		k, err := findKind(kindName)
		return k, name, err
	case len(args) == 1 && def != nil:
		return def, args[0], nil
	case len(args) == 2:
		k, err := findKind(args[0])
		return k, args[1], err
	}
	return nil, "", usageErrorf("want KIND NAME or KIND/NAME; kinds: %s", kindList())
}
