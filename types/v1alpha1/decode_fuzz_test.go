package v1alpha1_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// FuzzDecode: any bytes a tenant submits either fail to decode with an
// error, or give one of the four kinds, which defaulting and validation
// (validate, as in validation_test.go) take without a panic, validation
// reporting at most MaxReportedErrors (+1 that counts the rest) and a
// message of at most MaxMessageLength once truncated; and which encodes to
// JSON that decodes again.
func FuzzDecode(f *testing.F) {
	full, err := os.ReadFile("testdata/full.yaml")
	require.NoError(f, err)
	f.Add(full)
	f.Add([]byte(`{"apiVersion":"dataprotection.kubeblocks.io/v1alpha1","kind":"Backup","metadata":{"name":"b"},"spec":{"backupPolicyName":"p"}}`))
	f.Add([]byte("apiVersion: dataprotection.kubeblocks.io/v1alpha1\nkind: BackupPolicy\nmetadata: {name: p}\nspec:\n  retention: {ttl: 99999999999d}\n"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := v1alpha1.Decode(data)
		if err != nil {
			require.Nil(t, obj)
			return
		}
		v1alpha1.SetDefaults(obj)
		errs := validate(obj)
		require.LessOrEqual(t, len(errs), v1alpha1.MaxReportedErrors+1, "validation reports a bounded list")
		require.LessOrEqual(t, len(v1alpha1.TruncateMessage(v1alpha1.ErrorsMessage(errs))), v1alpha1.MaxMessageLength)
		encoded, err := json.Marshal(obj)
		require.NoError(t, err)
		_, err = v1alpha1.Decode(encoded)
		require.NoError(t, err, "%s", encoded)
	})
}
