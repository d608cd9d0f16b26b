package crds

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/typed/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"
)

//go:embed *.yaml
var files embed.FS

// CRDs returns the four CustomResourceDefinitions (backuppolicies, backups,
// backuptools, restorejobs), sorted by name. Each call returns fresh copies.
func CRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]*apiextensionsv1.CustomResourceDefinition, 0, len(names))
	for _, n := range names {
		data, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("crds: %s: %w", n, err)
		}
		out = append(out, crd)
	}
	return out, nil
}

// InstallOptions tune Install. The zero value is ready to use.
type InstallOptions struct {
	// Timeout bounds the wait for every CRD to be Established; default 60s.
	Timeout time.Duration
	// PollInterval is how often the CRDs' conditions are read; default 200ms.
	PollInterval time.Duration
}

// Install creates the CRDs, or updates them to this version when they exist,
// then waits until each is Established (its API is served). It is idempotent.
// opts may be nil.
func Install(ctx context.Context, client apiextensionsclient.CustomResourceDefinitionsGetter, opts *InstallOptions) error {
	o := withDefaults(opts)
	want, err := CRDs()
	if err != nil {
		return err
	}
	for _, crd := range want {
		if err := apply(ctx, client, crd); err != nil {
			return fmt.Errorf("crds: install %s: %w", crd.Name, err)
		}
	}
	for _, crd := range want {
		if err := waitEstablished(ctx, client, crd.Name, o); err != nil {
			return fmt.Errorf("crds: wait for %s: %w", crd.Name, err)
		}
	}
	return nil
}

func withDefaults(opts *InstallOptions) InstallOptions {
	var o InstallOptions
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	return o
}

// apply creates crd, or replaces the spec of the existing one, retrying on
// resourceVersion conflicts.
func apply(ctx context.Context, client apiextensionsclient.CustomResourceDefinitionsGetter, crd *apiextensionsv1.CustomResourceDefinition) error {
	crds := client.CustomResourceDefinitions()
	for {
		cur, err := crds.Get(ctx, crd.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = crds.Create(ctx, crd, metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				continue
			}
			return err
		}
		if err != nil {
			return err
		}
		upd := cur.DeepCopy()
		upd.Spec = crd.Spec
		upd.Annotations = crd.Annotations
		_, err = crds.Update(ctx, upd, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		return err
	}
}

func waitEstablished(ctx context.Context, client apiextensionsclient.CustomResourceDefinitionsGetter, name string, o InstallOptions) error {
	return wait.PollUntilContextTimeout(ctx, o.PollInterval, o.Timeout, true, func(ctx context.Context) (bool, error) {
		crd, err := client.CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range crd.Status.Conditions {
			switch {
			case c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue:
				return true, nil
			case c.Type == apiextensionsv1.NamesAccepted && c.Status == apiextensionsv1.ConditionFalse:
				return false, fmt.Errorf("names not accepted: %s", c.Message)
			}
		}
		return false, nil
	})
}
