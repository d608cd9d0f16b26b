//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package local

import (
	"errors"
	"os"
	"syscall"
)

// supported reports whether the local driver runs on this platform.
const supported = true

// lockExclusive takes an exclusive, non-blocking flock on f. The lock
// belongs to f's open file description, so the processes that inherit f hold
// it until the last of them exits.
func lockExclusive(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// lockedByOthers reports whether some other open file description holds
// the lock on f's file: the task's process tree, while any of its
// processes lives. f itself must not hold it.
func lockedByOthers(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return false, syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// newSession makes the started process the leader of a new session and
// process group, detached from the host's terminal, so that it survives the
// host and its whole tree can be signalled at once.
func newSession() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// signalGroup sends SIGTERM (or SIGKILL when force is set) to the process
// group pgid. A group that is gone is not an error.
func signalGroup(pgid int, force bool) error {
	if pgid <= 1 {
		return nil
	}
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
