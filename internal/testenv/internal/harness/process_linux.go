package harness

import "syscall"

// sysProcAttr makes the kernel kill a child process when its parent dies, so
// that the servers never outlive a test binary that crashed, was killed, or
// timed out.
//
// Linux delivers the signal when the OS thread that started the child exits,
// not only when the whole process does. The Go runtime only ends a thread
// when a goroutine that called runtime.LockOSThread returns without
// unlocking it, so do not start a process from such a goroutine.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
