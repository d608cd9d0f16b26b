package executor

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the engine's Prometheus metrics. Create them with NewMetrics;
// the zero value is not usable.
type Metrics struct {
	// BackupPhases counts Backups entering each phase, by type.
	BackupPhases *prometheus.CounterVec
	// RestorePhases counts RestoreJobs entering each phase.
	RestorePhases *prometheus.CounterVec
	// BackupDuration observes the duration of finished backups, by type
	// and phase.
	BackupDuration *prometheus.HistogramVec
	// ScheduleLag observes how late a scheduled Backup was created after
	// its slot.
	ScheduleLag prometheus.Histogram
	// RetentionDeletions counts Backups deleted by retention, by reason.
	RetentionDeletions *prometheus.CounterVec
	// QueueDepth is the number of objects waiting in the work queue.
	QueueDepth prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg; a nil reg
// registers them nowhere (they still count, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		BackupPhases: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dataprotection",
			Name: "backup_phase_transitions_total", Help: "Backups entering a phase."}, []string{"type", "phase"}),
		RestorePhases: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dataprotection",
			Name: "restore_phase_transitions_total", Help: "RestoreJobs entering a phase."}, []string{"phase"}),
		BackupDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "dataprotection",
			Name: "backup_duration_seconds", Help: "Duration of finished backups.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10)}, []string{"type", "phase"}),
		ScheduleLag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dataprotection",
			Name: "schedule_lag_seconds", Help: "Delay between a schedule slot and the creation of its Backup.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}),
		RetentionDeletions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dataprotection",
			Name: "retention_deletions_total", Help: "Backups deleted by retention."}, []string{"reason"}),
		QueueDepth: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dataprotection",
			Name: "queue_depth", Help: "Objects waiting in the work queue."}),
	}
	if reg != nil {
		reg.MustRegister(m.BackupPhases, m.RestorePhases, m.BackupDuration, m.ScheduleLag, m.RetentionDeletions, m.QueueDepth)
	}
	return m
}
