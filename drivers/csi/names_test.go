package csi_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers/csi"
)

func TestSnapshotNamesAreDeterministicValidAndDistinct(t *testing.T) {
	long := strings.Repeat("a", 250) + ".b"
	cases := []struct {
		name string
		base string
		i    int
		want string
	}{
		{"the first claim is the name itself", "b1", 0, "b1"},
		{"the others get their index", "b1", 1, "b1-1"},
		{"the tenth", "pg-policy-snapshot-20261125", 10, "pg-policy-snapshot-20261125-10"},
		{"a long name keeps the first claim", long, 0, long},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, csi.SnapshotName(tc.base, tc.i))
		})
	}

	seen := map[string]bool{}
	for _, base := range []string{long, strings.Repeat("a", 251) + ".c", strings.Repeat("x", 253)} {
		for i := range 12 {
			n := csi.SnapshotName(base, i)
			assert.Empty(t, validation.IsDNS1123Subdomain(n), "%q", n)
			assert.Equal(t, n, csi.SnapshotName(base, i), "deterministic")
			assert.False(t, seen[n], "distinct: %q", n)
			seen[n] = true
		}
	}
}
