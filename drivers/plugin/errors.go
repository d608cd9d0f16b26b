package plugin

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// grpcCodes maps each drivers.Code to the gRPC code it travels as.
var grpcCodes = map[drivers.Code]codes.Code{
	drivers.Unknown:            codes.Unknown,
	drivers.NotFound:           codes.NotFound,
	drivers.AlreadyExists:      codes.AlreadyExists,
	drivers.InvalidArgument:    codes.InvalidArgument,
	drivers.FailedPrecondition: codes.FailedPrecondition,
	drivers.Unavailable:        codes.Unavailable,
	drivers.DeadlineExceeded:   codes.DeadlineExceeded,
	drivers.Canceled:           codes.Canceled,
	drivers.Unimplemented:      codes.Unimplemented,
	drivers.PermissionDenied:   codes.PermissionDenied,
	drivers.ResourceExhausted:  codes.ResourceExhausted,
	drivers.Conflict:           codes.Aborted,
	drivers.Internal:           codes.Internal,
}

// driverCodes is the inverse of grpcCodes, plus the gRPC codes no driver
// error travels as (from other gRPC implementations or the transport).
var driverCodes = func() map[codes.Code]drivers.Code {
	m := map[codes.Code]drivers.Code{
		codes.OutOfRange:      drivers.InvalidArgument,
		codes.DataLoss:        drivers.Internal,
		codes.Unauthenticated: drivers.PermissionDenied,
	}
	for d, g := range grpcCodes {
		m[g] = d
	}
	return m
}()

// GRPCCode returns the gRPC code an error with code c travels as: the code
// of the same name, Aborted for Conflict.
func GRPCCode(c drivers.Code) codes.Code {
	if g, ok := grpcCodes[c]; ok {
		return g
	}
	return codes.Unknown
}

// DriverCode returns the drivers.Code of a gRPC code: the inverse of
// GRPCCode; OutOfRange is InvalidArgument, DataLoss Internal, Unauthenticated
// PermissionDenied, and any other code Unknown.
func DriverCode(c codes.Code) drivers.Code {
	if d, ok := driverCodes[c]; ok {
		return d
	}
	return drivers.Unknown
}

// driverStatus returns the gRPC status error a plugin returns for an error
// with code c and text msg: the code in gRPC terms, the text unchanged, and
// a DriverError detail that marks it as the plugin's answer.
func driverStatus(c drivers.Code, msg string) error {
	st := status.New(GRPCCode(c), msg)
	if withDetail, err := st.WithDetails(&pb.DriverError{Code: pb.Code(c)}); err == nil {
		st = withDetail
	}
	return st.Err()
}

// toStatus turns a driver's error into the gRPC status error it travels as.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	return driverStatus(drivers.ErrorCode(err), err.Error())
}

// fromDriver reports whether a gRPC error is a plugin's answer (it carries a
// DriverError detail) and returns its code; false means the transport failed
// or the peer is not one of our plugins.
func fromDriver(st *status.Status) (drivers.Code, bool) {
	for _, d := range st.Details() {
		if de, ok := d.(*pb.DriverError); ok {
			return drivers.Code(de.GetCode()), true
		}
	}
	return DriverCode(st.Code()), false
}

// fromStatus turns an error a gRPC call returned into a driver error with
// the same code and message. When ctx is done the error wraps ctx.Err(), so
// errors.Is(err, context.DeadlineExceeded) holds for a call past its
// deadline.
func fromStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	st, _ := status.FromError(err)
	code, _ := fromDriver(st)
	if code == drivers.Canceled || code == drivers.DeadlineExceeded {
		awaitDeadline(ctx)
	}
	if cerr := ctx.Err(); cerr != nil && (code == drivers.Canceled || code == drivers.DeadlineExceeded) {
		if errors.Is(cerr, context.DeadlineExceeded) {
			code = drivers.DeadlineExceeded
		}
		if st.Message() == cerr.Error() {
			return drivers.WithCode(code, cerr)
		}
		return drivers.Errorf(code, "%s: %w", st.Message(), cerr)
	}
	return &drivers.Error{Code: code, Msg: st.Message()}
}

// deadlineSlack is how far ahead of its own deadline a call may be ended by
// the plugin's side: the deadline travels with the call, and the server
// may reach it (and reset the stream) a moment before the caller's context
// does.
const deadlineSlack = 100 * time.Millisecond

// awaitDeadline waits, when ctx's deadline is at most deadlineSlack away,
// until ctx is done: a call the server ended for its deadline then reports
// the deadline, not a bare cancellation. It waits on ctx itself, not on a
// timer of its own: a timer may fire before ctx's, and ctx.Err would still
// be nil.
func awaitDeadline(ctx context.Context) {
	dl, ok := ctx.Deadline()
	if !ok || ctx.Err() != nil || time.Until(dl) > deadlineSlack {
		return
	}
	<-ctx.Done()
}
