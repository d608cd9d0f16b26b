package plugin

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestCodesMapBothWays(t *testing.T) {
	want := map[drivers.Code]codes.Code{
		drivers.Unknown: codes.Unknown, drivers.NotFound: codes.NotFound, drivers.AlreadyExists: codes.AlreadyExists,
		drivers.InvalidArgument: codes.InvalidArgument, drivers.FailedPrecondition: codes.FailedPrecondition,
		drivers.Unavailable: codes.Unavailable, drivers.DeadlineExceeded: codes.DeadlineExceeded,
		drivers.Canceled: codes.Canceled, drivers.Unimplemented: codes.Unimplemented,
		drivers.PermissionDenied: codes.PermissionDenied, drivers.ResourceExhausted: codes.ResourceExhausted,
		drivers.Conflict: codes.Aborted, drivers.Internal: codes.Internal,
	}
	for d, g := range want {
		assert.Equal(t, g, GRPCCode(d), "GRPCCode(%s)", d)
		assert.Equal(t, d, DriverCode(g), "DriverCode(%s)", g)
	}
	for g, d := range map[codes.Code]drivers.Code{codes.OutOfRange: drivers.InvalidArgument, codes.DataLoss: drivers.Internal,
		codes.Unauthenticated: drivers.PermissionDenied, codes.OK: drivers.Unknown} {
		assert.Equal(t, d, DriverCode(g), "DriverCode(%s)", g)
	}
}

func TestErrorsSurviveTheWire(t *testing.T) {
	ctx := context.Background()
	for c := drivers.Unknown; c <= drivers.Internal; c++ {
		t.Run(c.String(), func(t *testing.T) {
			sent := fmt.Errorf("wrapped: %w", drivers.Errorf(c, "driver says %s", c))
			got := fromStatus(ctx, toStatus(sent))
			var de *drivers.Error
			require.True(t, errors.As(got, &de), "%T", got)
			assert.Equal(t, c, drivers.ErrorCode(got))
			assert.Equal(t, sent.Error(), got.Error(), "the message is preserved")
		})
	}
	t.Run("an error without a code is Unknown", func(t *testing.T) {
		got := fromStatus(ctx, toStatus(errors.New("plain")))
		assert.Equal(t, drivers.Unknown, drivers.ErrorCode(got))
		assert.Equal(t, "plain", got.Error())
	})
	t.Run("a status without the driver detail maps by gRPC code", func(t *testing.T) {
		got := fromStatus(ctx, status.Error(codes.Aborted, "foreign"))
		assert.Equal(t, drivers.Conflict, drivers.ErrorCode(got))
		st, _ := status.FromError(toStatus(drivers.Errorf(drivers.NotFound, "x")))
		_, answered := fromDriver(st)
		assert.True(t, answered, "a driver's error is marked as the plugin's answer")
		_, answered = fromDriver(status.New(codes.Unavailable, "transport"))
		assert.False(t, answered, "a transport error is not")
	})
	t.Run("a call past its deadline wraps the context's error", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, 0)
		defer cancel()
		<-ctx.Done()
		got := fromStatus(ctx, status.Error(codes.DeadlineExceeded, context.DeadlineExceeded.Error()))
		assert.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(got))
		assert.ErrorIs(t, got, context.DeadlineExceeded)
		assert.Equal(t, "context deadline exceeded", got.Error())
	})
	t.Run("a call the server ended just before the deadline still wraps it", func(t *testing.T) {
		// The server may reach the deadline first; fromStatus waits for ctx
		// itself, so the error wraps context.DeadlineExceeded every time
		// (an own timer once raced ctx's and left ctx.Err nil under load).
		for range 200 {
			ctx, cancel := context.WithTimeout(ctx, time.Millisecond)
			got := fromStatus(ctx, status.Error(codes.DeadlineExceeded, context.DeadlineExceeded.Error()))
			cancel()
			require.ErrorIs(t, got, context.DeadlineExceeded)
			require.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(got))
		}
	})
}
