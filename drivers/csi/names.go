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

// The labels the driver puts on the VolumeSnapshots and claims it creates,
// besides the task's own labels (Task.Labels).
const (
	// LabelTaskID names the task that created the object. Cleanup removes
	// it; Status finds a task's objects by it.
	LabelTaskID = v1alpha1.GroupName + "/task-id"
	// LabelOwnerUID is the UID of the Backup or RestoreJob the object was
	// made for. It stays after Cleanup: delete-artifacts finds a Backup's
	// snapshots by it.
	LabelOwnerUID = v1alpha1.GroupName + "/owner-uid"
)

// The driver's bookkeeping annotations; Cleanup removes them.
const (
	// annIndex is the object's position in Task.Snapshot.Claims.
	annIndex = v1alpha1.GroupName + "/task-index"
	// annCount is len(Task.Snapshot.Claims): how many objects the task has
	// when its Start finished.
	annCount = v1alpha1.GroupName + "/task-objects"
	// annDeadline is Task.Deadline, RFC 3339.
	annDeadline = v1alpha1.GroupName + "/task-deadline"
	// annStopped is the code of a stopped task (Canceled, DeadlineExceeded,
	// Unknown for a snapshot error), annStoppedMessage why and annStoppedAt
	// when it stopped.
	annStopped        = v1alpha1.GroupName + "/task-stopped"
	annStoppedMessage = v1alpha1.GroupName + "/task-stopped-message"
	annStoppedAt      = v1alpha1.GroupName + "/task-stopped-at"
)

// bookkeeping are the annotations Cleanup removes.
var bookkeeping = []string{annIndex, annCount, annDeadline, annStopped, annStoppedMessage, annStoppedAt}

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
	l[LabelTaskID] = t.ID
	if t.Owner.UID != "" {
		l[LabelOwnerUID] = string(t.Owner.UID)
	}
	return l
}

// objectAnnotations are the bookkeeping annotations of the object at index i
// of task t.
func objectAnnotations(t *drivers.Task, i int) map[string]string {
	a := map[string]string{annIndex: strconv.Itoa(i), annCount: strconv.Itoa(len(t.Snapshot.Claims))}
	if !t.Deadline.IsZero() {
		a[annDeadline] = t.Deadline.UTC().Format(time.RFC3339Nano)
	}
	return a
}

// indexOf returns an object's index annotation, or -1.
func indexOf(meta *metav1.ObjectMeta) int {
	i, err := strconv.Atoi(meta.Annotations[annIndex])
	if err != nil {
		return -1
	}
	return i
}

// countOf returns an object's count annotation, or 0.
func countOf(meta *metav1.ObjectMeta) int {
	n, _ := strconv.Atoi(meta.Annotations[annCount])
	return n
}

// taskSelector selects the objects of task id.
func taskSelector(id string) metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: LabelTaskID + "=" + id}
}
