package objversion

import (
	"testing"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func obj(rv string, uid types.UID) *metav1.ObjectMeta {
	return &metav1.ObjectMeta{ResourceVersion: rv, UID: uid}
}

func TestWrite(t *testing.T) {
	w, ok := Of(obj("12", "u1"), false)
	assert.True(t, ok)
	assert.False(t, w.CaughtUp(obj("11", "u1")), "an older version")
	assert.True(t, w.CaughtUp(obj("12", "u1")))
	assert.False(t, w.CaughtUp(obj("x", "u1")), "a version that does not parse is never newer")
	assert.True(t, w.SettledBy(obj("11", "u1"), true), "the object's deletion")
	assert.False(t, w.SettledBy(obj("11", "u0"), true), "an earlier object's deletion")
	_, ok = Of(obj("x", "u1"), false)
	assert.False(t, ok)

	d, ok := Of(obj("", "u1"), true)
	assert.True(t, ok)
	assert.False(t, d.CaughtUp(obj("13", "u1")), "the deleted object, still cached")
	assert.True(t, d.CaughtUp(obj("20", "u2")), "another object of the name")
	unknown, _ := Of(obj("", ""), true)
	assert.False(t, unknown.CaughtUp(obj("20", "u2")), "a deletion of an unknown UID hides any object of the name")
	assert.True(t, unknown.SettledBy(obj("20", "u2"), true))
}
