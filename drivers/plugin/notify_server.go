package plugin

import (
	"sync"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// Notify implements pb.DriverServer: it subscribes to the driver's
// notifications for as long as the host keeps the call, sends an empty
// event once subscribed, then an event per notification. Notifications
// that arrive faster than the stream sends are merged by task ID.
func (s *server) Notify(req *pb.NotifyRequest, stream pb.Driver_NotifyServer) (err error) {
	defer s.recoverPanic("Notify", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return err
	}
	n, ok := d.(drivers.Notifier)
	if !ok {
		return driverStatus(drivers.Unimplemented, "driver "+req.GetDriver()+" does not notify")
	}
	ctx := stream.Context()
	q := newPendingIDs()
	if err := n.Notify(ctx, q.add); err != nil {
		return toStatus(err)
	}
	if err := stream.Send(&pb.NotifyEvent{}); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-q.ready:
		}
		for _, id := range q.take() {
			if err := stream.Send(&pb.NotifyEvent{TaskId: id}); err != nil {
				return err
			}
		}
	}
}

// pendingIDs are the task IDs notified and not sent yet: add never blocks
// (drivers.Notifier's contract), and ready has a value while some wait.
type pendingIDs struct {
	mu    sync.Mutex
	ids   map[string]struct{}
	order []string
	ready chan struct{}
}

func newPendingIDs() *pendingIDs {
	return &pendingIDs{ids: map[string]struct{}{}, ready: make(chan struct{}, 1)}
}

func (p *pendingIDs) add(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.ids[id]; ok {
		return
	}
	p.ids[id] = struct{}{}
	p.order = append(p.order, id)
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

// take returns the waiting IDs in the order they were first notified.
func (p *pendingIDs) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.order
	p.order = nil
	clear(p.ids)
	return out
}
