package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

func lifecycleCases() []testCase {
	return []testCase{
		{"close ends watches and later calls fail as unavailable", testClose},
	}
}

func testClose(t *testing.T, e *env) {
	w := e.watchBackups(e.ns)
	e.createBackup(e.backup(e.ns, "b"))
	require.NoError(t, e.s.Close())
	requireEnded(t, w)
	require.NoError(t, e.s.Close(), "closing again does nothing")

	_, err := e.s.Backups().Get(e.ctx, e.ns, "b")
	requireReason(t, apierrors.IsServiceUnavailable, err, "ServiceUnavailable")
	_, err = e.s.Backups().Create(e.ctx, e.backup(e.ns, "c"))
	requireReason(t, apierrors.IsServiceUnavailable, err, "ServiceUnavailable")
	_, err = e.s.Backups().Watch(e.ctx, e.ns)
	requireReason(t, apierrors.IsServiceUnavailable, err, "ServiceUnavailable")
}
