package plugin

import "syscall"

// dupStdout returns a close-on-exec duplicate of descriptor 1 and makes
// descriptor 1 a duplicate of descriptor 2.
func dupStdout() (int, error) {
	fd, err := syscall.Dup(1)
	if err != nil {
		return 0, err
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Dup3(2, 1, 0); err != nil {
		_ = syscall.Close(fd)
		return 0, err
	}
	return fd, nil
}
