package job

import (
	"fmt"
	"path"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/shell"
)

// checkMount returns an error when the claim's mount path could make a
// script act outside the claim: it must be absolute and not the root
// (drivers.ValidateTask checked the path below it).
func checkMount(s *drivers.Storage) error {
	if !path.IsAbs(s.MountPath) || path.Clean(s.MountPath) == "/" {
		return fmt.Errorf("storage mount path %q is not an absolute path below /", s.MountPath)
	}
	return nil
}

// deleteCommand removes exactly the task's directory, MountPath/Path, and
// then the parent directories between it and the mount that it leaves
// empty. When the claim is gone there is nothing to delete.
func deleteCommand(s *drivers.Storage, claimMissing bool) string {
	if claimMissing {
		return fmt.Sprintf("echo %s", shell.Quote(fmt.Sprintf("backup claim %q does not exist: nothing to delete", s.ClaimName)))
	}
	mount := path.Clean(s.MountPath)
	rel := path.Clean(s.Path)
	target := path.Join(mount, rel)
	var b strings.Builder
	fmt.Fprintf(&b, "rm -rf -- %s\n", shell.Quote(target))
	for dir := path.Dir(rel); dir != "." && dir != "/"; dir = path.Dir(dir) {
		fmt.Fprintf(&b, "rmdir -- %s 2>/dev/null || exit 0\n", shell.Quote(path.Join(mount, dir)))
	}
	return b.String()
}
