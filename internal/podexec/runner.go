package podexec

import (
	"context"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
)

// Options configure a Runner.
type Options struct {
	// Exec runs the commands in the containers. Required.
	Exec Executor
	// Namespace is where the records are kept; empty means the namespace
	// of each task's target pod (else of its owner); a record gets an owner
	// reference only in its owner's namespace.
	// Without it, a Runner finds the record of a task it has not seen since
	// it started by listing ConfigMaps of every namespace by the task-ID
	// label.
	Namespace string
	// OwnerReferences gives each record an owner reference to the task's
	// Backup or RestoreJob when they share a namespace, so that the
	// garbage collector deletes it with them. Leave it off when the owners
	// do not live in the cluster (an embedded store): the garbage
	// collector deletes objects whose owner does not exist.
	OwnerReferences bool
	// Logger receives the Runner's logs; the zero value discards them.
	Logger logr.Logger
	// Clock tells the time; nil means the real clock.
	Clock clock.PassiveClock
}

// Runner runs hook and status-update tasks in the target's container by
// pod exec, with the Driver SPI's semantics (Start is idempotent on the
// task ID, Status, Cancel and Cleanup), and records each task in the
// cluster so that a restarted engine knows it (see the package
// documentation). It is safe for concurrent use.
type Runner struct {
	client kubernetes.Interface
	opts   Options

	mu   sync.Mutex
	runs map[string]*run
}

// run is a task this process runs, until its final record is written.
type run struct {
	cancel context.CancelFunc
	done   chan struct{}
	rec    record // guarded by Runner.mu
}

// New returns a Runner that keeps its records through client.
func New(client kubernetes.Interface, opts Options) *Runner {
	if opts.Logger.GetSink() == nil {
		opts.Logger = logr.Discard()
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	return &Runner{client: client, opts: opts, runs: map[string]*run{}}
}

// now is the time as records keep it: UTC, without a monotonic reading,
// so that a status served from memory equals the same status read back.
func (r *Runner) now() time.Time { return r.opts.Clock.Now().UTC().Round(0) }

// recordNamespace is where the record of task t lives.
func (r *Runner) recordNamespace(t *drivers.Task) string {
	if r.opts.Namespace != "" {
		return r.opts.Namespace
	}
	return targetNamespace(t)
}

// Start runs task t, a hook or status update that drivers.ValidateTask and
// drivers.ValidateCommands accepted, unless a task of that ID is known
// (running here, or recorded in the cluster): that one is adopted and
// nothing runs. It resolves the environment, records the task Running,
// and returns while the exec goes on. Errors: InvalidArgument (no target
// pod, a variable a shell cannot name, a field it cannot resolve),
// FailedPrecondition (a missing secret, config map or key),
// AlreadyExists (a ConfigMap of the task's name that is not its record),
// and the API server's.
func (r *Runner) Start(ctx context.Context, t *drivers.Task) error {
	if t.Target.Name == "" {
		return drivers.Errorf(drivers.InvalidArgument, "task %s: no target pod to run in", t.ID)
	}
	if r.memory(t.ID) != nil {
		return nil
	}
	ns := r.recordNamespace(t)
	if _, err := r.get(ctx, ns, t.ID); !drivers.IsNotFound(err) {
		return err // nil: recorded, adopted
	}
	req, red, err := r.request(ctx, t)
	if err != nil {
		return err
	}
	runCtx, cancel := execContext(ctx, t)
	ru := &run{cancel: cancel, done: make(chan struct{}), rec: record{namespace: ns, phase: drivers.Running,
		pod: req.Namespace + "/" + req.Pod, container: req.Container, start: r.now()}}
	if !r.claim(t.ID, ru) {
		cancel()
		return nil
	}
	if err := r.create(ctx, t, &ru.rec); err != nil {
		r.drop(t.ID, ru)
		cancel()
		return err
	}
	go r.execute(runCtx, t, ru, req, red)
	return nil
}

// Status reports the task with this ID: from this process while it runs
// it, else from its record. A record that says Running but that no run of
// this process backs (the engine stopped while the command ran) is the
// task's end: it is recorded and reported Failed with code Unavailable —
// retryable, as the local driver's task whose processes vanished: whether
// the command finished is unknown, it is never run again by this task, and
// the engine decides (by the policy's onFailAttempted) whether a new
// attempt runs it. Errors: NotFound for an unknown task.
func (r *Runner) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	if ru := r.memory(id); ru != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		return ru.rec.status(id), nil
	}
	rec, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec.phase == drivers.Running {
		rec, err = r.endOrphan(ctx, id, outcome{phase: drivers.Failed, code: drivers.Unavailable,
			message: "the engine process that ran the command in " + rec.pod + " stopped before it ended; whether it finished is unknown (it may still run)"})
		if err != nil {
			return nil, err
		}
	}
	return rec.status(id), nil
}

// Cancel stops the task with this ID: it then reports Failed with code
// Canceled. The exec's stream is closed; whether the runtime stops the
// command in the container is the runtime's choice. A finished or unknown
// task is left as it is.
func (r *Runner) Cancel(ctx context.Context, id string) error {
	cancelled := outcome{phase: drivers.Failed, code: drivers.Canceled, message: "the task was cancelled"}
	if ru := r.memory(id); ru != nil {
		r.mu.Lock()
		changed := ru.rec.end(cancelled, r.now())
		rec := ru.rec
		r.mu.Unlock()
		ru.cancel()
		if !changed {
			return nil
		}
		return r.save(ctx, id, &rec)
	}
	rec, err := r.find(ctx, id)
	if drivers.IsNotFound(err) || (err == nil && rec.phase.IsTerminal()) {
		return nil
	}
	if err == nil {
		_, err = r.endOrphan(ctx, id, cancelled)
	}
	return err
}

// Cleanup cancels the task if it runs here, waits (while ctx lasts) for
// its exec to return, and deletes its record. Idempotent; an unknown ID
// returns nil.
func (r *Runner) Cleanup(ctx context.Context, id string) error {
	ns := ""
	if ru := r.memory(id); ru != nil {
		ru.cancel()
		select {
		case <-ru.done:
		case <-ctx.Done():
			return drivers.WithCode(drivers.ErrorCode(ctx.Err()), ctx.Err())
		}
		r.mu.Lock()
		ns = ru.rec.namespace
		r.mu.Unlock()
		r.drop(id, ru)
	}
	return r.remove(ctx, ns, id)
}
