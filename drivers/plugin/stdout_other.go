//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package plugin

import "errors"

// dupStdout is not supported here: standard output stays as it is.
func dupStdout() (int, error) { return 0, errors.New("not supported") }
