package repository_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/repository"
)

// FuzzDecodeManifest checks that any bytes either fail with ErrCorrupt or
// give a manifest whose every key is derived from the backup key and a
// valid name: a manifest never steers a read elsewhere.
func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(`{"formatVersion":1,"backupKey":"ns/b","compression":"zstd","encryption":"none","objects":[` +
		`{"name":"a","key":"ns/b/data/a","size":1,"storedSize":10,"sha256":"` + strings.Repeat("a", 64) +
		`","logicalSha256":"` + strings.Repeat("b", 64) + `"},{"name":"d","type":"dir","mode":493}]}`))
	f.Add([]byte(`{"formatVersion":1,"backupKey":"ns/b","compression":"none","encryption":"age","recipients":["age1x"],"objects":[]}`))
	f.Add([]byte(`{"formatVersion":1,"backupKey":"ns/b","objects":[{"name":"../x","key":"ns/b/data/../x"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := repository.DecodeManifest(data, "ns/b")
		if err != nil {
			require.ErrorIs(t, err, repository.ErrCorrupt)
			return
		}
		require.Equal(t, "ns/b", m.BackupKey)
		for _, o := range m.Objects {
			require.NoError(t, repository.ValidateKey(o.Name))
			if o.Type == repository.TypeFile {
				require.Equal(t, "ns/b/data/"+o.Name, o.Key)
				require.GreaterOrEqual(t, o.Size, int64(0))
			}
		}
	})
}
