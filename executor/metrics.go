package executor

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the engine's Prometheus metrics (the README lists them).
type metrics struct {
	// backupPhases counts Backups entering each phase, by type.
	backupPhases *prometheus.CounterVec
	// restorePhases counts RestoreJobs entering each phase.
	restorePhases *prometheus.CounterVec
	// backupDuration observes the duration of finished backups, by type
	// and phase.
	backupDuration *prometheus.HistogramVec
	// scheduleLag observes how late a scheduled Backup was created after
	// its slot.
	scheduleLag prometheus.Histogram
	// retentionDeletions counts Backups deleted by retention, by reason.
	retentionDeletions *prometheus.CounterVec
	// queueDepth is the number of objects waiting in the work queue.
	queueDepth prometheus.Gauge
	// taskBytes is the number of bytes the running task of a Backup or
	// RestoreJob moved so far, by kind, namespace and name.
	taskBytes *prometheus.GaugeVec
}

// newMetrics creates the metrics and registers them with reg; a nil reg
// registers them nowhere (they still count, for tests).
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		backupPhases: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dataprotection",
			Name: "backup_phase_transitions_total", Help: "Backups entering a phase."}, []string{"type", "phase"}),
		restorePhases: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dataprotection",
			Name: "restore_phase_transitions_total", Help: "RestoreJobs entering a phase."}, []string{"phase"}),
		backupDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "dataprotection",
			Name: "backup_duration_seconds", Help: "Duration of finished backups.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10)}, []string{"type", "phase"}),
		scheduleLag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dataprotection",
			Name: "schedule_lag_seconds", Help: "Delay between a schedule slot and the creation of its Backup.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}),
		retentionDeletions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dataprotection",
			Name: "retention_deletions_total", Help: "Backups deleted by retention."}, []string{"reason"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dataprotection",
			Name: "queue_depth", Help: "Objects waiting in the work queue."}),
		taskBytes: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "dataprotection",
			Name: "task_bytes_done", Help: "Bytes the running task of an object moved to or from its repository so far."},
			[]string{"kind", "namespace", "name"}),
	}
	if reg != nil {
		reg.MustRegister(m.backupPhases, m.restorePhases, m.backupDuration, m.scheduleLag, m.retentionDeletions, m.queueDepth, m.taskBytes)
	}
	return m
}
