package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestSelectTarget(t *testing.T) {
	pods := []drivers.Target{{Name: "pg-2"}, {Name: "pg-0"}, {Name: "pg-1"}}
	tests := []struct {
		name       string
		recorded   string
		candidates []drivers.Target
		want       string
	}{
		{name: "the first by name", candidates: pods, want: "pg-0"},
		{name: "the recorded target while it is still there", recorded: "pg-2", candidates: pods, want: "pg-2"},
		{name: "the first by name when the recorded target is gone", recorded: "pg-9", candidates: pods, want: "pg-0"},
		{name: "the only one", candidates: []drivers.Target{{Name: "solo"}}, want: "solo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := backup("b1", v1alpha1.BackupTypeDataFile)
			if tt.recorded != "" {
				b.Annotations = map[string]string{v1alpha1.AnnotationTargetPodName: tt.recorded}
			}
			order := append([]drivers.Target(nil), tt.candidates...)

			got, err := policy.SelectTarget(b, tt.candidates)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Name)
			assert.Equal(t, order, tt.candidates, "the candidates are not reordered")
		})
	}
}

func TestSelectTargetWithoutCandidatesNamesThePolicy(t *testing.T) {
	_, err := policy.SelectTarget(backup("b1", v1alpha1.BackupTypeDataFile), nil)

	require.Error(t, err)
	assert.Equal(t, `no target matches the labelsSelector of BackupPolicy "pg-policy"`, err.Error())
}
