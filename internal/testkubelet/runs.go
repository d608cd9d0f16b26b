package testkubelet

import (
	"context"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
)

// runs is the bookkeeping the Controller and the Kubelet share: one run
// per object UID, at most workers playing at once, the first error of a
// run, and the stop that kills every run and waits for them.
type runs struct {
	logf   func(format string, args ...any)
	slots  chan struct{}
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	byUID  map[types.UID]context.CancelFunc
	closed bool
	err    error
}

func newRuns(cancel context.CancelFunc, workers int, logf func(string, ...any)) *runs {
	r := &runs{logf: logf, cancel: cancel, byUID: map[types.UID]context.CancelFunc{}}
	if workers > 0 {
		r.slots = make(chan struct{}, workers)
	}
	return r
}

// start runs play once for uid, in a goroutine, unless it has run or
// stop has been called; what names the object in errors. play runs only
// then: it copies the informer's object it plays, not every event. A NotFound error,
// or any error after the run was killed, is not one.
func (r *runs) start(ctx context.Context, uid types.UID, what string, play func(ctx context.Context) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, seen := r.byUID[uid]; seen || r.closed {
		return
	}
	runCtx, kill := context.WithCancel(ctx)
	r.byUID[uid] = kill
	r.wg.Go(func() {
		defer kill()
		if !r.acquire(runCtx) {
			return
		}
		defer r.release()
		if err := play(runCtx); err != nil && runCtx.Err() == nil && !apierrors.IsNotFound(err) {
			r.fail(fmt.Errorf("play %s: %w", what, err))
		}
	})
}

// acquire takes one of the workers' slots; false when ctx ended first.
func (r *runs) acquire(ctx context.Context) bool {
	if r.slots == nil {
		return true
	}
	select {
	case r.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (r *runs) release() {
	if r.slots != nil {
		<-r.slots
	}
}

// kill kills the run of uid, which then writes nothing.
func (r *runs) kill(uid types.UID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if kill, ok := r.byUID[uid]; ok {
		kill()
	}
}

// fail records err, the first one, and logs it unless stopping.
func (r *runs) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	closed := r.closed
	r.mu.Unlock()
	if r.logf != nil && !closed {
		r.logf("testkubelet: %v", err)
	}
}

// stop kills every run, ends the informers (cancel) and waits for all of
// them; it returns the first error.
func (r *runs) stop() error {
	r.mu.Lock()
	r.closed = true
	for _, kill := range r.byUID {
		kill()
	}
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
