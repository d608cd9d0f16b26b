package csi

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// bookkeeping are the annotations Cleanup removes.
var bookkeeping = []string{v1alpha1.AnnotationTaskIndex, v1alpha1.AnnotationTaskObjects, v1alpha1.AnnotationTaskDeadline, v1alpha1.AnnotationTaskStopped, v1alpha1.AnnotationTaskStoppedMessage, v1alpha1.AnnotationTaskStoppedAt}

// allNamespaces lists across every namespace.
const allNamespaces = metav1.NamespaceAll

// snapshotGroup and snapshotKind name the VolumeSnapshot API in a claim's
// dataSource and in owner references.
const (
	snapshotGroup = "snapshot.storage.k8s.io"
	snapshotKind  = "VolumeSnapshot"
)

// SnapshotName returns the name of the VolumeSnapshot of the claim at index
// i of a snapshot task named name: name itself for the first claim, and
// name + "-" + i for the others. A name that would pass the 253 characters
// of an object name is shortened and made unique with a hash of name.
func SnapshotName(name string, i int) string {
	if i == 0 {
		return name
	}
	suffix := "-" + strconv.Itoa(i)
	if len(name)+len(suffix) <= validation.DNS1123SubdomainMaxLength {
		return name + suffix
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	hash := fmt.Sprintf("-%08x", h.Sum32())
	keep := strings.TrimRight(name[:validation.DNS1123SubdomainMaxLength-len(suffix)-len(hash)], "-.")
	return keep + hash + suffix
}

// namespaceOf is where a task's objects live: the target's namespace, else
// the owner's.
func namespaceOf(t *drivers.Task) string {
	if t.Target.Namespace != "" {
		return t.Target.Namespace
	}
	return t.Owner.Namespace
}

// objectLabels are the labels of an object made for task t.
func objectLabels(t *drivers.Task) map[string]string {
	l := make(map[string]string, len(t.Labels)+2)
	for k, v := range t.Labels {
		l[k] = v
	}
	l[v1alpha1.LabelTaskID] = t.ID
	if t.Owner.UID != "" {
		l[v1alpha1.LabelOwnerUID] = string(t.Owner.UID)
	}
	return l
}

// objectAnnotations are the bookkeeping annotations of the object at index i
// of task t.
func objectAnnotations(t *drivers.Task, i int) map[string]string {
	a := map[string]string{v1alpha1.AnnotationTaskIndex: strconv.Itoa(i), v1alpha1.AnnotationTaskObjects: strconv.Itoa(len(t.Snapshot.Claims))}
	if !t.Deadline.IsZero() {
		a[v1alpha1.AnnotationTaskDeadline] = t.Deadline.UTC().Format(time.RFC3339Nano)
	}
	return a
}

// indexOf returns an object's index annotation, or -1.
func indexOf(meta *metav1.ObjectMeta) int {
	i, err := strconv.Atoi(meta.Annotations[v1alpha1.AnnotationTaskIndex])
	if err != nil {
		return -1
	}
	return i
}

// countOf returns an object's count annotation, or 0.
func countOf(meta *metav1.ObjectMeta) int {
	n, _ := strconv.Atoi(meta.Annotations[v1alpha1.AnnotationTaskObjects])
	return n
}

// taskSelector selects the objects of task id.
func taskSelector(id string) metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: v1alpha1.LabelTaskID + "=" + id}
}
