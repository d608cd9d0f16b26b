package plugin

import (
	"context"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// resubscribeDelay is how long the host waits before it subscribes again
// to a plugin's notifications after the stream broke (the process died and
// is restarted by the next call).
const resubscribeDelay = time.Second

var _ drivers.Notifier = (*remoteDriver)(nil)

// Notify implements drivers.Notifier for a plugin whose driver notifies
// (its capabilities say so): it subscribes over the protocol and calls fn
// for each task the plugin names, until ctx ends. When the plugin process
// restarts it subscribes again; what was notified in between is lost, and
// the engine's fallback poll finds it. A plugin whose driver does not
// notify gives an Unimplemented error.
func (d *remoteDriver) Notify(ctx context.Context, fn func(taskID string)) error {
	var caps *pb.CapabilitiesResponse
	err := d.c.call(ctx, "Capabilities", func(ctx context.Context, c pb.DriverClient) (err error) {
		caps, err = c.Capabilities(ctx, &pb.CapabilitiesRequest{Driver: d.name})
		return err
	})
	if err != nil {
		return err
	}
	if !caps.GetNotifies() {
		return drivers.Errorf(drivers.Unimplemented, "plugin driver %q does not notify", d.name)
	}
	subscribed := make(chan error, 1)
	go d.follow(ctx, fn, subscribed)
	select {
	case err := <-subscribed:
		return err
	case <-ctx.Done():
		return drivers.WithCode(drivers.Canceled, ctx.Err())
	}
}

// follow keeps a subscription to the plugin's notifications until ctx
// ends, and reports on first whether the first one was taken.
func (d *remoteDriver) follow(ctx context.Context, fn func(string), first chan<- error) {
	for ctx.Err() == nil {
		err := d.c.call(ctx, "Notify", func(ctx context.Context, c pb.DriverClient) error {
			stream, err := c.Notify(ctx, &pb.NotifyRequest{Driver: d.name})
			if err != nil {
				return err
			}
			if _, err := stream.Recv(); err != nil { // the subscription's event
				return err
			}
			if first != nil {
				first <- nil
				first = nil
			}
			for {
				ev, err := stream.Recv()
				if err != nil {
					return err
				}
				fn(ev.GetTaskId())
			}
		})
		if first != nil {
			first <- err // the driver cannot notify, or the plugin is gone
			return
		}
		t := time.NewTimer(resubscribeDelay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
}
