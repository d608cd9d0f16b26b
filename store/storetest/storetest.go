package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"github.com/dpsdk/dataprotection/store"
)

// EventTimeout bounds the wait for one watch event.
const EventTimeout = 30 * time.Second

// subtestTimeout bounds the context of one subtest.
const subtestTimeout = 2 * time.Minute

// Harness makes what one subtest needs.
type Harness struct {
	// NewStore returns the store under test for one subtest. The suite
	// closes it when the subtest ends. Required.
	NewStore func(t *testing.T) store.Store
	// NewNamespace returns a namespace that exists (where that matters)
	// and that no other subtest uses. The suite calls it twice per
	// subtest. When nil, the suite makes up names, which suits a store
	// that is fresh for every subtest.
	NewNamespace func(t testing.TB) string
	// NewPeer returns another client of the data of the stores NewStore
	// returns, with caches of its own where they have them: the other
	// writer of the consistency cases. The suite closes it. Nil: the
	// store is its own peer, as for an embedded store, whose data only
	// one Store opens.
	NewPeer func(t *testing.T) store.Store
}

// RunConformanceTests runs the suite against the stores that newStore
// returns, one fresh store for each subtest.
func RunConformanceTests(t *testing.T, newStore func(t *testing.T) store.Store) {
	RunConformanceTestsWith(t, Harness{NewStore: newStore})
}

// RunConformanceTestsWith runs the suite with h.
func RunConformanceTestsWith(t *testing.T, h Harness) {
	require.NotNil(t, h.NewStore, "Harness.NewStore is required")
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) { c.run(t, newEnv(t, h)) })
	}
}

// testCase is one subtest of the suite.
type testCase struct {
	name string
	run  func(t *testing.T, e *env)
}

// cases lists the subtests, grouped by concern.
func cases() []testCase {
	var all []testCase
	for _, group := range [][]testCase{createCases(), readCases(), updateCases(),
		deleteCases(), watchCases(), indexCases(), consistencyCases(), lifecycleCases(), limitCases()} {
		all = append(all, group...)
	}
	return all
}

// env is what a subtest works with: a store, two namespaces, an id unique
// to the subtest (for cluster-scoped names and a label on every object) and
// a context that ends with the subtest.
type env struct {
	t     *testing.T
	h     Harness
	ctx   context.Context
	s     store.Store
	ns    string
	other string
	id    string
}

var namespaceSeq atomic.Int64

func newEnv(t *testing.T, h Harness) *env {
	ctx, cancel := context.WithTimeout(context.Background(), subtestTimeout)
	t.Cleanup(cancel)
	e := &env{t: t, h: h, ctx: ctx, s: h.NewStore(t), id: utilrand.String(8)}
	t.Cleanup(func() { require.NoError(t, e.s.Close()) })
	newNS := h.NewNamespace
	if newNS == nil {
		newNS = func(testing.TB) string { return fmt.Sprintf("ns-%d", namespaceSeq.Add(1)) }
	}
	e.ns, e.other = newNS(t), newNS(t)
	return e
}

// peer returns the other writer of the data (see Harness.NewPeer).
func (e *env) peer() store.Store {
	if e.h.NewPeer == nil {
		return e.s
	}
	p := e.h.NewPeer(e.t)
	e.t.Cleanup(func() { require.NoError(e.t, p.Close()) })
	return p
}
