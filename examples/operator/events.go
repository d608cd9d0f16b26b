package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// eventRecorder sends the engine's events (Started, Completed,
// InvalidPolicy, DataDeleted, ...) to the API server as core/v1 Events on
// the Backups, BackupPolicies and RestoreJobs.
type eventRecorder struct {
	record.EventBroadcaster
	recorder record.EventRecorder
}

// newEventRecorder starts a broadcaster that stops when ctx ends or on
// Shutdown.
func newEventRecorder(ctx context.Context, client kubernetes.Interface) *eventRecorder {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme) // static schemes: errors are impossible
	_ = v1alpha1.AddToScheme(scheme)
	b := record.NewBroadcaster(record.WithContext(ctx))
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	return &eventRecorder{EventBroadcaster: b,
		recorder: b.NewRecorder(scheme, corev1.EventSource{Component: "dataprotection"})}
}
