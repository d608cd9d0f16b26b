//go:build !linux

package harness

import "syscall"

// sysProcAttr returns nil: only Linux can tie a child's life to its parent's,
// so elsewhere a test binary that is killed leaves its servers running.
func sysProcAttr() *syscall.SysProcAttr {
	return nil
}
