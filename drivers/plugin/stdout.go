package plugin

import "os"

// guardStdout keeps file descriptor 1 away from the host once the
// handshake is out. go-plugin's host reads a plugin's standard output line
// by line and stops at a line over 64 KiB; after that a write to the pipe
// blocks for ever once it is full, and the plugin wedges (its calls hang,
// its health checks pass). So os.Stdout, where go-plugin prints the
// handshake, becomes a duplicate of descriptor 1, and descriptor 1 itself
// becomes standard error, which the host reads without a line limit: what a
// driver, a library or a child process writes to descriptor 1 later shows
// in the plugin's log. Where descriptors cannot be duplicated it does
// nothing.
func guardStdout() {
	fd, err := dupStdout()
	if err != nil {
		return
	}
	os.Stdout = os.NewFile(uintptr(fd), "/dev/stdout")
}
