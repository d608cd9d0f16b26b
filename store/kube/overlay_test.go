package kube

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func at(rv, uid string) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "b", ResourceVersion: rv, UID: types.UID(uid)}}
}

// resolved is o.resolve of ns/b when the informers have cached.
func resolved(t *testing.T, o *overlay, cached store.Object) store.Object {
	t.Helper()
	obj, err := o.resolve("ns/b", func() (store.Object, error) { return cached, nil })
	require.NoError(t, err)
	return obj
}

func TestOverlayTakesTheNewerVersion(t *testing.T) {
	o := newOverlay()
	o.record("ns/b", at("12", "u1"), false)
	assert.Equal(t, "12", resolved(t, o, at("10", "u1")).GetResourceVersion(), "the cache is behind")
	assert.Equal(t, "12", resolved(t, o, nil).GetResourceVersion(), "the cache has not seen the creation")
	assert.Equal(t, "14", resolved(t, o, at("14", "u1")).GetResourceVersion(), "the cache is ahead")
	assert.Equal(t, uint64(1), o.observe("ns/b", at("10", "u1"), false), "a change before the write is tagged with it")
	assert.Len(t, o.pendingKeys(), 1, "the informer is not there yet")
	assert.Equal(t, uint64(1), o.observe("ns/b", at("12", "u1"), false), "the write's echo carries its number")
	assert.Empty(t, o.pendingKeys(), "the informer caught up")
}

func TestOverlayDeletionHidesTheDeletedUID(t *testing.T) {
	o := newOverlay()
	o.record("ns/b", at("", "u1"), true)
	assert.Nil(t, resolved(t, o, at("12", "u1")), "the deleted object is gone")
	assert.Equal(t, "20", resolved(t, o, at("20", "u2")).GetResourceVersion(), "another object of the name is not")
	assert.Equal(t, uint64(0), o.observe("ns/b", at("13", "u1"), false), "a change before the deletion")
	assert.Nil(t, resolved(t, o, at("13", "u1")))
	assert.Equal(t, uint64(1), o.observe("ns/b", at("14", "u1"), true), "the deletion's echo")
	assert.Empty(t, o.pendingKeys())
}

func TestOverlayEchoTagsAreTheEarliestLaterWrite(t *testing.T) {
	o := newOverlay()
	o.record("ns/b", at("10", "u1"), false)
	o.record("ns/b", at("12", "u1"), false)
	assert.Equal(t, uint64(1), o.observe("ns/b", at("10", "u1"), false))
	assert.Len(t, o.pendingKeys(), 1)
	assert.Equal(t, uint64(2), o.observe("ns/b", at("11", "u1"), false), "another client's change between the two")
	assert.Equal(t, uint64(2), o.observe("ns/b", at("12", "u1"), false))
	assert.Empty(t, o.pendingKeys())
}

// TestOverlayReadsItsEntryBeforeTheInformers: the informer catches up with
// a write while a read runs, after the read took the informers' (older)
// object and before it looks at the overlay. The entry the read took
// first still says the informers' object is older: the read returns the
// write.
func TestOverlayReadsItsEntryBeforeTheInformers(t *testing.T) {
	o := newOverlay()
	o.record("ns/b", at("12", "u1"), false)
	obj, err := o.resolve("ns/b", func() (store.Object, error) {
		stale := at("10", "u1")
		o.observe("ns/b", at("12", "u1"), false) // the informer delivers the write
		return stale, nil
	})
	require.NoError(t, err)
	assert.Equal(t, "12", obj.GetResourceVersion())
	assert.Empty(t, o.pendingKeys(), "the informer caught up")
}

// TestOverlayDeletionOfAnEarlierObjectKeepsTheNextOnesWrite: the store
// deletes b and creates it again, then the informer delivers the first
// object's deletion. The new object's entry and echo stay until the
// informer delivers the new object.
func TestOverlayDeletionOfAnEarlierObjectKeepsTheNextOnesWrite(t *testing.T) {
	o := newOverlay()
	o.record("ns/b", at("", "u1"), true)
	o.record("ns/b", at("20", "u2"), false)
	assert.Equal(t, uint64(1), o.observe("ns/b", at("15", "u1"), true), "the deletion's echo")
	assert.Equal(t, "20", resolved(t, o, nil).GetResourceVersion(), "the new object, before the informer has it")
	assert.Equal(t, uint64(2), o.observe("ns/b", at("20", "u2"), false), "the creation's echo")
	assert.Empty(t, o.pendingKeys())
}
