package job

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// PersistentVolumeTemplateKey is the key of a persistentVolumeConfigMap
// that holds the PersistentVolume template.
const PersistentVolumeTemplateKey = "persistentVolume"

// generateNameVar is replaced by ClaimTemplate.GenerateName in a
// PersistentVolume template.
const generateNameVar = "$(GENERATE_NAME)"

// ensureClaim makes sure the backup claim of storage exists in namespace:
// an existing claim is used as it is; a missing one is created from
// storage.Create (createPolicy IfNotPresent), or is a FailedPrecondition
// error when there is no template (createPolicy Never).
func (d *Driver) ensureClaim(ctx context.Context, namespace string, s *drivers.Storage) error {
	claims := d.client.CoreV1().PersistentVolumeClaims(namespace)
	_, err := claims.Get(ctx, s.ClaimName, metav1.GetOptions{})
	switch {
	case err == nil:
		return nil
	case !apierrors.IsNotFound(err):
		return apiError(err, "get backup claim %s/%s", namespace, s.ClaimName)
	case s.Create == nil:
		return drivers.Errorf(drivers.FailedPrecondition,
			"job driver: backup claim %s/%s does not exist and the createPolicy is Never", namespace, s.ClaimName)
	}
	claim := newClaim(namespace, s)
	if tpl := s.Create.PersistentVolumeTemplate; tpl != nil && ptrEmpty(s.Create.StorageClassName) {
		pv, err := d.ensureVolume(ctx, namespace, s)
		if err != nil {
			return err
		}
		claim.Spec.StorageClassName = new(string)
		claim.Spec.VolumeName = pv
	}
	_, err = claims.Create(ctx, claim, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return apiError(err, "create backup claim %s/%s", namespace, s.ClaimName)
	}
	d.opts.Logger.Info("created backup claim", "namespace", namespace, "claim", s.ClaimName)
	return nil
}

// newClaim is the backup claim of s: ReadWriteMany (backups of every
// target share it), the template's capacity and class.
func newClaim(namespace string, s *drivers.Storage) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{
			Name:        s.ClaimName,
			Namespace:   namespace,
			Annotations: map[string]string{v1alpha1.AnnotationCreatedByPolicy: "true"},
		},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			StorageClassName: s.Create.StorageClassName,
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: s.Create.Capacity.DeepCopy()},
			},
		},
	}
}

// ensureVolume creates the PersistentVolume of the claim from the template
// in the ConfigMap, pre-bound to the claim, and returns its name. A volume
// of that name that is already bound to this claim is used.
func (d *Driver) ensureVolume(ctx context.Context, namespace string, s *drivers.Storage) (string, error) {
	pv, err := d.volumeFromTemplate(ctx, s.Create)
	if err != nil {
		return "", err
	}
	pv.Name = s.Create.GenerateName
	pv.Spec.ClaimRef = &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1",
		Namespace: namespace, Name: s.ClaimName}
	if pv.Annotations == nil {
		pv.Annotations = map[string]string{}
	}
	pv.Annotations[v1alpha1.AnnotationCreatedByPolicy] = "true"
	volumes := d.client.CoreV1().PersistentVolumes()
	_, err = volumes.Create(ctx, pv, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		existing, gerr := volumes.Get(ctx, pv.Name, metav1.GetOptions{})
		if gerr != nil {
			return "", apiError(gerr, "get persistent volume %s", pv.Name)
		}
		if ref := existing.Spec.ClaimRef; ref == nil || ref.Namespace != namespace || ref.Name != s.ClaimName {
			return "", drivers.Errorf(drivers.AlreadyExists,
				"job driver: persistent volume %s exists and is not bound to claim %s/%s", pv.Name, namespace, s.ClaimName)
		}
		return pv.Name, nil
	}
	if err != nil {
		return "", apiError(err, "create persistent volume %s for claim %s/%s", pv.Name, namespace, s.ClaimName)
	}
	d.opts.Logger.Info("created backup volume", "volume", pv.Name, "namespace", namespace, "claim", s.ClaimName)
	return pv.Name, nil
}

// volumeFromTemplate reads the template's ConfigMap, replaces
// $(GENERATE_NAME) and decodes the PersistentVolume, strictly.
func (d *Driver) volumeFromTemplate(ctx context.Context, c *drivers.ClaimTemplate) (*corev1.PersistentVolume, error) {
	ref := c.PersistentVolumeTemplate
	cm, err := d.client.CoreV1().ConfigMaps(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, drivers.Errorf(drivers.FailedPrecondition,
			"job driver: persistentVolumeConfigMap %s/%s does not exist", ref.Namespace, ref.Name)
	}
	if err != nil {
		return nil, apiError(err, "get persistentVolumeConfigMap %s/%s", ref.Namespace, ref.Name)
	}
	text := strings.TrimSpace(cm.Data[PersistentVolumeTemplateKey])
	if text == "" {
		return nil, drivers.Errorf(drivers.FailedPrecondition,
			"job driver: persistentVolumeConfigMap %s/%s has no key %q", ref.Namespace, ref.Name, PersistentVolumeTemplateKey)
	}
	text = strings.ReplaceAll(text, generateNameVar, c.GenerateName)
	pv := &corev1.PersistentVolume{}
	if err := yaml.UnmarshalStrict([]byte(text), pv); err != nil {
		return nil, drivers.Errorf(drivers.FailedPrecondition,
			"job driver: persistentVolumeConfigMap %s/%s: key %q is not a PersistentVolume: %v",
			ref.Namespace, ref.Name, PersistentVolumeTemplateKey, err)
	}
	if pv.Kind != "" && pv.Kind != "PersistentVolume" {
		return nil, drivers.Errorf(drivers.FailedPrecondition,
			"job driver: persistentVolumeConfigMap %s/%s: key %q holds a %s, not a PersistentVolume",
			ref.Namespace, ref.Name, PersistentVolumeTemplateKey, pv.Kind)
	}
	return pv, nil
}

func ptrEmpty(s *string) bool { return s == nil || *s == "" }

// claimExists reports whether the claim exists in namespace.
func (d *Driver) claimExists(ctx context.Context, namespace, name string) (bool, error) {
	_, err := d.client.CoreV1().PersistentVolumeClaims(namespace).Get(ctx, name, metav1.GetOptions{})
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsNotFound(err):
		return false, nil
	}
	return false, apiError(err, "get backup claim %s/%s", namespace, name)
}
