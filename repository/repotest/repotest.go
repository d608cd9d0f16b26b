package repotest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/repository"
)

// subtestTimeout bounds the context of one subtest.
const subtestTimeout = 5 * time.Minute

// Harness makes what one subtest needs.
type Harness struct {
	// NewBackend returns the backend under test for one subtest; keys
	// other subtests wrote must not be visible through it. The suite
	// closes it when the subtest ends. Required.
	NewBackend func(t *testing.T) repository.Backend
	// Leftovers returns what failed or cancelled Puts left behind in b
	// that a user would pay for or trip over: temporary files, incomplete
	// multipart uploads. Optional: when nil, the suite checks only that
	// no object is visible.
	Leftovers func(t *testing.T, b repository.Backend) []string
	// LargeObjectSize is the size of the large object; 64 MiB when zero.
	LargeObjectSize int64
	// ManyKeys is the number of keys of the listing test; 2,500 when zero.
	ManyKeys int
}

// RunConformanceTests runs the suite with h.
func RunConformanceTests(t *testing.T, h Harness) {
	require.NotNil(t, h.NewBackend, "Harness.NewBackend is required")
	if h.LargeObjectSize == 0 {
		h.LargeObjectSize = 64 << 20
	}
	if h.ManyKeys == 0 {
		h.ManyKeys = 2500
	}
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
	for _, group := range [][]testCase{basicCases(), keyCases(), streamCases(),
		failureCases(), concurrencyCases(), listCases()} {
		all = append(all, group...)
	}
	return all
}

// env is what a subtest works with: the backend, a Repository over it and a
// context that ends with the subtest.
type env struct {
	t    *testing.T
	ctx  context.Context
	h    Harness
	b    repository.Backend
	repo *repository.Repository
}

func newEnv(t *testing.T, h Harness) *env {
	ctx, cancel := context.WithTimeout(context.Background(), subtestTimeout)
	t.Cleanup(cancel)
	b := h.NewBackend(t)
	repo := repository.New(b, "repotest")
	t.Cleanup(func() { require.NoError(t, repo.Close()) })
	return &env{t: t, ctx: ctx, h: h, b: b, repo: repo}
}
