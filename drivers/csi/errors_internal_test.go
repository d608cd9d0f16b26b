package csi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestAPIErrorsMapToDriverCodes(t *testing.T) {
	gr := schema.GroupResource{Group: "snapshot.storage.k8s.io", Resource: "volumesnapshots"}
	gk := schema.GroupKind{Group: "snapshot.storage.k8s.io", Kind: "VolumeSnapshot"}
	cases := []struct {
		err  error
		want drivers.Code
	}{
		{apierrors.NewNotFound(gr, "b1"), drivers.NotFound},
		{apierrors.NewAlreadyExists(gr, "b1"), drivers.AlreadyExists},
		{apierrors.NewConflict(gr, "b1", errors.New("changed")), drivers.Conflict},
		{apierrors.NewResourceExpired("too old"), drivers.Conflict},
		{apierrors.NewInvalid(gk, "b1", field.ErrorList{field.Required(field.NewPath("spec"), "")}), drivers.InvalidArgument},
		{apierrors.NewBadRequest("no"), drivers.InvalidArgument},
		{apierrors.NewForbidden(gr, "b1", errors.New("rbac")), drivers.PermissionDenied},
		{apierrors.NewUnauthorized("who"), drivers.PermissionDenied},
		{apierrors.NewTooManyRequests("slow down", 1), drivers.ResourceExhausted},
		{apierrors.NewServiceUnavailable("down"), drivers.Unavailable},
		{apierrors.NewTimeoutError("slow", 1), drivers.Unavailable},
		{apierrors.NewInternalError(errors.New("etcd")), drivers.Unavailable},
		{apierrors.NewMethodNotSupported(gr, "patch"), drivers.Internal},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, drivers.Unavailable},
		{context.Canceled, drivers.Canceled},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), drivers.DeadlineExceeded},
		{errors.New("something else"), drivers.Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.want.String()+"/"+tc.err.Error(), func(t *testing.T) {
			err := apiError("create VolumeSnapshot ns/b1", tc.err)
			assert.Equal(t, tc.want, drivers.ErrorCode(err))
			assert.ErrorIs(t, err, tc.err)
			assert.Equal(t, "csi: create VolumeSnapshot ns/b1: "+tc.err.Error(), err.Error())
		})
	}
}
