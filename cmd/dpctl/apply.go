package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var _ = register(newApplyCmd)

func newApplyCmd(a *app) *cobra.Command {
	var files []string
	cmd := &cobra.Command{
		Use:   "apply -f FILE...",
		Short: "Create or update objects from YAML or JSON manifests",
		Long: `Create the objects of the manifests, or update the ones that exist: their spec is
replaced and their labels and annotations added to (apply never removes one); status and
system fields (uid, resourceVersion, ...) in a manifest are ignored. A manifest is decoded
strictly: an unknown or duplicated field is an error that names its path. "-f -" reads
standard input; a file may hold several documents separated by "---".`,
		Example: `  dpctl apply -f tool.yaml -f policy.yaml
  dpctl get backup b1 -o yaml | dpctl --db other.db apply -f -`,
		Args: args(0, 0, "no arguments (files are -f FILE)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(files) == 0 {
				return usageErrorf("apply wants at least one -f FILE")
			}
			objs, err := readManifests(a.in, files)
			if err != nil {
				return err
			}
			return a.withBackend(cmd, openOptions{create: true}, func(ctx context.Context, be backend) error {
				for _, obj := range objs {
					if err := a.applyOne(ctx, be, obj); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "manifest file, or - for standard input (repeatable)")
	return cmd
}

// readManifests decodes every object of the files, strictly.
func readManifests(stdin io.Reader, files []string) ([]store.Object, error) {
	var out []store.Object
	for _, name := range files {
		data, err := readFile(stdin, name)
		if err != nil {
			return nil, err
		}
		objs, err := v1alpha1.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, o := range objs {
			out = append(out, o.(store.Object))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the manifests hold no object")
	}
	return out, nil
}

func readFile(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// applyOne creates obj, or updates the object of its name.
func (a *app) applyOne(ctx context.Context, be backend, obj store.Object) error {
	k := kindOf(obj)
	if err := a.placeIn(be, k, obj); err != nil {
		return err
	}
	prepareForWrite(obj)
	existing, err := k.ops.get(ctx, be.Store(), obj.GetNamespace(), obj.GetName())
	result := "created"
	switch {
	case drivers.IsNotFound(err):
		_, err = k.ops.create(ctx, be.Store(), obj)
	case err == nil:
		result, err = update(ctx, be, k, existing, obj)
	}
	if err != nil {
		return fmt.Errorf("apply %s: %w", k.ref(obj.GetNamespace(), obj.GetName()), err)
	}
	fmt.Fprintf(a.out, "%s/%s %s\n", k.resource(), obj.GetName(), result)
	return nil
}

// placeIn sets the namespace of obj: its own, which must agree with -n, or
// the command's.
func (a *app) placeIn(be backend, k *kind, obj store.Object) error {
	switch {
	case !k.namespaced:
		obj.SetNamespace("")
	case obj.GetNamespace() == "":
		obj.SetNamespace(a.namespaceFor(be, k))
	case a.namespace != "" && a.namespace != obj.GetNamespace():
		return usageErrorf("%s is in namespace %q of its manifest, not in %q of -n", k.ref(obj.GetNamespace(), obj.GetName()),
			obj.GetNamespace(), a.namespace)
	}
	if obj.GetName() == "" {
		return fmt.Errorf("a %s manifest has no metadata.name", k.Kind)
	}
	return nil
}

// prepareForWrite drops what a manifest may carry from a read (system
// fields, status) but a write does not take.
func prepareForWrite(obj store.Object) {
	obj.SetUID("")
	obj.SetResourceVersion("")
	obj.SetGeneration(0)
	obj.SetCreationTimestamp(metav1.Time{})
	obj.SetDeletionTimestamp(nil)
	obj.SetManagedFields(nil)
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		o.Status = v1alpha1.BackupStatus{}
	case *v1alpha1.BackupPolicy:
		o.Status = v1alpha1.BackupPolicyStatus{}
	case *v1alpha1.RestoreJob:
		o.Status = v1alpha1.RestoreJobStatus{}
	}
}

// update writes obj's spec, labels and annotations over existing; it
// returns "unchanged" without writing when they are already so.
func update(ctx context.Context, be backend, k *kind, existing, obj store.Object) (string, error) {
	next := existing.DeepCopyObject().(store.Object)
	next.SetLabels(merged(existing.GetLabels(), obj.GetLabels()))
	next.SetAnnotations(merged(existing.GetAnnotations(), obj.GetAnnotations()))
	v1alpha1.SetDefaults(obj)
	copySpec(next, obj)
	if equality.Semantic.DeepEqual(existing, next) {
		return "unchanged", nil
	}
	_, err := k.ops.update(ctx, be.Store(), next)
	return "configured", err
}

func merged(base, add map[string]string) map[string]string {
	if len(add) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, add)
	return out
}

// copySpec sets the spec of dst, an object of the same kind, to src's.
func copySpec(dst, src store.Object) {
	switch d := dst.(type) {
	case *v1alpha1.Backup:
		d.Spec = *src.(*v1alpha1.Backup).Spec.DeepCopy()
	case *v1alpha1.BackupPolicy:
		d.Spec = *src.(*v1alpha1.BackupPolicy).Spec.DeepCopy()
	case *v1alpha1.BackupTool:
		d.Spec = *src.(*v1alpha1.BackupTool).Spec.DeepCopy()
	case *v1alpha1.RestoreJob:
		d.Spec = *src.(*v1alpha1.RestoreJob).Spec.DeepCopy()
	}
}
