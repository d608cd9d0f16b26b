package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// rbac.yaml is a copy of deploy/rbac/clusterrole.yaml, the one source of
// truth (go:embed cannot reach outside this directory); a test fails when
// the two differ.
//
//go:generate cp ../../deploy/rbac/clusterrole.yaml rbac.yaml
//go:embed rbac.yaml
var rbacYAML []byte

// DefaultNamespace is the namespace of the ServiceAccount, the
// leader-election Role and the bindings in the manifest.
const DefaultNamespace = "dataprotection-system"

// RBACManifest returns deploy/rbac/clusterrole.yaml: the least-privilege
// ClusterRole of the engine with the Job and CSI drivers, the optional
// ClusterRole dataprotection-hooks (pods/exec), the ServiceAccount, the
// ClusterRoleBinding, and the Role and RoleBinding of the leader-election
// Lease.
func RBACManifest() []byte { return bytes.Clone(rbacYAML) }

// RBAC holds the objects of the manifest.
type RBAC struct {
	ClusterRoles        []*rbacv1.ClusterRole
	ClusterRoleBindings []*rbacv1.ClusterRoleBinding
	ServiceAccounts     []*corev1.ServiceAccount
	Roles               []*rbacv1.Role
	RoleBindings        []*rbacv1.RoleBinding
}

// LoadRBAC decodes the manifest, strictly, and moves its namespaced objects
// and its ServiceAccount subjects from DefaultNamespace to namespace (empty:
// keep DefaultNamespace).
func LoadRBAC(namespace string) (*RBAC, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	decode := serializer.NewCodecFactory(clientgoscheme.Scheme, serializer.EnableStrict).UniversalDeserializer().Decode
	r := &RBAC{}
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(rbacYAML)))
	for {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			return r, nil
		}
		if err != nil {
			return nil, fmt.Errorf("rbac.yaml: %w", err)
		}
		obj, _, err := decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("rbac.yaml: %w", err)
		}
		if err := r.add(obj, namespace); err != nil {
			return nil, err
		}
	}
}

func (r *RBAC) add(obj any, namespace string) error {
	switch o := obj.(type) {
	case *rbacv1.ClusterRole:
		r.ClusterRoles = append(r.ClusterRoles, o)
	case *rbacv1.ClusterRoleBinding:
		moveSubjects(o.Subjects, namespace)
		r.ClusterRoleBindings = append(r.ClusterRoleBindings, o)
	case *corev1.ServiceAccount:
		o.Namespace = namespace
		r.ServiceAccounts = append(r.ServiceAccounts, o)
	case *rbacv1.Role:
		o.Namespace = namespace
		r.Roles = append(r.Roles, o)
	case *rbacv1.RoleBinding:
		o.Namespace = namespace
		moveSubjects(o.Subjects, namespace)
		r.RoleBindings = append(r.RoleBindings, o)
	default:
		return fmt.Errorf("rbac.yaml: unexpected %T", obj)
	}
	return nil
}

func moveSubjects(subjects []rbacv1.Subject, namespace string) {
	for i := range subjects {
		if subjects[i].Kind == rbacv1.ServiceAccountKind {
			subjects[i].Namespace = namespace
		}
	}
}

// Apply creates every object, or updates the ones that exist. The
// namespace must exist.
func (r *RBAC) Apply(ctx context.Context, client kubernetes.Interface) error {
	rbac := client.RbacV1()
	for _, o := range r.ClusterRoles {
		if err := apply(ctx, rbac.ClusterRoles(), o); err != nil {
			return err
		}
	}
	for _, o := range r.ServiceAccounts {
		if err := apply(ctx, client.CoreV1().ServiceAccounts(o.Namespace), o); err != nil {
			return err
		}
	}
	for _, o := range r.ClusterRoleBindings {
		if err := apply(ctx, rbac.ClusterRoleBindings(), o); err != nil {
			return err
		}
	}
	for _, o := range r.Roles {
		if err := apply(ctx, rbac.Roles(o.Namespace), o); err != nil {
			return err
		}
	}
	for _, o := range r.RoleBindings {
		if err := apply(ctx, rbac.RoleBindings(o.Namespace), o); err != nil {
			return err
		}
	}
	return nil
}

// objectClient is the part of a typed client that apply uses.
type objectClient[T metav1.Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
}

// apply creates obj, or replaces the existing object of its name with it.
func apply[T metav1.Object](ctx context.Context, c objectClient[T], obj T) error {
	_, err := c.Create(ctx, obj, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		return wrapApply(obj, err)
	}
	cur, err := c.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if err != nil {
		return wrapApply(obj, err)
	}
	obj.SetResourceVersion(cur.GetResourceVersion())
	_, err = c.Update(ctx, obj, metav1.UpdateOptions{})
	return wrapApply(obj, err)
}

func wrapApply(obj metav1.Object, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("apply %T %s: %w", obj, obj.GetName(), err)
}
