//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package local

import (
	"os"
	"syscall"
)

// supported reports whether the local driver runs on this platform: it
// needs process groups and flock.
const supported = false

func lockExclusive(*os.File) error { return errUnsupported }

func lockedByOthers(*os.File) (bool, error) { return false, errUnsupported }

func newSession() *syscall.SysProcAttr { return nil }

func signalGroup(int, bool) error { return errUnsupported }
