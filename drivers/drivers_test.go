package drivers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestErrorCodesSurviveWrapping(t *testing.T) {
	base := drivers.Errorf(drivers.NotFound, "task %q", "x")
	wrapped := fmt.Errorf("engine: status: %w", base)
	require.Equal(t, drivers.NotFound, drivers.ErrorCode(wrapped))
	require.True(t, drivers.IsNotFound(wrapped))
	require.Equal(t, `engine: status: task "x"`, wrapped.Error())

	inner := errors.New("connection refused")
	e := drivers.Errorf(drivers.Unavailable, "dial: %w", inner)
	require.ErrorIs(t, e, inner)
	require.Equal(t, "dial: connection refused", e.Error())
	require.Equal(t, drivers.Internal, drivers.ErrorCode(drivers.WithCode(drivers.Internal, inner)))
	require.NoError(t, drivers.WithCode(drivers.Internal, nil))
}

func TestErrorCodeOfPlainAndContextErrors(t *testing.T) {
	require.Equal(t, drivers.Unknown, drivers.ErrorCode(errors.New("x")))
	require.Equal(t, drivers.Unknown, drivers.ErrorCode(nil))
	require.Equal(t, drivers.Canceled, drivers.ErrorCode(fmt.Errorf("op: %w", context.Canceled)))
	require.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(context.DeadlineExceeded))
}

func TestRetryableCodes(t *testing.T) {
	retry := map[drivers.Code]bool{drivers.Unknown: true, drivers.Unavailable: true,
		drivers.DeadlineExceeded: true, drivers.ResourceExhausted: true, drivers.Conflict: true}
	for c := drivers.Unknown; c <= drivers.Internal; c++ {
		assert.Equal(t, retry[c], c.Retryable(), c.String())
	}
	assert.Equal(t, "Code(99)", drivers.Code(99).String())
	for c := drivers.Unknown; c <= drivers.Internal; c++ {
		back, ok := drivers.ParseCode(c.String())
		assert.True(t, ok)
		assert.Equal(t, c, back)
	}
	_, ok := drivers.ParseCode("Code(99)")
	assert.False(t, ok)
}

func TestRegistryLookup(t *testing.T) {
	r := drivers.Registry{"job": nil}
	_, err := r.Lookup("plugin-x")
	require.True(t, drivers.IsNotFound(err))
	require.ErrorContains(t, err, `"plugin-x"`)
	require.Equal(t, []string{"job"}, r.Names())
}
