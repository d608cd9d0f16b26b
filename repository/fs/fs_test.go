package fs_test

import (
	iofs "io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	"github.com/dpsdk/dataprotection/repository/repotest"
)

func TestConformance(t *testing.T) {
	repotest.RunConformanceTests(t, repotest.Harness{
		NewBackend: func(t *testing.T) repository.Backend {
			b, err := fs.Open(filepath.Join(t.TempDir(), "repo"))
			require.NoError(t, err)
			return b
		},
		Leftovers: func(t *testing.T, b repository.Backend) []string { return tempFiles(t, b.(*fs.Backend).Dir()) },
	})
}

// tempFiles lists the temporary files under dir.
func tempFiles(t *testing.T, dir string) []string {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d iofs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".dp-tmp-") {
			found = append(found, p)
		}
		return err
	})
	require.NoError(t, err)
	return found
}
