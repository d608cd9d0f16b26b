package job

import (
	"fmt"
	"path"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// checkStorage returns an error when a task's storage could make a script
// act outside the backup's own directory: the mount path must be absolute
// and not the root, and the directory a non-empty relative path without
// "..".
func checkStorage(s *drivers.Storage) error {
	switch {
	case s.ClaimName == "":
		return fmt.Errorf("storage has no claim name")
	case !path.IsAbs(s.MountPath) || path.Clean(s.MountPath) == "/":
		return fmt.Errorf("storage mount path %q is not an absolute path below /", s.MountPath)
	case strings.Contains(s.Path, ".."):
		return fmt.Errorf("storage path %q contains \"..\"", s.Path)
	case path.IsAbs(s.Path):
		return fmt.Errorf("storage path %q is not relative to the claim", s.Path)
	}
	return nil
}

// checkDeletePath is checkStorage plus what deleting needs: a directory
// below the claim's root, never the root itself.
func checkDeletePath(s *drivers.Storage) error {
	if err := checkStorage(s); err != nil {
		return err
	}
	if p := path.Clean(s.Path); s.Path == "" || p == "." {
		return fmt.Errorf("storage path %q names the claim's root", s.Path)
	}
	return nil
}

// deleteCommand removes exactly the task's directory, MountPath/Path, and
// then the parent directories between it and the mount that it leaves
// empty. When the claim is gone there is nothing to delete.
func deleteCommand(s *drivers.Storage, claimMissing bool) string {
	if claimMissing {
		return fmt.Sprintf("echo %s", quote(fmt.Sprintf("backup claim %q does not exist: nothing to delete", s.ClaimName)))
	}
	mount := path.Clean(s.MountPath)
	rel := path.Clean(s.Path)
	target := path.Join(mount, rel)
	var b strings.Builder
	fmt.Fprintf(&b, "rm -rf -- %s\n", quote(target))
	for dir := path.Dir(rel); dir != "." && dir != "/"; dir = path.Dir(dir) {
		fmt.Fprintf(&b, "rmdir -- %s 2>/dev/null || exit 0\n", quote(path.Join(mount, dir)))
	}
	return b.String()
}
