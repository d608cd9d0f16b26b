package notify

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestListenersAreCalledUntilTheirContextEnds(t *testing.T) {
	var l Listeners
	var a, b []string
	ctxA, cancelA := context.WithCancel(context.Background())
	l.Add(ctxA, func(id string) { a = append(a, id) })
	l.Add(context.Background(), func(id string) { b = append(b, id) })
	l.Notify("t1")
	cancelA()
	assert.Eventually(t, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.fns) == 1
	}, 10*time.Second, time.Millisecond, "a cancelled listener is removed")
	l.Notify("t2")
	assert.Equal(t, []string{"t1"}, a)
	assert.Equal(t, []string{"t1", "t2"}, b)
}
