package podexec

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The keys of a record's ConfigMap.
const (
	keyPhase      = "phase"
	keyPod        = "pod"
	keyContainer  = "container"
	keyStart      = "startTime"
	keyCompletion = "completionTime"
	keyCode       = "errorCode"
	keyMessage    = "message"
	keyLogTail    = "logTail"
	keyOutput     = "output"
)

// record is what the Runner knows of a task: in memory while this process
// runs it, and in the cluster, in the ConfigMap named by the task's ID,
// labelled with v1alpha1.LabelTaskID and LabelTaskKind. Everything in it
// is redacted.
type record struct {
	namespace string
	phase     drivers.Phase
	// pod and container are where the commands run ("namespace/name").
	pod, container    string
	start, completion time.Time
	code              drivers.Code
	message, logTail  string
	output            []byte
}

// status is the TaskStatus of the record of task id.
func (r *record) status(id string) *drivers.TaskStatus {
	return &drivers.TaskStatus{ID: id, Phase: r.phase, StartTime: r.start, CompletionTime: r.completion,
		ErrorCode: r.code, Message: r.message, LogTail: r.logTail, Output: append([]byte(nil), r.output...)}
}

// end makes the record terminal, with the outcome of o, unless it is
// already; it reports whether it changed it.
func (r *record) end(o outcome, at time.Time) bool {
	if r.phase.IsTerminal() {
		return false
	}
	r.phase, r.code, r.message, r.logTail, r.output, r.completion = o.phase, o.code, o.message, o.logTail, o.output, at
	return true
}

// data is the record as the ConfigMap's data.
func (r *record) data() map[string]string {
	d := map[string]string{keyPhase: string(r.phase), keyPod: r.pod, keyContainer: r.container,
		keyStart: r.start.UTC().Format(time.RFC3339Nano)}
	if r.phase.IsTerminal() {
		d[keyCompletion] = r.completion.UTC().Format(time.RFC3339Nano)
		d[keyCode] = r.code.String()
	}
	for k, v := range map[string]string{keyMessage: r.message, keyLogTail: r.logTail, keyOutput: string(r.output)} {
		if v != "" {
			d[k] = v
		}
	}
	return d
}

// recordOf reads a record's ConfigMap.
func recordOf(cm *corev1.ConfigMap) *record {
	d := cm.Data
	r := &record{namespace: cm.Namespace, phase: drivers.Phase(d[keyPhase]), pod: d[keyPod], container: d[keyContainer],
		start: parseTime(d[keyStart]), completion: parseTime(d[keyCompletion]),
		message: d[keyMessage], logTail: d[keyLogTail]}
	r.code, _ = drivers.ParseCode(d[keyCode])
	if out := d[keyOutput]; out != "" {
		r.output = []byte(out)
	}
	switch r.phase {
	case drivers.Running, drivers.Succeeded, drivers.Failed:
	default:
		r.phase = drivers.Running // unreadable: judged as a run this process does not know
	}
	return r
}

// configMap is the ConfigMap of the record of task t.
func (r *record) configMap(t *drivers.Task, owner bool) *corev1.ConfigMap {
	labels := map[string]string{}
	for k, v := range t.Labels {
		labels[k] = v
	}
	labels[v1alpha1.LabelTaskID], labels[v1alpha1.LabelTaskKind] = t.ID, string(t.Kind)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: t.ID, Namespace: r.namespace, Labels: labels},
		Data: r.data()}
	if o := t.Owner; owner && o.UID != "" && o.Kind != "" && o.Name != "" && o.Namespace == r.namespace {
		cm.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: o.Kind,
			Name: o.Name, UID: o.UID, BlockOwnerDeletion: ptr.To(false)}}
	}
	return cm
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
