package job

import (
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
)

// DefaultHelperImage runs the tasks that need only a POSIX shell and no
// tool of their own: deleting a backup's directory.
const DefaultHelperImage = "busybox:1.37"

// Options configure a Driver. A nil *Options, and every zero field, means
// the documented default.
type Options struct {
	// Namespace is where the Jobs (and the backup claims they mount) are
	// created. Empty means the namespace of each task's owner, which is
	// also the only namespace where the Job gets an owner reference to the
	// Backup or RestoreJob: Kubernetes does not allow owners in another
	// namespace. When it is empty the driver finds a task whose namespace
	// it has not seen since it started (after an engine restart) by
	// listing Jobs of every namespace by the task-ID label, which needs
	// the right to list Jobs cluster-wide. A backup's Job mounts the
	// target pod's claims, so it must be in the target's namespace.
	Namespace string
	// ServiceAccountName is the service account of the Jobs' pods; empty
	// means the namespace's default.
	ServiceAccountName string
	// ImagePullSecrets are given to the Jobs' pods.
	ImagePullSecrets []corev1.LocalObjectReference
	// TTL, when set, is the Jobs' ttlSecondsAfterFinished: the Job
	// controller deletes a finished Job that long after it finished. It
	// must be longer than the engine takes to see the task finish, or the
	// task is reported NotFound and run again. Nil (the default) keeps
	// Jobs until Cleanup.
	TTL *time.Duration
	// HelperImage runs the tasks that need only a POSIX shell
	// (delete-artifacts); empty means DefaultHelperImage.
	HelperImage string
	// ToolsImage holds dpctl (see "Repositories" in the package
	// documentation for what it must contain); the containers that upload
	// and download a task's data to and from its repository run it. Empty:
	// the driver does not run tasks with a repository (its Capabilities
	// say so, and such policies are Failed).
	ToolsImage string
	// ToolsPath is where ToolsImage holds dpctl; empty means
	// DefaultToolsPath.
	ToolsPath string
	// SecurityContext, when set, is the security context of the Jobs'
	// containers, for example to run as the user that owns the
	// database's files.
	SecurityContext *corev1.SecurityContext
	// PodExec runs hook and status-update tasks in the target's container.
	// Nil means pod exec through the API server with RESTConfig (see
	// NewPodExecutor); when RESTConfig is nil too, the driver does not
	// offer those task kinds in its Capabilities.
	PodExec PodExecutor
	// RESTConfig authenticates the default PodExec.
	RESTConfig *rest.Config
	// DirectReads turns the informers off: every Status reads the Job and
	// lists its pods on the API server, and Notify is Unimplemented (the
	// engine polls). Otherwise the driver watches the Jobs and pods
	// labelled v1alpha1.LabelTaskID in Namespace (every namespace when it
	// is empty, which needs the right to list and watch Jobs and pods
	// cluster-wide).
	DirectReads bool
	// Informers are the host's own informers of Jobs or Pods, which the
	// driver reads from instead of starting its own (see Informers).
	Informers *Informers
	// SyncTimeout bounds how long a read waits for the informers' first
	// list before it fails with Unavailable; zero means two minutes.
	SyncTimeout time.Duration
	// Logger receives the driver's logs; the zero value discards them.
	Logger logr.Logger
	// Clock tells the time, for deadlines; nil means the real clock.
	Clock clock.PassiveClock
}

// withDefaults returns a copy of o with the defaults filled in.
func (o Options) withDefaults() Options {
	out := o
	if out.HelperImage == "" {
		out.HelperImage = DefaultHelperImage
	}
	if out.ToolsPath == "" {
		out.ToolsPath = DefaultToolsPath
	}
	if out.PodExec == nil && out.RESTConfig != nil {
		out.PodExec = NewPodExecutor(out.RESTConfig)
	}
	if out.Logger.GetSink() == nil {
		out.Logger = logr.Discard()
	}
	if out.Clock == nil {
		out.Clock = clock.RealClock{}
	}
	return out
}
