package job

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestCodeOfAPIErrors(t *testing.T) {
	gr := corev1.Resource("pods")
	for name, tc := range map[string]struct {
		err  error
		want drivers.Code
	}{
		"not found":         {apierrors.NewNotFound(gr, "x"), drivers.NotFound},
		"already exists":    {apierrors.NewAlreadyExists(gr, "x"), drivers.AlreadyExists},
		"conflict":          {apierrors.NewConflict(gr, "x", errors.New("changed")), drivers.Conflict},
		"forbidden":         {apierrors.NewForbidden(gr, "x", errors.New("no")), drivers.PermissionDenied},
		"unauthorized":      {apierrors.NewUnauthorized("who"), drivers.PermissionDenied},
		"invalid":           {apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Pod").GroupKind(), "x", field.ErrorList{}), drivers.InvalidArgument},
		"bad request":       {apierrors.NewBadRequest("bad"), drivers.InvalidArgument},
		"too many requests": {apierrors.NewTooManyRequests("slow down", 1), drivers.ResourceExhausted},
		"timeout":           {apierrors.NewTimeoutError("slow", 1), drivers.Unavailable},
		"server timeout":    {apierrors.NewServerTimeout(gr, "get", 1), drivers.Unavailable},
		"unavailable":       {apierrors.NewServiceUnavailable("down"), drivers.Unavailable},
		"internal":          {apierrors.NewInternalError(errors.New("etcd")), drivers.Unavailable},
		"connection":        {&net.OpError{Op: "dial", Err: errors.New("connection refused")}, drivers.Unavailable},
		"cancelled":         {context.Canceled, drivers.Canceled},
		"deadline":          {fmt.Errorf("get: %w", context.DeadlineExceeded), drivers.DeadlineExceeded},
		"wrapped":           {fmt.Errorf("op: %w", apierrors.NewNotFound(gr, "x")), drivers.NotFound},
		"other":             {errors.New("boom"), drivers.Unknown},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, codeOf(tc.err))
			err := apiError(tc.err, "get pod %s", "x")
			assert.Equal(t, tc.want, drivers.ErrorCode(err), "apiError keeps the code")
			assert.ErrorIs(t, err, tc.err, "and the cause")
			assert.Contains(t, err.Error(), "job driver: get pod x")
		})
	}
}
