package plugin

import (
	"context"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// grpcPlugin is the go-plugin glue: the plugin side registers the server,
// the host side gets a conn.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	srv *server // nil on the host side
}

// GRPCServer implements goplugin.GRPCPlugin.
func (p *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterDriverServer(s, p.srv)
	return nil
}

// GRPCClient implements goplugin.GRPCPlugin.
func (p *grpcPlugin) GRPCClient(ctx context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &conn{rpc: pb.NewDriverClient(c), exited: ctx.Done()}, nil
}

// conn is the host's end of one plugin process.
type conn struct {
	rpc pb.DriverClient
	// exited is closed when go-plugin sees the process exit; nil when the
	// server runs in this process.
	exited <-chan struct{}
}

// caller runs one call of a driver against a plugin process; it returns the
// call's error as a driver error (fromStatus).
type caller interface {
	call(ctx context.Context, method string, fn func(context.Context, pb.DriverClient) error) error
}

// directCaller calls one connection, with no restart.
type directCaller struct{ rpc pb.DriverClient }

func (c directCaller) call(ctx context.Context, _ string, fn func(context.Context, pb.DriverClient) error) error {
	return fromStatus(ctx, fn(ctx, c.rpc))
}

// remoteDriver is a drivers.Driver served by a plugin process.
type remoteDriver struct {
	name string
	c    caller
}

var _ drivers.Driver = (*remoteDriver)(nil)

// Capabilities implements drivers.Driver.
func (d *remoteDriver) Capabilities(ctx context.Context) (drivers.Capabilities, error) {
	var resp *pb.CapabilitiesResponse
	err := d.c.call(ctx, "Capabilities", func(ctx context.Context, c pb.DriverClient) (err error) {
		resp, err = c.Capabilities(ctx, &pb.CapabilitiesRequest{Driver: d.name})
		return err
	})
	if err != nil {
		return drivers.Capabilities{}, err
	}
	return capabilitiesFromProto(resp), nil
}

// Start implements drivers.Driver.
func (d *remoteDriver) Start(ctx context.Context, task *drivers.Task) error {
	if task == nil {
		return drivers.Errorf(drivers.InvalidArgument, "plugin driver %q: start: no task", d.name)
	}
	m, err := taskToProto(task)
	if err != nil {
		return err
	}
	return d.c.call(ctx, "Start", func(ctx context.Context, c pb.DriverClient) error {
		_, err := c.Start(ctx, &pb.StartRequest{Driver: d.name, Task: m})
		return err
	})
}

// Status implements drivers.Driver.
func (d *remoteDriver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	var resp *pb.StatusResponse
	err := d.c.call(ctx, "Status", func(ctx context.Context, c pb.DriverClient) (err error) {
		resp, err = c.Status(ctx, &pb.StatusRequest{Driver: d.name, Id: id})
		return err
	})
	if err != nil {
		return nil, err
	}
	return statusFromProto(resp.GetStatus())
}

// Cancel implements drivers.Driver.
func (d *remoteDriver) Cancel(ctx context.Context, id string) error {
	return d.c.call(ctx, "Cancel", func(ctx context.Context, c pb.DriverClient) error {
		_, err := c.Cancel(ctx, &pb.CancelRequest{Driver: d.name, Id: id})
		return err
	})
}

// Cleanup implements drivers.Driver.
func (d *remoteDriver) Cleanup(ctx context.Context, id string) error {
	return d.c.call(ctx, "Cleanup", func(ctx context.Context, c pb.DriverClient) error {
		_, err := c.Cleanup(ctx, &pb.CleanupRequest{Driver: d.name, Id: id})
		return err
	})
}

// Health asks the plugin whether the driver can serve: nil when the process
// answers and the driver, if it implements HealthChecker, is healthy.
func (d *remoteDriver) Health(ctx context.Context) error {
	return d.c.call(ctx, "Health", func(ctx context.Context, c pb.DriverClient) error {
		_, err := c.Health(ctx, &pb.HealthRequest{Driver: d.name})
		return err
	})
}

// String returns the driver's name, for logs.
func (d *remoteDriver) String() string { return "plugin driver " + d.name }
