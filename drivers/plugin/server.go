package plugin

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"

	"github.com/hashicorp/go-hclog"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// HealthChecker is implemented by drivers that can tell whether they are
// able to serve (for example whether their backend answers). A plugin's
// health check calls it; drivers without it are healthy while their process
// answers.
type HealthChecker interface {
	// Health returns nil when the driver can serve calls.
	Health(ctx context.Context) error
}

// server serves named drivers over the protocol, in the plugin process.
type server struct {
	pb.UnimplementedDriverServer
	drivers map[string]drivers.Driver
	names   []string
	version string
	log     hclog.Logger
}

func newServer(ds map[string]drivers.Driver, version string, log hclog.Logger) *server {
	s := &server{drivers: ds, version: version, log: log}
	for n := range ds {
		s.names = append(s.names, n)
	}
	sort.Strings(s.names)
	return s
}

// recoverPanic turns a panic in a driver method into an Internal error
// (the process goes on serving) and logs the stack to the plugin's stderr,
// which the host logs.
func (s *server) recoverPanic(method, driver string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	msg := fmt.Sprintf("driver %q panicked in %s: %v", driver, method, r)
	s.log.Error("driver panic", "driver", driver, "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	*err = driverStatus(drivers.Internal, msg)
}

// driver returns the driver served as name, or an Unimplemented error.
func (s *server) driver(name string) (drivers.Driver, error) {
	if d, ok := s.drivers[name]; ok {
		return d, nil
	}
	return nil, driverStatus(drivers.Unimplemented, fmt.Sprintf("this plugin serves no driver named %q (it serves %v)", name, s.names))
}

// Describe implements pb.DriverServer.
func (s *server) Describe(context.Context, *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	return &pb.DescribeResponse{ProtocolVersion: ProtocolVersion, PluginVersion: s.version, Drivers: s.names}, nil
}

// Health implements pb.DriverServer.
func (s *server) Health(ctx context.Context, req *pb.HealthRequest) (_ *pb.HealthResponse, err error) {
	if req.GetDriver() == "" {
		return &pb.HealthResponse{}, nil
	}
	defer s.recoverPanic("Health", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return nil, err
	}
	if hc, ok := d.(HealthChecker); ok {
		if err := hc.Health(ctx); err != nil {
			return nil, toStatus(err)
		}
	}
	return &pb.HealthResponse{}, nil
}

// Capabilities implements pb.DriverServer.
func (s *server) Capabilities(ctx context.Context, req *pb.CapabilitiesRequest) (_ *pb.CapabilitiesResponse, err error) {
	defer s.recoverPanic("Capabilities", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return nil, err
	}
	c, err := d.Capabilities(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	m := capabilitiesToProto(c)
	_, m.Notifies = d.(drivers.Notifier)
	return m, nil
}

// Start implements pb.DriverServer.
func (s *server) Start(ctx context.Context, req *pb.StartRequest) (_ *pb.StartResponse, err error) {
	defer s.recoverPanic("Start", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return nil, err
	}
	task, err := taskFromProto(req.GetTask())
	if err == nil {
		err = drivers.ValidateTask(task) // the author's driver gets well-formed tasks only
	}
	if err != nil {
		return nil, toStatus(err)
	}
	if err := d.Start(ctx, task); err != nil {
		return nil, toStatus(err)
	}
	return &pb.StartResponse{}, nil
}

// Status implements pb.DriverServer.
func (s *server) Status(ctx context.Context, req *pb.StatusRequest) (_ *pb.StatusResponse, err error) {
	defer s.recoverPanic("Status", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return nil, err
	}
	st, err := d.Status(ctx, req.GetId())
	if err != nil {
		return nil, toStatus(err)
	}
	m, err := statusToProto(st)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.StatusResponse{Status: m}, nil
}

// Cancel implements pb.DriverServer.
func (s *server) Cancel(ctx context.Context, req *pb.CancelRequest) (_ *pb.CancelResponse, err error) {
	defer s.recoverPanic("Cancel", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return nil, err
	}
	if err := d.Cancel(ctx, req.GetId()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.CancelResponse{}, nil
}

// Cleanup implements pb.DriverServer.
func (s *server) Cleanup(ctx context.Context, req *pb.CleanupRequest) (_ *pb.CleanupResponse, err error) {
	defer s.recoverPanic("Cleanup", req.GetDriver(), &err)
	d, err := s.driver(req.GetDriver())
	if err != nil {
		return nil, err
	}
	if err := d.Cleanup(ctx, req.GetId()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.CleanupResponse{}, nil
}
